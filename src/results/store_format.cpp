#include "results/store_format.h"

#include <fmt/format.h>

#include <vector>

#include "common/errors.h"
#include "common/version.h"
#include "results/experiment_file.h"
#include "results/sqlite.h"

namespace gb {
namespace {

std::string meta_value(sqlite3* db, const std::string& schema, const std::string& key) {
  sqlite::Statement s(db, "SELECT value FROM " + schema + ".meta WHERE key = ?");
  s.bind(1, key);
  return s.step() ? s.column_text(0) : "";
}

[[noreturn]] void refuse_v1(const std::string& path, const std::string& why) {
  throw UsageError("'" + path +
                   "' is a greenbatch-store/1 store (runs keyed by their index in the grid, from "
                   "before configuration ids) and its runs cannot be given ids: " +
                   why +
                   ". Rerun the sweep with this greenbatch into a new --out folder, or read " +
                   "it with the greenbatch that wrote it");
}

// The current layout's tables and its format entry, for a transaction to run.
std::string schema_sql() {
  std::string figures;
  for (const StoreColumn& c : kRunFigures) figures += fmt::format("\"{}\" {}, ", c.name, c.type);
  return "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
         "CREATE TABLE IF NOT EXISTS runs(config_id TEXT PRIMARY KEY, group_id TEXT NOT NULL, "
         "config_index INTEGER NOT NULL, repetition INTEGER NOT NULL, " +
         figures +
         "summary_json TEXT NOT NULL);"
         "CREATE TABLE IF NOT EXISTS requests(config_id TEXT NOT NULL, id INTEGER NOT NULL, "
         "scheduled_s REAL, released_s REAL, batch INTEGER, start_s REAL, end_s REAL);"
         "CREATE TABLE IF NOT EXISTS power(config_id TEXT NOT NULL, t_s REAL, domain TEXT, "
         "watts REAL);"
         "INSERT OR REPLACE INTO meta(key, value) VALUES('format', '" +
         kStoreFormat + "');";
}

}  // namespace

namespace {

std::vector<std::string> column_names(sqlite3* db, const std::string& schema,
                                      const std::string& table) {
  sqlite::Statement s(db, "SELECT name FROM pragma_table_info(?, ?)");
  s.bind(1, table).bind(2, schema);
  std::vector<std::string> out;
  while (s.step()) out.push_back(s.column_text(0));
  return out;
}

// The tables of a store of `version` as they must be before any row is read: the columns, in
// order, and no views or triggers (greenbatch creates none).
void check_store_schema(sqlite3* db, const std::string& schema, const std::string& path,
                        int version) {
  const std::string key = version == 1 ? "config_index" : "config_id";
  std::vector<std::string> runs = {"config_index", "repetition"};
  if (version == 2) runs = {"config_id", "group_id", "config_index", "repetition"};
  for (const StoreColumn& c : kRunFigures) runs.push_back(c.name);
  runs.push_back("summary_json");
  const std::vector<std::pair<std::string, std::vector<std::string>>> tables = {
      {"meta", {"key", "value"}},
      {"runs", runs},
      {"requests", {key, "id", "scheduled_s", "released_s", "batch", "start_s", "end_s"}},
      {"power", {key, "t_s", "domain", "watts"}}};
  for (const auto& [table, columns] : tables) {
    if (column_names(db, schema, table) != columns) {
      throw UsageError("'" + path + "' is not a greenbatch result store: its " + table +
                       " table does not have the columns of greenbatch-store/" +
                       std::to_string(version));
    }
  }
  sqlite::Statement extra(
      db, "SELECT type, name FROM " + schema + ".sqlite_master WHERE type IN ('view', 'trigger')");
  if (extra.step()) {
    throw UsageError("'" + path + "' is not a greenbatch result store: it has a " +
                     extra.column_text(0) + " (" + extra.column_text(1) + ")");
  }
}

int count_tables(sqlite3* db, const std::string& schema, const std::string& where) {
  sqlite::Statement s(db, "SELECT count(*) FROM " + schema + ".sqlite_master WHERE " + where);
  s.step();
  return static_cast<int>(s.column_int(0));
}

}  // namespace

int store_version(sqlite3* db, const std::string& schema, const std::string& path) {
  const int all = count_tables(db, schema, "1");
  if (all == 0) return 0;
  if (count_tables(db, schema, "type = 'table' AND name = 'meta'") == 0 ||
      count_tables(db, schema, "type = 'table' AND name = 'runs'") == 0) {
    throw UsageError("'" + path +
                     "' is not a greenbatch result store (a SQLite database without its meta "
                     "and runs tables)");
  }
  const std::string format = meta_value(db, schema, "format");
  int version = 0;
  if (format.empty()) {
    version = 1;
  } else if (format == kStoreFormat) {
    version = 2;
  } else {
    throw UsageError("'" + path + "' is a " + format + " store; this greenbatch (" + kVersion +
                     ") reads greenbatch-store/1 and " + kStoreFormat + ": use a newer greenbatch");
  }
  check_store_schema(db, schema, path, version);
  return version;
}

std::string store_schema_sql() { return schema_sql(); }

void create_store_schema(sqlite3* db, const std::string& path) {
  try {
    sqlite::exec(db, "BEGIN IMMEDIATE;" + schema_sql() + "COMMIT;", path);
  } catch (...) {
    sqlite::rollback(db);
    throw;
  }
}

void map_v1_ids(sqlite3* db, const std::string& schema, const std::string& path) {
  const std::string text = meta_value(db, schema, "experiment_text");
  if (text.empty()) refuse_v1(path, "it holds no experiment file to expand");
  std::vector<Configuration> by_index;
  try {
    for (Configuration& c : expand(parse_experiment(text, "its experiment file"))) {
      if (c.index >= by_index.size()) by_index.resize(c.index + 1);
      by_index[c.index] = std::move(c);
    }
  } catch (const UsageError& e) {
    refuse_v1(path, std::string("its experiment file no longer parses (") + e.what() + ")");
  }
  sqlite::exec(db,
               "CREATE TEMP TABLE IF NOT EXISTS v1_ids(config_index INTEGER PRIMARY KEY, "
               "config_id TEXT NOT NULL, group_id TEXT NOT NULL); DELETE FROM temp.v1_ids;",
               path);
  sqlite::Statement rows(
      db,
      "SELECT config_index, repetition, model, arrival, rate_hz, policy FROM " + schema + ".runs");
  sqlite::Statement insert(db, "INSERT INTO temp.v1_ids VALUES(?, ?, ?)");
  while (rows.step()) {
    const int64_t index = rows.column_int(0);
    const Configuration* c = index >= 0 && static_cast<std::size_t>(index) < by_index.size()
                                 ? &by_index[index]
                                 : nullptr;
    // The index is trusted only where the stored run is what the file puts there.
    if (!c || c->id.empty() || static_cast<int64_t>(c->repetition) != rows.column_int(1) ||
        c->spec.model.name != rows.column_text(2) ||
        c->spec.arrival.name() != rows.column_text(3) || c->spec.rate_hz != rows.column_double(4) ||
        c->spec.policy.canonical() != rows.column_text(5)) {
      refuse_v1(path,
                fmt::format("its run {} ({} {} {:g}/s {}, repetition {}) is not configuration "
                            "{} of its experiment file as this greenbatch expands it",
                            index, rows.column_text(2), rows.column_text(3), rows.column_double(4),
                            rows.column_text(5), rows.column_int(1), index));
    }
    insert.bind(1, index).bind(2, c->id).bind(3, c->group_id).run_and_reset();
  }
}

std::string rows_as_current(const std::string& table, const std::string& prefix, int version) {
  if (version == 2) return "SELECT * FROM " + prefix + table + " ORDER BY rowid";
  std::string columns = "m.config_id, m.group_id, r.*";  // runs: the ids, then v1's columns
  if (table == "requests") {
    columns = "m.config_id, r.id, r.scheduled_s, r.released_s, r.batch, r.start_s, r.end_s";
  } else if (table == "power") {
    columns = "m.config_id, r.t_s, r.domain, r.watts";
  }
  return "SELECT " + columns + " FROM " + prefix + table +
         " r JOIN temp.v1_ids m ON m.config_index = r.config_index ORDER BY r.rowid";
}

void upgrade_v1_store(sqlite3* db, const std::string& path, bool own_transaction) {
  map_v1_ids(db, "main", path);
  std::string sql = own_transaction ? "BEGIN IMMEDIATE;" : "";
  for (const char* t : {"runs", "requests", "power"}) {
    sql += fmt::format("ALTER TABLE main.{0} RENAME TO v1_{0};", t);
  }
  sql += schema_sql();
  for (const char* t : {"runs", "requests", "power"}) {
    sql += fmt::format("INSERT INTO main.{0} {1}; DROP TABLE main.v1_{0};", t,
                       rows_as_current(t, "main.v1_", 1));
  }
  if (!own_transaction) return sqlite::exec(db, sql, path);  // the caller's transaction
  try {
    sqlite::exec(db, sql + "COMMIT;", path);
  } catch (...) {
    sqlite::rollback(db);  // the error above is the one to see
    throw;
  }
}

}  // namespace gb
