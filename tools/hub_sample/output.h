// Buffered file output and the CSV / JSON encoders hub-sample writes with.
#ifndef HUB_TOOLS_HUB_SAMPLE_OUTPUT_H_
#define HUB_TOOLS_HUB_SAMPLE_OUTPUT_H_

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace hub::sample {

// Writes a file through an in-memory buffer. Append to `buffer()`, call
// MaybeFlush() now and then, and Close() at the end: Close() returns the first
// error met (open, write or close), as INTERNAL naming the path. Not
// thread-safe; not copyable.
class OutputFile {
 public:
  explicit OutputFile(std::string path);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  std::string* buffer() { return &buffer_; }
  void MaybeFlush() {
    if (buffer_.size() >= kFlushBytes) Flush();
  }
  absl::Status Close();

 private:
  static constexpr size_t kFlushBytes = 1 << 20;
  void Flush();

  std::string path_;
  std::FILE* file_ = nullptr;
  std::string buffer_;
  absl::Status status_;
};

// Creates `path` and its parents; INTERNAL if that fails.
absl::Status MakeDirectories(const std::string& path);

// Salesforce Bulk CSV: a non-empty value double-quoted with quotes doubled;
// an empty value written as nothing (null).
void AppendBulkCsvField(std::string* out, std::string_view value);

// RFC 4180 minimal quoting (quotes only when the value needs them).
void AppendCsvField(std::string* out, std::string_view value);

// A JSON string literal (with quotes), escaping quotes, backslashes and
// control characters; UTF-8 passes through.
void AppendJsonString(std::string* out, std::string_view value);

// Emits one JSON value at a time into a string, inserting commas itself.
// Nesting deeper than 32 levels is not supported.
class JsonWriter {
 public:
  explicit JsonWriter(std::string* out) : out_(out) {}

  JsonWriter& BeginObject() { return Open('{'); }
  JsonWriter& EndObject() { return Close('}'); }
  JsonWriter& BeginArray() { return Open('['); }
  JsonWriter& EndArray() { return Close(']'); }
  // `key` must need no escaping (our own ASCII field names).
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view value);
  JsonWriter& Int(int64_t value);
  JsonWriter& IntString(int64_t value);  // an INT64 as a JSON string (GA4)
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // A string, or null when `value` is empty.
  JsonWriter& StringOrNull(std::string_view value);
  // Raw JSON text (a number written elsewhere, a nested fragment).
  JsonWriter& Raw(std::string_view json);

 private:
  JsonWriter& Open(char c);
  JsonWriter& Close(char c);
  void Separate();

  std::string* out_;
  bool first_[32] = {true};
  int depth_ = 0;
  bool after_key_ = false;
};

void AppendInt(std::string* out, int64_t value);

}  // namespace hub::sample

#endif  // HUB_TOOLS_HUB_SAMPLE_OUTPUT_H_
