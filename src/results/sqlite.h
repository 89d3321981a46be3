// The little of SQLite the sweep store needs: opening a file, running SQL, and prepared statements
// that finalise themselves. Internal to results/ (result_store.cpp, store_format.cpp).
//
// Errors: opening is a UsageError (a path the user gave); anything after that a RunError quoting
// SQLite's message and the statement.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "common/errors.h"

namespace gb::sqlite {

class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK) {
      throw RunError(std::string("sqlite: ") + sqlite3_errmsg(db) + " in: " + sql);
    }
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

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
  // A JSON scalar as its SQL counterpart: null, text, integer or real (booleans as 0/1).
  Statement& bind(int i, const nlohmann::ordered_json& v) {
    if (v.is_string()) return bind(i, v.get<std::string>());
    if (v.is_number_integer() || v.is_boolean()) return bind(i, v.get<int64_t>());
    if (v.is_number()) return bind(i, v.get<double>());
    sqlite3_bind_null(stmt_, i);
    return *this;
  }
  // True while there is a row to read.
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw RunError(std::string("sqlite: ") + sqlite3_errmsg(db_) + " in: " + sqlite3_sql(stmt_));
  }
  void run_and_reset() {
    step();
    sqlite3_reset(stmt_);
  }
  int64_t column_int(int i) { return sqlite3_column_int64(stmt_, i); }
  double column_double(int i) { return sqlite3_column_double(stmt_, i); }
  std::string column_text(int i) {
    const auto* p = sqlite3_column_text(stmt_, i);
    return p ? reinterpret_cast<const char*>(p) : "";
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

inline sqlite3* open(const std::string& path, bool create) {
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

// Runs `sql` (several statements allowed); `origin` names the file in the error.
inline void exec(sqlite3* db, const std::string& sql, const std::string& origin) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string why = err ? err : "unknown error";
    sqlite3_free(err);
    throw RunError("sqlite (" + origin + "): " + why);
  }
}

}  // namespace gb::sqlite
