#include "results/result_store.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <set>

#include "common/errors.h"
#include "common/files.h"
#include "common/version.h"
#include "results/experiment_compare.h"
#include "results/machine.h"
#include "results/sqlite.h"
#include "results/store_format.h"

namespace gb {

using sqlite::Statement;

namespace {

// JSON text from a received store's column: depth-checked before parsing (deep nesting would
// exhaust the stack), and one UsageError naming the store and the run when it is not JSON.
nlohmann::ordered_json stored_json(const std::string& text, const std::string& where) {
  check_json_depth(text, kMaxJsonDepth, "'" + where + "'");
  nlohmann::ordered_json doc = nlohmann::ordered_json::parse(text, nullptr, false);
  if (doc.is_discarded()) throw UsageError("'" + where + "' holds text that is not JSON");
  return doc;
}

}  // namespace

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
  return stored_json(text, path_ + " (its machines)");
}

void ResultStore::add_machine(const nlohmann::ordered_json& machine) const {
  nlohmann::ordered_json list = machines();
  if (add_unique_machine(list, machine)) set_meta("machines", list.dump());
}

void ResultStore::use_machine(const nlohmann::ordered_json& machine) {
  add_machine(machine);
  const nlohmann::ordered_json list = machines();
  machine_ = static_cast<std::size_t>(std::find(list.begin(), list.end(), machine) - list.begin());
}

std::map<std::string, std::size_t> ResultStore::run_machines() const {
  const std::size_t known = machines().size();
  std::map<std::string, std::size_t> out;
  const std::string text = meta("run_machines");
  if (!text.empty()) {
    const nlohmann::ordered_json doc = stored_json(text, path_ + " (its run machines)");
    if (doc.is_object()) {
      for (auto it = doc.begin(); it != doc.end(); ++it) {
        if (it->is_number_unsigned() && it->get<std::size_t>() < known) {
          out[it.key()] = it->get<std::size_t>();
        }
      }
    }
  }
  if (known == 1) {
    for (const std::string& id : completed()) out.emplace(id, 0);
  }
  return out;
}

void ResultStore::set_run_machines(const std::map<std::string, std::size_t>& ids) const {
  nlohmann::ordered_json doc = nlohmann::ordered_json::object();
  for (const auto& [id, machine] : ids) doc[id] = machine;
  set_meta("run_machines", doc.dump());
}

ResultStore::ResultStore(const std::string& path, const ExperimentFile& experiment, bool fresh,
                         bool wait)
    : path_(path) {
  lock_fd_ = lock_for_writing(path + ".lock", path, wait ? LockHint::kNone : LockHint::kWait, wait);
  try {
    db_.reset(sqlite::open(path, sqlite::Mode::kWrite));
    // A database that is not a store is refused before anything (the journal mode) is written.
    try {
      store_version(db_.get(), "main", path);
    } catch (const UsageError& e) {
      if (std::string(e.what()).find("not a greenbatch") != std::string::npos) throw;
    }
    // WAL + synchronous=FULL: a committed configuration is on disk before save() returns.
    exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;");
    // The check and the first write in one transaction: nobody writes in between.
    exec("BEGIN IMMEDIATE");
    try {
      try {
        version_ = store_version(db_.get(), "main", path);
      } catch (const UsageError& e) {
        // A format this greenbatch does not know: --fresh replaces it all the same; a database
        // that is not a store, never.
        if (!fresh || std::string(e.what()).find("not a greenbatch") != std::string::npos) throw;
        version_ = -1;
      }
      if (version_ == 0) {
        exec(store_schema_sql());
        version_ = 2;
      }
      const std::string hash = std::to_string(experiment.hash);
      const std::string stored = version_ > 0 ? meta("experiment_hash") : "";
      bool record = fresh || stored.empty();
      if (!stored.empty() && !fresh) {
        const Comparison c = compare_experiments(meta("experiment_text"), stored, experiment);
        if (c.kind == Comparison::kDifferent) {
          throw UsageError("'" + path + "' holds results of a different experiment file (" +
                           meta("experiment_name") + "): " + c.why +
                           "; use another --out, or --fresh --yes to start over");
        }
        grown_by_ = c.added;
        record = c.kind == Comparison::kGrown;
      }
      if (fresh) {
        // Dropped rather than emptied: a fresh start also leaves an old layout behind.
        exec(
            "DROP TABLE IF EXISTS runs; DROP TABLE IF EXISTS requests; DROP TABLE IF EXISTS "
            "power; DROP TABLE IF EXISTS meta;" +
            store_schema_sql());
      } else if (version_ == 1) {
        upgrade_v1_store(db_.get(), path, false);
      }
      version_ = 2;
      if (record) {
        set_meta("experiment_hash", hash);
        set_meta("experiment_name", experiment.name);
        set_meta("experiment_text", experiment.text);
        set_meta("greenbatch_version", kVersion);
      }
      exec("COMMIT");
    } catch (...) {
      sqlite::rollback(db_.get());
      throw;
    }
  } catch (...) {
    db_.reset();
    release_writing_lock(lock_fd_);
    throw;
  }
}

