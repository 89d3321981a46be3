#include "results/aggregate.h"

#include <unistd.h>

#include <filesystem>
#include <map>
#include <optional>

#include "common/errors.h"
#include "common/files.h"
#include "common/parse.h"
#include "common/statistics.h"
#include "results/levers.h"
#include "results/result_folder.h"

namespace gb {

using nlohmann::ordered_json;

namespace {

// The figures a recommendation turns on; they gain confidence intervals.
constexpr const char* kWithCi[] = {columns::kEnergyPerImage, columns::kP99Response,
                                   columns::kMaxResponse};

// Which runs pool: the configuration's group id (its id without the repetition). Runs that carry
// none — a run folder's summary.json documents — pool by what their rows say of the
// configuration, as before ids existed: the runs of one folder are repeated `greenbatch run`
// invocations, whatever their seeds.
// How a run is named in messages: its run_id when its summary has one, else its id, else its
// position among the runs given.
std::string run_name(const StoredRun& r, std::size_t position) {
  if (r.summary.is_object()) {
    const auto it = r.summary.find("run_id");
    if (it != r.summary.end() && it->is_string() && !it->get<std::string>().empty()) {
      return "run '" + it->get<std::string>() + "'";
    }
  }
  if (!r.id.empty()) return "run '" + r.id + "'";
  return "run " + std::to_string(position + 1);
}

[[noreturn]] void bad_field(const std::string& run, const char* field, const std::string& why) {
  throw UsageError(run + ": field '" + field + "' " + why);
}

// A field every run must have, of the right kind (checked before anything is read from it).
const ordered_json& number_field(const ordered_json& s, const std::string& run, const char* field) {
  const auto it = s.find(field);
  if (it == s.end()) bad_field(run, field, "is missing");
  if (!it->is_number())
    bad_field(run, field, "must be a number, not " + std::string(it->type_name()));
  return *it;
}

// A figure that gets an interval: a number, or for energy per image null too (a load of a server
// on another machine measures none, docs/serving.md).
std::optional<double> ci_field(const ordered_json& s, const std::string& run, const char* field) {
  const auto it = s.find(field);
  if (it != s.end() && it->is_null() && std::string(field) == columns::kEnergyPerImage) {
    return std::nullopt;
  }
  return number_field(s, run, field).get<double>();
}

// A text field that may be absent (""), but not of another kind.
std::string text_field(const ordered_json& s, const std::string& run, const char* field) {
  const auto it = s.find(field);
  if (it == s.end() || it->is_null()) return "";
  if (!it->is_string()) bad_field(run, field, "must be text, not " + std::string(it->type_name()));
  return it->get<std::string>();
}

// Which runs pool: the configuration's group id (its id without the repetition). Runs that carry
// none — a run folder's summary.json documents — pool by what their rows say of the
// configuration, as before ids existed: the runs of one folder are repeated `greenbatch run`
// invocations, whatever their seeds.
std::string pool_key(const StoredRun& r, const std::string& run) {
  const ordered_json& s = r.summary;
  // Runs with different lever values are different configurations, never repetitions: shards
  // of one sweep on machines with different CPU counts default to different thread counts, and
  // the rows of run folders carry no group id.
  // A lever at its baseline, or absent (a row from before it existed), adds nothing: rows of one
  // configuration written before and after a lever was added still pool.
  std::string levers_key;
  for (const Lever& l : levers()) {
    const auto v = s.find(l.name);
    if (v == s.end() || v->is_null() || (v->is_string() && *v == l.baseline)) continue;
    levers_key += "|" + std::string(l.name) + "=" + v->dump();
  }
  if (!r.group_id.empty()) return r.group_id + levers_key;
  const auto rate = s.find(columns::kRateHz);
  if (rate != s.end() && !rate->is_null() && !rate->is_number()) {
    bad_field(run, columns::kRateHz,
              "must be a number or null, not " + std::string(rate->type_name()));
  }
  return "row|" + text_field(s, run, columns::kModel) + "|" + text_field(s, run, columns::kDevice) +
         "|" + text_field(s, run, columns::kArrival) + "|" +
         (rate == s.end() ? ordered_json() : *rate).dump() + "|" +
         text_field(s, run, columns::kPolicy) + levers_key;
}

// Columns copied from one member rather than averaged: what names the configuration.
bool averaged(const std::string& key) {
  return !key.empty() && key != columns::kSeed && key != columns::kBatchSize && !find_lever(key);
}

}  // namespace

std::vector<ordered_json> aggregate_configurations(const std::vector<StoredRun>& runs) {
  // Every summary is checked before any is read: an object, with the figures that get intervals.
  std::vector<std::string> names;
  names.reserve(runs.size());
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const StoredRun& r = runs[i];
    names.push_back(run_name(r, i));
    if (!r.summary.is_object()) {
      throw UsageError(names.back() + ": summary must be an object, not " +
                       std::string(r.summary.type_name()));
    }
    // Numbers from a file are held to the ranges every other input is: a run cannot take longer
    // than kMaxDuration, and no image costs more than a gigajoule.
    for (const char* col : kWithCi) {
      const std::optional<double> v = ci_field(r.summary, names.back(), col);
      const bool energy = std::string(col) == columns::kEnergyPerImage;
      if (v) {
        check_range(*v, names.back() + ": field '" + col + "'", 0,
                    energy ? 1e9 : to_seconds(kMaxDuration), energy ? "J" : "s");
      }
    }
  }
  std::map<std::string, std::vector<std::size_t>> groups;
  std::vector<std::string> order;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const std::string key = pool_key(runs[i], names[i]);
    if (!groups.count(key)) order.push_back(key);
    groups[key].push_back(i);
  }
  std::vector<ordered_json> rows;
  for (const std::string& key : order) {
    const auto& members = groups[key];
    const StoredRun& front = runs[members.front()];
    const ordered_json& first = front.summary;
    ordered_json row;
    for (auto it = first.begin(); it != first.end(); ++it) {
      // Settings and distributions are not columns; the format is the document's, not the row's.
      if (it->is_structured() || it.key() == columns::kFormat) continue;
      if (it->is_number() && averaged(it.key())) {
        // A member without the column, or with null there, does not count; another kind is wrong.
        std::vector<double> values;
        for (const std::size_t m : members) {
          const ordered_json& s = runs[m].summary;
          const auto v = s.find(it.key());
          if (v == s.end() || v->is_null()) continue;
          if (!v->is_number()) {
            bad_field(names[m], it.key().c_str(),
                      "must be a number, not " + std::string(v->type_name()));
          }
          values.push_back(v->get<double>());
        }
        row[it.key()] =
            values.empty() ? ordered_json(nullptr) : ordered_json(mean_ci95(values).mean);
      } else if (it.key() == columns::kOverloaded || it.key() == columns::kComplete ||
                 it.key() == columns::kValidForEnergy) {
        // A flag that holds for any repetition holds for the configuration: the pooled figures
        // include that run. (complete and valid_for_energy: all must be.)
        const bool any = it.key() == columns::kOverloaded;
        bool flag = !any;
        for (const std::size_t m : members) {
          const auto v = runs[m].summary.find(it.key());
          // A document without the flag predates it: not overloaded, complete, and valid.
          const bool set = v != runs[m].summary.end() && v->is_boolean() ? v->get<bool>() : !any;
          flag = any ? (flag || set) : (flag && set);
        }
        row[it.key()] = flag;
      } else {
        row[it.key()] = *it;
      }
    }
    row[columns::kRepetitions] = members.size();
    for (const char* col : kWithCi) {
      std::vector<double> values;
      for (const std::size_t m : members) {
        if (const auto v = ci_field(runs[m].summary, names[m], col)) values.push_back(*v);
      }
      const MeanCi ci = values.empty() ? MeanCi{} : mean_ci95(values);
      row[columns::ci95(col)] = ci.ci95 ? ordered_json(*ci.ci95) : ordered_json(nullptr);
    }
    const std::string& group = front.group_id;
    row[columns::kGroupId] = group.empty() ? ordered_json(nullptr) : ordered_json(group);
    rows.push_back(std::move(row));
  }
  return rows;
}

void write_csv(const std::string& path, const std::vector<ordered_json>& rows) {
  // A folder that is missing or not writable is the user's to fix (exit 2), not a failed run.
  if (std::filesystem::is_directory(path)) {
    throw UsageError("'" + path + "' is a folder: name the CSV file to write (e.g. " +
                     (std::filesystem::path(path) / "results.csv").string() + ")");
  }
  const std::filesystem::path folder = std::filesystem::absolute(path).parent_path();
  if (!std::filesystem::is_directory(folder) || ::access(folder.c_str(), W_OK) != 0) {
    throw UsageError("cannot write '" + path + "'");
  }
  write_file_atomically(path, [&](std::ostream& out) {
    if (rows.empty()) return;
    out << csv_header(rows.front()) << "\n";
    for (const ordered_json& row : rows) out << csv_line(row, rows.front()) << "\n";
  });
}

}  // namespace gb
