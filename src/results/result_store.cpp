#include "results/result_store.h"

#include <algorithm>
#include <filesystem>

#include "common/errors.h"
#include "common/version.h"

namespace gb {
namespace {

// A prepared statement that finalises itself.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) {
      throw RunError(std::string("sqlite: ") + sqlite3_errmsg(db) + " in: " + sql);
    }
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement& bind(int i, int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  Statement& bind(int i, double v) {
    sqlite3_bind_double(stmt_, i, v);
    return *this;
  }
  Statement& bind(int i, const std::string& v) {
    sqlite3_bind_text(stmt_, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw RunError(std::string("sqlite: ") + sqlite3_errmsg(db_));
  }
  void run_and_reset() {
    step();
    sqlite3_reset(stmt_);
  }
  int64_t column_int(int i) { return sqlite3_column_int64(stmt_, i); }
  std::string column_text(int i) {
    const auto* p = sqlite3_column_text(stmt_, i);
    return p ? reinterpret_cast<const char*>(p) : "";
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

sqlite3* open_db(const std::string& path, bool create) {
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    const std::string why = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw UsageError("result store '" + path + "' cannot be opened: " + why);
  }
  sqlite3_busy_timeout(db, 5000);
  return db;
}

}  // namespace

void ResultStore::exec(const std::string& sql) const {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string why = err ? err : "unknown error";
    sqlite3_free(err);
    throw RunError("sqlite (" + path_ + "): " + why);
  }
}

void ResultStore::create_schema() const {
  // WAL + synchronous=FULL: a committed configuration is on disk before save() returns.
  exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;");
  exec(
      "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
      "CREATE TABLE IF NOT EXISTS runs(config_index INTEGER PRIMARY KEY, repetition INTEGER NOT "
      "NULL, model TEXT, arrival TEXT, rate_hz REAL, policy TEXT, energy_per_image_j REAL, "
      "p99_response_s REAL, max_response_s REAL, energy_method TEXT, summary_json TEXT NOT NULL);"
      "CREATE TABLE IF NOT EXISTS requests(config_index INTEGER NOT NULL, id INTEGER NOT NULL, "
      "scheduled_s REAL, released_s REAL, batch INTEGER, start_s REAL, end_s REAL);"
      "CREATE TABLE IF NOT EXISTS power(config_index INTEGER NOT NULL, t_s REAL, domain TEXT, "
      "watts REAL);");
}

void ResultStore::set_meta(const std::string& key, const std::string& value) const {
  Statement(db_, "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)")
      .bind(1, key)
      .bind(2, value)
      .run_and_reset();
}

std::string ResultStore::meta(const std::string& key) const {
  Statement s(db_, "SELECT value FROM meta WHERE key = ?");
  s.bind(1, key);
  return s.step() ? s.column_text(0) : "";
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
  for (const auto& m : list) {
    if (m == machine) return;
  }
  list.push_back(machine);
  set_meta("machines", list.dump());
}

ResultStore::ResultStore(const std::string& path, const ExperimentFile& experiment, bool fresh)
    : path_(path) {
  db_ = open_db(path, true);
  create_schema();
  const std::string hash = std::to_string(experiment.hash);
  const std::string stored = meta("experiment_hash");
  if (!stored.empty() && stored != hash) {
    if (!fresh) {
      throw UsageError("'" + path + "' holds results of a different experiment file (" +
                       meta("experiment_name") +
                       "); use another --out, or --fresh --yes to start over");
    }
  }
  if (fresh) exec("DELETE FROM runs; DELETE FROM requests; DELETE FROM power; DELETE FROM meta;");
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
  db_ = open_db(path, false);
  create_schema();
}

ResultStore::~ResultStore() { sqlite3_close(db_); }

std::set<std::size_t> ResultStore::completed() const {
  std::set<std::size_t> done;
  Statement s(db_, "SELECT config_index FROM runs");
  while (s.step()) done.insert(static_cast<std::size_t>(s.column_int(0)));
  return done;
}

void ResultStore::save(const Configuration& config, const RunSummary& summary,
                       const RunTrace& trace, const std::vector<PowerSample>& samples,
                       const std::vector<std::string>& domains) {
  const auto index = static_cast<int64_t>(config.index);
  exec("BEGIN IMMEDIATE");
  try {
    // A half-saved earlier attempt cannot exist (transactions), but a rerun of a configuration
    // must still replace, never duplicate.
    Statement(db_, "DELETE FROM requests WHERE config_index = ?").bind(1, index).run_and_reset();
    Statement(db_, "DELETE FROM power WHERE config_index = ?").bind(1, index).run_and_reset();
    Statement req(db_, "INSERT INTO requests VALUES(?, ?, ?, ?, ?, ?, ?)");
    for (std::size_t b = 0; b < trace.batches.size(); ++b) {
      const BatchRecord& rec = trace.batches[b];
      for (std::size_t i = rec.first; i < rec.first + rec.size; ++i) {
        req.bind(1, index)
            .bind(2, static_cast<int64_t>(i))
            .bind(3, to_seconds(trace.scheduled[i]))
            .bind(4, to_seconds(trace.released[i]))
            .bind(5, static_cast<int64_t>(b))
            .bind(6, to_seconds(rec.start))
            .bind(7, to_seconds(rec.end))
            .run_and_reset();
      }
    }
    Statement pow(db_, "INSERT INTO power VALUES(?, ?, ?, ?)");
    for (const PowerSample& s : samples) {
      pow.bind(1, index)
          .bind(2, to_seconds(s.t))
          .bind(3, s.meter < domains.size() ? domains[s.meter] : std::string("?"))
          .bind(4, static_cast<double>(s.watts))
          .run_and_reset();
    }
    Statement(db_, "INSERT OR REPLACE INTO runs VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(1, index)
        .bind(2, static_cast<int64_t>(config.repetition))
        .bind(3, config.spec.model)
        .bind(4, config.spec.arrival)
        .bind(5, config.spec.rate_hz)
        .bind(6, summary.policy)
        .bind(7, summary.energy_per_image_j())
        .bind(8, summary.response_s.p99)
        .bind(9, summary.response_s.max)
        .bind(10, summary.energy.method())
        .bind(11, summary_document(summary).dump())
        .run_and_reset();
    exec("COMMIT");
  } catch (...) {
    exec("ROLLBACK");
    throw;
  }
}

std::vector<StoredRun> ResultStore::runs() const {
  std::vector<StoredRun> out;
  Statement s(db_, "SELECT config_index, repetition, summary_json FROM runs ORDER BY config_index");
  while (s.step()) {
    StoredRun r;
    r.index = static_cast<std::size_t>(s.column_int(0));
    r.repetition = static_cast<std::size_t>(s.column_int(1));
    r.summary = nlohmann::ordered_json::parse(s.column_text(2));
    out.push_back(std::move(r));
  }
  return out;
}

void ResultStore::merge(const std::string& output, const std::vector<std::string>& inputs) {
  if (inputs.empty()) throw UsageError("merge needs at least one input store");
  std::string hash, text, name;
  for (const std::string& in : inputs) {
    ResultStore store(in);
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
    Statement attach(out.db_, "ATTACH DATABASE ? AS src");
    attach.bind(1, in).run_and_reset();
    out.exec(
        "BEGIN IMMEDIATE;"
        "INSERT INTO requests SELECT * FROM src.requests WHERE config_index NOT IN "
        "(SELECT config_index FROM main.runs);"
        "INSERT INTO power SELECT * FROM src.power WHERE config_index NOT IN "
        "(SELECT config_index FROM main.runs);"
        "INSERT OR IGNORE INTO runs SELECT * FROM src.runs;"
        "COMMIT;");
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