ResultStore::ResultStore(const std::string& path) : path_(path) {
  if (!std::filesystem::exists(path)) {
    throw UsageError("no results at '" + path + "' (run a sweep into that folder first)");
  }
  if (std::filesystem::is_regular_file(path) && std::filesystem::file_size(path) == 0) {
    throw UsageError("'" + path + "' is empty (0 bytes), not a greenbatch result store");
  }
  db_.reset(sqlite::open(path, sqlite::Mode::kRead));
  version_ = store_version(db_.get(), "main", path);
  if (version_ == 0) {
    throw UsageError("'" + path +
                     "' is not a greenbatch result store (a SQLite database without "
                     "tables)");
  }
  if (version_ == 1) map_v1_ids(db_.get(), "main", path);
}

ResultStore::~ResultStore() {
  db_.reset();  // closed (and checkpointed) before the next writer may take the lock
  release_writing_lock(lock_fd_);
}

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
    for (const StoreColumn& c : kRunFigures) run.bind(column++, row.at(c.row));
    run.bind(column, summary_document(summary).dump()).run_and_reset();
    if (machine_) {
      std::map<std::string, std::size_t> ids = run_machines();
      ids[config.id] = *machine_;
      set_run_machines(ids);
    }
    exec("COMMIT");
  } catch (...) {
    sqlite::rollback(db_.get());  // SQLite may have rolled back already (a full disk)
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
    r.summary = stored_json(s.column_text(4), path_ + " (run " + r.id + ")");
    upgrade_results(r.summary, path_);
    out.push_back(std::move(r));
  }
  return out;
}

void check_folder_experiment(const std::string& store, const ExperimentFile& experiment) {
  namespace fs = std::filesystem;
  const fs::path folder =
      fs::path(store).parent_path().empty() ? fs::path(".") : fs::path(store).parent_path();
  if (!fs::is_directory(folder)) return;
  for (const std::string& other : find_stores(folder.string(), true)) {
    std::error_code same_error, size_error;
    if (fs::equivalent(other, store, same_error) || fs::file_size(other, size_error) == 0) continue;
    {
      // Another shard's writer between its journal-mode pragma and its first commit: a database
      // without tables holds no runs to mix, and refusing it fails shards that start together.
      const std::unique_ptr<sqlite3, int (*)(sqlite3*)> db(sqlite::open(other, sqlite::Mode::kRead),
                                                           &sqlite3_close);
      if (store_version(db.get(), "main", other) == 0) continue;
    }
    ResultStore sibling(other);
    const std::string hash = sibling.meta("experiment_hash");
    if (hash.empty()) continue;  // being created
    const Comparison c = compare_experiments(sibling.meta("experiment_text"), hash, experiment);
    if (c.kind == Comparison::kDifferent) {
      throw UsageError("'" + folder.string() + "' holds '" + other +
                       "' of a different experiment file (" + sibling.meta("experiment_name") +
                       "): " + c.why +
                       "; every store of one folder must come from one experiment, or export and "
                       "report would mix them: use another --out");
    }
  }
}

std::vector<std::string> find_stores(const std::string& path, bool allow_none) {
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
  if (out.empty() && !allow_none) throw UsageError("no results*.sqlite in '" + path + "'");
  return out;
}

std::vector<StoredRun> runs_of_stores(const std::vector<std::string>& paths) {
  std::vector<StoredRun> out;
  std::set<std::string> seen;
  for (const std::string& path : paths) {
    for (StoredRun& r : ResultStore(path).runs()) {
      if (seen.insert(r.id).second) out.push_back(std::move(r));
    }
  }
  return out;
}

}  // namespace gb
