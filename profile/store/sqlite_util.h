// Thin RAII helpers over the SQLite C API, shared by the SQLite store's files.
#ifndef HUB_PROFILE_STORE_SQLITE_UTIL_H_
#define HUB_PROFILE_STORE_SQLITE_UTIL_H_

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hub {
namespace sqlite {

// Converts a SQLite result code (with the connection's message) to a Status:
// SQLITE_CORRUPT/NOTADB -> DATA_LOSS, SQLITE_BUSY/LOCKED -> UNAVAILABLE,
// SQLITE_CONSTRAINT -> FAILED_PRECONDITION, SQLITE_CANTOPEN -> NOT_FOUND,
// anything else -> INTERNAL.
absl::Status ToStatus(sqlite3* db, int rc, absl::string_view what);

// A prepared statement, reset on destruction of each use (see Statement::Use).
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Binding, 1-based like SQLite.
  Statement& Bind(int i, int64_t v);
  Statement& Bind(int i, absl::string_view v);
  Statement& BindBlob(int i, absl::string_view v);
  Statement& BindNull(int i);
  // A REAL (named apart from Bind so that integer arguments stay unambiguous).
  Statement& BindDouble(int i, double v);

  // Steps once: true if a row is available, false when done.
  absl::StatusOr<bool> Step();
  // Steps to completion, ignoring rows.
  absl::Status Run();
  // Resets the statement and clears bindings, ready for the next use.
  void Reset();

  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  bool IsNull(int col) const {
    return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
  }
  double Double(int col) const { return sqlite3_column_double(stmt_, col); }
  std::string Text(int col) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

// Resets a cached statement when it goes out of scope.
class ScopedReset {
 public:
  explicit ScopedReset(Statement* s) : s_(s) {}
  ~ScopedReset() { s_->Reset(); }
  ScopedReset(const ScopedReset&) = delete;
  ScopedReset& operator=(const ScopedReset&) = delete;

 private:
  Statement* s_;
};

// How long a connection waits for another's lock before SQLITE_BUSY.
inline constexpr int kBusyTimeoutMs = 10000;

// One SQLite connection with a cache of prepared statements.
// Not thread-safe: one thread uses a connection at a time.

class Connection {
 public:
  // How a connection is used.
  enum class Mode {
    kWriter,          // read-write; sets WAL mode; 64 MiB page cache
    kWriterOrCreate,  // as kWriter, creating the file if missing
    kReader,          // read-only; 8 MiB page cache
  };

  // Opens `path` with a 10 s busy timeout. Writers put the database in WAL
  // mode with synchronous=NORMAL: a commit survives a process crash; a power
  // loss may lose the last commits, never corrupt the file.
  static absl::StatusOr<std::unique_ptr<Connection>> Open(
      const std::string& path, Mode mode);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements without results.
  absl::Status Exec(absl::string_view sql);
  // Returns the cached prepared statement for `sql`, reset and unbound. The
  // cache is keyed by the pointer, so pass string literals (or other text
  // that lives as long as the connection).
  absl::StatusOr<Statement*> Prepare(const char* sql);
  // Prepares `sql` for one use, uncached: for statements built at run time.
  absl::StatusOr<std::unique_ptr<Statement>> PrepareUncached(const std::string& sql);
  sqlite3* raw() const { return db_; }
  int64_t LastInsertId() const { return sqlite3_last_insert_rowid(db_); }
  int Changes() const { return sqlite3_changes(db_); }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<const char*, std::unique_ptr<Statement>> cache_;
};

}  // namespace sqlite
}  // namespace hub

#endif  // HUB_PROFILE_STORE_SQLITE_UTIL_H_
