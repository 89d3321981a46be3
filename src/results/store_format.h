// The layouts of a sweep store by format version, and how a store of the previous version is read
// as the current one. Internal to results/ (result_store.cpp); docs/results.md describes both.
//
//   greenbatch-store/2 (kStoreFormat, written): runs keyed by configuration id (config_id), with
//     group_id and config_index beside it; requests and power rows carry config_id. The meta table
//     says "format".
//   greenbatch-store/1 (read, and upgraded in place when a sweep resumes it): no "format" in meta;
//     runs, requests and power keyed by config_index, the configuration's position in the grid.
//     Its ids are recovered by expanding the experiment file the store holds and checking that
//     every stored run is the configuration at its index; where that fails, it is refused with
//     the reason.
//
// `schema` below is the SQLite schema the store is attached as ("main", or "src" in a merge). The
// recovered ids live in the temporary table temp.v1_ids of the connection: a reader never writes
// to a v1 file.
#pragma once

#include <sqlite3.h>

#include <string>

#include "results/summary.h"

namespace gb {

inline constexpr char kStoreFormat[] = "greenbatch-store/2";

// The summary columns the runs table repeats beside summary_json, so that SQL can select on them;
// their values are summary_row()'s. Both versions have them, in this order.
// `name` is the SQL column's, `row` the summary row's column it repeats: the store's columns kept
// their names when greenbatch-results/3 renamed the rows' (a store's layout is its own format).
struct StoreColumn {
  const char* name;
  const char* type;
  const char* row;
};
inline constexpr StoreColumn kRunFigures[] = {
    {columns::kModel, "TEXT", columns::kModel},
    {columns::kArrival, "TEXT", columns::kArrival},
    {columns::kRateHz, "REAL", columns::kRateHz},
    {columns::kPolicy, "TEXT", columns::kPolicy},
    {columns::kEnergyPerImage, "REAL", columns::kEnergyPerImage},
    {"p99_response_s", "REAL", columns::kP99Response},
    {"max_response_s", "REAL", columns::kMaxResponse},
    {columns::kEnergyMethod, "TEXT", columns::kEnergyMethod}};

// 0: no tables at all (a new file); 1 or 2: its format, after checking that its tables have that
// format's columns and that it has no views or triggers. UsageError naming `path` for a format
// this greenbatch does not know (a newer one) and for a database that is not a store (no meta or
// runs table, other columns, a view or trigger).
int store_version(sqlite3* db, const std::string& schema, const std::string& path);

// The statements create_store_schema() runs, for a caller that holds its own transaction.
std::string store_schema_sql();

// Creates the current layout in "main" and records kStoreFormat, in one transaction, so no reader
// ever sees the tables without the format.
void create_store_schema(sqlite3* db, const std::string& path);

// Fills temp.v1_ids (config_index -> config_id, group_id) for the v1 store at `schema`, or throws
// UsageError: "'PATH' is a greenbatch-store/1 store ... cannot be given ids: WHY; ...".
void map_v1_ids(sqlite3* db, const std::string& schema, const std::string& path);

// A SELECT yielding the rows of `table` ("runs", "requests" or "power") of the store at `prefix`
// ("main.", "src.", or "main.v1_" while upgrading) in the current layout's columns and order:
// the table itself for version 2, the version 1 table joined to temp.v1_ids for version 1.
std::string rows_as_current(const std::string& table, const std::string& prefix, int version);

// Rewrites the v1 store in "main" as the current layout, in one transaction (map_v1_ids first):
// its own, or the caller's when `own_transaction` is false.
void upgrade_v1_store(sqlite3* db, const std::string& path, bool own_transaction = true);

}  // namespace gb
