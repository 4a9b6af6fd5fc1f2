#include "adapters/csv_reader.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace hub {

absl::StatusOr<std::unique_ptr<CsvReader>> CsvReader::Open(
    const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return absl::NotFoundError(absl::StrCat(path, ": no such file"));
  }
  auto in = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!in->is_open()) {
    return absl::PermissionDeniedError(
        absl::StrCat(path, ": cannot open: ", std::strerror(errno)));
  }
  return std::make_unique<CsvReader>(std::move(in), path);
}

CsvReader::CsvReader(std::unique_ptr<std::istream> in, std::string name)
    : in_(std::move(in)), name_(std::move(name)), buffer_(kChunkSize) {}

bool CsvReader::Fill() {
  if (!in_->good()) return false;
  in_->read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  pos_ = 0;
  end_ = static_cast<size_t>(in_->gcount());
  return end_ > 0;
}

int CsvReader::Peek() {
  if (pos_ == end_ && !Fill()) return kEof;
  return static_cast<unsigned char>(buffer_[pos_]);
}

int CsvReader::Get() {
  int c = Peek();
  if (c != kEof) ++pos_;
  return c;
}

absl::Status CsvReader::Error(int64_t line, const char* what) const {
  return absl::DataLossError(absl::StrCat(name_, ":", line, ": ", what));
}

absl::Status CsvReader::ReadQuoted(std::string* field) {
  const int64_t start_line = line_;
  while (true) {
    int c = Get();
    if (c == kEof) {
      if (in_->bad()) return Error(line_, "read failed");
      return Error(start_line, "unterminated quoted field");
    }
    if (c == '"') {
      if (Peek() != '"') return absl::OkStatus();
      Get();
    } else if (c == '\n') {
      ++line_;
    }
    field->push_back(static_cast<char>(c));
  }
}

absl::Status CsvReader::ReadField(int c, std::string* field, bool* last) {
  if (c == '"') {
    if (absl::Status s = ReadQuoted(field); !s.ok()) return s;
    c = Get();
  } else {
    while (c != ',' && c != '\n' && c != kEof &&
           !(c == '\r' && Peek() == '\n')) {
      if (c == '"') return Error(line_, "quote inside an unquoted field");
      field->push_back(static_cast<char>(c));
      c = Get();
    }
  }
  if (c == '\r' && Peek() == '\n') c = Get();
  if (c == ',') {
    *last = false;
  } else if (c == '\n' || c == kEof) {
    if (c == kEof && in_->bad()) return Error(line_, "read failed");
    if (c == '\n') ++line_;
    *last = true;
  } else {
    return Error(line_, "unexpected character after a closing quote");
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> CsvReader::ReadRow(std::vector<std::string>* fields) {
  if (failed_) return Error(line_, "reader failed earlier");
  fields->clear();
  if (!started_) {
    started_ = true;
    if (Peek() == 0xEF) {  // UTF-8 byte-order mark EF BB BF.
      Get();
      if (Get() != 0xBB || Get() != 0xBF) {
        failed_ = true;
        return Error(1, "invalid byte-order mark");
      }
    }
  }
  int c = Get();
  while (c == '\n' || (c == '\r' && Peek() == '\n')) {  // Blank lines.
    if (c == '\r') Get();
    ++line_;
    c = Get();
  }
  if (c == kEof) {
    if (in_->bad()) {
      failed_ = true;
      return Error(line_, "read failed");
    }
    return false;
  }
  row_line_ = line_;
  for (bool last = false; !last;) {
    fields->emplace_back();
    if (absl::Status s = ReadField(c, &fields->back(), &last); !s.ok()) {
      failed_ = true;
      return s;
    }
    if (!last) {
      c = Get();
      while (skip_initial_space_ && c == ' ') c = Get();
    }
  }
  return true;
}

}  // namespace hub
