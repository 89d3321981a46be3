#include "results/result_store.h"

#include <algorithm>
#include <filesystem>
#include <iterator>

#include "common/errors.h"
#include "common/version.h"
#include "results/machine.h"
#include "results/sqlite.h"
#include "results/store_format.h"

namespace gb {

using sqlite::Statement;

void ResultStore::exec(const std::string& sql) const { sqlite::exec(db_.get(), sql, path_); }

void ResultStore::set_meta(const std::string& key, const std::string& value) const {
  Statement(db_.get(), "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)")
      .bind(1, key)
      .bind(2, value)
      .run_and_reset();
}

std::string ResultStore::meta(const std::string& key) const {
  Statement s(db_.get(), "SELECT value FROM meta WHERE key = ?");
  s.bind(1, key);
  return s.step() ? s.column_text(0) : "";
}

std::string ResultStore::runs_table() const {
  return version_ == 2 ? "main.runs" : "(" + rows_as_current("runs", "main.", version_) + ")";
}

void ResultStore::set_durable(bool durable) const {
  exec(durable ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=OFF;");
}

nlohmann::ordered_json ResultStore::machines() const {
  const std::string text = meta("machines");
  if (text.empty()) return nlohmann::ordered_json::array();
  return nlohmann::ordered_json::parse(text);
}

void ResultStore::add_machine(const nlohmann::ordered_json& machine) const {
  nlohmann::ordered_json list = machines();
  if (add_unique_machine(list, machine)) set_meta("machines", list.dump());
}

ResultStore::ResultStore(const std::string& path, const ExperimentFile& experiment, bool fresh)
    : path_(path) {
  db_.reset(sqlite::open(path, true));
  // WAL + synchronous=FULL: a committed configuration is on disk before save() returns.
  exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;");
  try {
    version_ = store_version(db_.get(), "main", path);
  } catch (const UsageError&) {
    if (!fresh) throw;
    version_ = -1;  // a format this greenbatch does not know: --fresh replaces it all the same
  }
  if (version_ == 0) {
    create_store_schema(db_.get(), path);
    version_ = 2;
  }
  const std::string hash = std::to_string(experiment.hash);
  const std::string stored = version_ > 0 ? meta("experiment_hash") : "";
  if (!stored.empty() && stored != hash && !fresh) {
    throw UsageError("'" + path + "' holds results of a different experiment file (" +
                     meta("experiment_name") +
                     "); use another --out, or --fresh --yes to start over");
  }
  if (fresh) {
    // Dropped rather than emptied: a fresh start also leaves an old layout behind.
    exec(
        "DROP TABLE IF EXISTS runs; DROP TABLE IF EXISTS requests; DROP TABLE IF EXISTS power;"
        "DROP TABLE IF EXISTS meta;");
    create_store_schema(db_.get(), path);
  } else if (version_ == 1) {
    upgrade_v1_store(db_.get(), path);
  }
  version_ = 2;
  if (fresh || stored.empty()) {
    set_meta("experiment_hash", hash);
    set_meta("experiment_name", experiment.name);
    set_meta("experiment_text", experiment.text);
    set_meta("greenbatch_version", kVersion);
  }
}

ResultStore::ResultStore(const std::string& path) : path_(path) {
  if (!std::filesystem::exists(path)) {
    throw UsageError("no results at '" + path + "' (run a sweep into that folder first)");
  }
  db_.reset(sqlite::open(path, false));
  exec("PRAGMA journal_mode=WAL;");
  version_ = store_version(db_.get(), "main", path);
  if (version_ == 0) {
    create_store_schema(db_.get(), path);  // an empty file: an empty store, as a sweep would begin
    version_ = 2;
  }
  if (version_ == 1) map_v1_ids(db_.get(), "main", path);
}

ResultStore::~ResultStore() = default;

std::set<std::string> ResultStore::completed() const {
  std::set<std::string> done;
  Statement s(db_.get(), "SELECT config_id FROM " + runs_table());
  while (s.step()) done.insert(s.column_text(0));
  return done;
}

void ResultStore::save(const Configuration& config, const RunSummary& summary,
                       const RunTrace& trace, const std::vector<PowerSample>& samples,
                       const std::vector<std::string>& domains) {
  if (config.id.empty()) throw std::logic_error("ResultStore::save: configuration without an id");
  const nlohmann::ordered_json row = summary_row(summary);
  exec("BEGIN IMMEDIATE");
  try {
    // A half-saved earlier attempt cannot exist (transactions), but a rerun of a configuration
    // must still replace, never duplicate.
    Statement(db_.get(), "DELETE FROM requests WHERE config_id = ?")
        .bind(1, config.id)
        .run_and_reset();
    Statement(db_.get(), "DELETE FROM power WHERE config_id = ?")
        .bind(1, config.id)
        .run_and_reset();
    Statement req(db_.get(), "INSERT INTO requests VALUES(?, ?, ?, ?, ?, ?, ?)");
    for_each_request(trace, [&](const RequestRow& r) {
      req.bind(1, config.id)
          .bind(2, static_cast<int64_t>(r.id))
          .bind(3, r.scheduled_s)
          .bind(4, r.released_s)
          .bind(5, static_cast<int64_t>(r.batch))
          .bind(6, r.start_s)
          .bind(7, r.end_s)
          .run_and_reset();
    });
    Statement pow(db_.get(), "INSERT INTO power VALUES(?, ?, ?, ?)");
    for (const PowerSample& s : samples) {
      pow.bind(1, config.id)
          .bind(2, to_seconds(s.t))
          .bind(3, s.meter < domains.size() ? domains[s.meter] : std::string("?"))
          .bind(4, static_cast<double>(s.watts))
          .run_and_reset();
    }
    std::string places = "?, ?, ?, ?, ?";  // the ids, index, repetition, summary_json
    for (std::size_t i = 0; i < std::size(kRunFigures); ++i) places += ", ?";
    Statement run(db_.get(), "INSERT OR REPLACE INTO runs VALUES(" + places + ")");
    run.bind(1, config.id)
        .bind(2, config.group_id)
        .bind(3, static_cast<int64_t>(config.index))
        .bind(4, static_cast<int64_t>(config.repetition));
    int column = 5;
    for (const StoreColumn& c : kRunFigures) run.bind(column++, row.at(c.name));
    run.bind(column, summary_document(summary).dump()).run_and_reset();
    exec("COMMIT");
  } catch (...) {
    exec("ROLLBACK");
    throw;
  }
}

std::vector<StoredRun> ResultStore::runs() const {
  std::vector<StoredRun> out;
  Statement s(db_.get(),
              "SELECT config_id, group_id, config_index, repetition, summary_json FROM " +
                  runs_table() + " ORDER BY config_index, config_id");
  while (s.step()) {
    StoredRun r;
    r.id = s.column_text(0);
    r.group_id = s.column_text(1);
    r.index = static_cast<std::size_t>(s.column_int(2));
    r.repetition = static_cast<std::size_t>(s.column_int(3));
    r.summary = nlohmann::ordered_json::parse(s.column_text(4));
    check_results_format(r.summary, path_);
    out.push_back(std::move(r));
  }
  return out;
}

void ResultStore::merge(const std::string& output, const std::vector<std::string>& inputs) {
  if (inputs.empty()) throw UsageError("merge needs at least one input store");
  std::string hash, text, name;
  for (const std::string& in : inputs) {
    ResultStore store(in);  // refuses a store it cannot read, before anything is written
    const std::string h = store.meta("experiment_hash");
    if (h.empty()) throw UsageError("'" + in + "' is not a greenbatch result store");
    if (hash.empty()) {
      hash = h;
      text = store.meta("experiment_text");
      name = store.meta("experiment_name");
    } else if (h != hash) {
      throw UsageError("'" + in + "' comes from a different experiment file than '" + inputs[0] +
                       "'; refusing to merge");
    }
  }
  if (std::filesystem::exists(output)) {
    ResultStore existing(output);
    const std::string h = existing.meta("experiment_hash");
    if (!h.empty() && h != hash) {
      throw UsageError("'" + output + "' holds a different experiment; refusing to merge into it");
    }
  }
  ExperimentFile experiment;
  experiment.text = text;
  experiment.hash = std::stoull(hash);
  experiment.name = name;
  ResultStore out(output, experiment, false);
  for (const std::string& in : inputs) {
    Statement attach(out.db_.get(), "ATTACH DATABASE ? AS src");
    attach.bind(1, in).run_and_reset();
    try {
      const int version = store_version(out.db_.get(), "src", in);
      if (version == 1) map_v1_ids(out.db_.get(), "src", in);
      const auto rows = [&](const char* table) { return rows_as_current(table, "src.", version); };
      const std::string fresh = " WHERE config_id NOT IN (SELECT config_id FROM main.runs);";
      out.exec(
          "BEGIN IMMEDIATE;"
          "INSERT INTO requests SELECT * FROM (" +
          rows("requests") + ")" + fresh + "INSERT INTO power SELECT * FROM (" + rows("power") +
          ")" + fresh + "INSERT OR IGNORE INTO runs " + rows("runs") + ";COMMIT;");
    } catch (...) {
      sqlite3_exec(out.db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
      out.exec("DETACH DATABASE src");
      throw;
    }
    out.exec("DETACH DATABASE src");
    for (const auto& m : ResultStore(in).machines()) out.add_machine(m);
  }
}

std::vector<std::string> find_stores(const std::string& path) {
  namespace fs = std::filesystem;
  if (!fs::is_directory(path)) return {path};
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(path)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("results", 0) == 0 && e.path().extension() == ".sqlite") {
      out.push_back(e.path().string());
    }
  }
  std::sort(out.begin(), out.end());
  if (out.empty()) throw UsageError("no results*.sqlite in '" + path + "'");
  return out;
}

}  // namespace gb
