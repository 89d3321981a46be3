// The little of SQLite the sweep store needs: opening a file, running SQL, and prepared statements
// that finalise themselves. Internal to results/ (result_store.cpp, store_format.cpp).
//
// Errors: opening, and a file that is not a SQLite database, are UsageErrors (a path the user
// gave); anything after that a RunError naming the file and quoting SQLite's message (e.g.
// "database or disk is full") and the statement.
//
// Every connection runs with SQLITE_DBCONFIG_DEFENSIVE on and SQLITE_DBCONFIG_TRUSTED_SCHEMA off
// (SQLite >= 3.31; Debian 12 has 3.40): a received store's schema cannot call functions with side
// effects from views or triggers, nor corrupt the file through writable_schema.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "common/errors.h"

namespace gb::sqlite {

// The file a connection's "main" schema is, for messages.
inline std::string file_of(sqlite3* db) {
  const char* f = sqlite3_db_filename(db, "main");
  return f && *f ? f : "?";
}

[[noreturn]] inline void fail(sqlite3* db, const std::string& sql) {
  throw RunError("sqlite (" + file_of(db) + "): " + sqlite3_errmsg(db) + " in: " + sql);
}

class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK) {
      fail(db, sql);
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
    fail(db_, sqlite3_sql(stmt_));
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

// `path` as a URI filename with `query` ("mode=ro"): '%', '?' and '#' escaped.
inline std::string uri(const std::string& path, const std::string& query) {
  std::string out = "file:";
  for (char c : path) {
    if (c == '%' || c == '?' || c == '#') {
      static const char hex[] = "0123456789ABCDEF";
      out += '%';
      out += hex[(c >> 4) & 0xF];
      out += hex[c & 0xF];
    } else {
      out += c;
    }
  }
  return out + "?" + query;
}

inline void harden(sqlite3* db) {
  sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  sqlite3_busy_timeout(db, 5000);
}

// Reads the schema once: SQLite opens lazily, so this is where a file that is not a database
// shows. Returns SQLite's code; SQLITE_NOTADB is a UsageError naming the file.
inline int probe(sqlite3* db, const std::string& path) {
  const int rc = sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr);
  if ((rc & 0xFF) == SQLITE_NOTADB) {
    throw UsageError("'" + path + "' is not a greenbatch result store (not a SQLite database)");
  }
  return rc;
}

enum class Mode { kWrite, kRead };

// kWrite: read-write, created when missing. kRead: read-only (mode=ro), and where that cannot
// read a WAL store (a read-only mount, no -shm beside it) immutable=1; nothing is ever written.
inline sqlite3* open(const std::string& path, Mode mode) {
  const auto attempt = [&](const std::string& name, int flags) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(name.c_str(), &db, flags | SQLITE_OPEN_URI, nullptr) != SQLITE_OK) {
      const std::string why = db ? sqlite3_errmsg(db) : "out of memory";
      sqlite3_close(db);
      throw UsageError("result store '" + path + "' cannot be opened: " + why);
    }
    harden(db);
    return db;
  };
  if (mode == Mode::kWrite) {
    sqlite3* db = attempt(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    try {
      const int rc = probe(db, path);
      if (rc != SQLITE_OK) fail(db, "SELECT count(*) FROM sqlite_master");
    } catch (...) {
      sqlite3_close(db);
      throw;
    }
    return db;
  }
  const std::string absolute = std::filesystem::absolute(path).string();
  sqlite3* db = attempt(uri(absolute, "mode=ro"), SQLITE_OPEN_READONLY);
  int rc = SQLITE_OK;
  try {
    rc = probe(db, path);
  } catch (...) {
    sqlite3_close(db);
    throw;
  }
  if (rc == SQLITE_OK) return db;
  sqlite3_close(db);
  db = attempt(uri(absolute, "immutable=1"), SQLITE_OPEN_READONLY);
  try {
    if (probe(db, path) != SQLITE_OK) {
      throw UsageError("result store '" + path + "' cannot be read: " + sqlite3_errmsg(db));
    }
  } catch (...) {
    sqlite3_close(db);
    throw;
  }
  return db;
}

// Ends the connection's transaction, if SQLite has not ended it already (it rolls back by itself
// on a full disk, for one): never throws, so the error that led here is the one reported.
inline void rollback(sqlite3* db) {
  if (!sqlite3_get_autocommit(db)) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
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
