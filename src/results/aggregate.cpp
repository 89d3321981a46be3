#include "results/aggregate.h"

#include <unistd.h>

#include <filesystem>
#include <map>

#include "common/errors.h"
#include "common/files.h"
#include "common/statistics.h"
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
std::string pool_key(const StoredRun& r) {
  if (!r.group_id.empty()) return r.group_id;
  const ordered_json& s = r.summary;
  return "row|" + s.value(columns::kModel, "") + "|" + s.value(columns::kDevice, "") + "|" +
         s.value(columns::kArrival, "") + "|" + s.value(columns::kRateHz, ordered_json()).dump() +
         "|" + s.value(columns::kPolicy, "");
}

// Columns copied from one member rather than averaged: what names the configuration.
bool averaged(const std::string& key) {
  return !key.empty() && key != columns::kSeed && key != columns::kBatchSize;
}

}  // namespace

std::vector<ordered_json> aggregate_configurations(const std::vector<StoredRun>& runs) {
  std::map<std::string, std::vector<const StoredRun*>> groups;
  std::vector<std::string> order;
  for (const StoredRun& r : runs) {
    const std::string key = pool_key(r);
    if (!groups.count(key)) order.push_back(key);
    groups[key].push_back(&r);
  }
  std::vector<ordered_json> rows;
  for (const std::string& key : order) {
    const auto& members = groups[key];
    const ordered_json& first = members.front()->summary;
    ordered_json row;
    for (auto it = first.begin(); it != first.end(); ++it) {
      // Settings and distributions are not columns; the format is the document's, not the row's.
      if (it->is_structured() || it.key() == columns::kFormat) continue;
      if (it->is_number() && averaged(it.key())) {
        std::vector<double> values;
        for (const StoredRun* m : members) {
          const auto& v = m->summary[it.key()];
          if (v.is_number()) values.push_back(v.get<double>());
        }
        row[it.key()] =
            values.empty() ? ordered_json(nullptr) : ordered_json(mean_ci95(values).mean);
      } else {
        row[it.key()] = *it;
      }
    }
    row[columns::kRepetitions] = members.size();
    for (const char* col : kWithCi) {
      std::vector<double> values;
      for (const StoredRun* m : members) values.push_back(m->summary[col].get<double>());
      const MeanCi ci = mean_ci95(values);
      row[columns::ci95(col)] = ci.ci95 ? ordered_json(*ci.ci95) : ordered_json(nullptr);
    }
    const std::string& group = members.front()->group_id;
    row[columns::kGroupId] = group.empty() ? ordered_json(nullptr) : ordered_json(group);
    rows.push_back(std::move(row));
  }
  return rows;
}

void write_csv(const std::string& path, const std::vector<ordered_json>& rows) {
  // A folder that is missing or not writable is the user's to fix (exit 2), not a failed run.
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
