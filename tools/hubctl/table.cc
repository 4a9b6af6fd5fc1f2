#include "tools/hubctl/table.h"

#include <algorithm>
#include <cstdint>

#include "absl/strings/str_format.h"

namespace hubctl {
namespace {

// Length of the valid UTF-8 sequence at the start of `s`, or 0 if invalid.
size_t Utf8SequenceLength(std::string_view s) {
  const auto byte = [&s](size_t i) { return static_cast<uint8_t>(s[i]); };
  const uint8_t lead = byte(0);
  size_t len = 0;
  uint32_t cp = 0;
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) {
    len = 2, cp = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    len = 3, cp = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    len = 4, cp = lead & 0x07;
  } else {
    return 0;
  }
  if (s.size() < len) return 0;
  for (size_t i = 1; i < len; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i) & 0x3F);
  }
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return len;
}

void AppendEscapedControl(std::string* out, uint8_t c) {
  switch (c) {
    case '\n':
      *out += "\\n";
      return;
    case '\t':
      *out += "\\t";
      return;
    case '\r':
      *out += "\\r";
      return;
    default:
      *out += absl::StrFormat("\\x%02x", c);
  }
}

}  // namespace

std::string EscapeForTerminal(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  while (!s.empty()) {
    const size_t len = Utf8SequenceLength(s);
    const uint8_t lead = static_cast<uint8_t>(s[0]);
    if (len == 0) {
      out += absl::StrFormat("\\x%02x", lead);
      s.remove_prefix(1);
      continue;
    }
    if (len == 1 && (lead < 0x20 || lead == 0x7F)) {
      AppendEscapedControl(&out, lead);
    } else if (len == 2 && lead == 0xC2 &&
               static_cast<uint8_t>(s[1]) < 0xA0) {  // C1: U+0080..U+009F
      out += absl::StrFormat("\\u%04x", static_cast<uint8_t>(s[1]));
    } else {
      out.append(s.substr(0, len));
    }
    s.remove_prefix(len);
  }
  return out;
}

size_t DisplayWidth(std::string_view s) {
  return std::count_if(s.begin(), s.end(), [](char c) {
    return (static_cast<uint8_t>(c) & 0xC0) != 0x80;
  });
}

std::string_view TruncateToWidth(std::string_view s, size_t width) {
  size_t columns = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<uint8_t>(s[i]) & 0xC0) == 0x80) continue;
    if (columns == width) return s.substr(0, i);
    ++columns;
  }
  return s;
}

void AppendPadded(std::string* out, std::string_view s, size_t width) {
  out->append(s);
  const size_t w = DisplayWidth(s);
  if (w < width) out->append(width - w, ' ');
}

Table::Table(std::vector<std::string> header) : header_(std::move(header)) {}

void Table::AddRow(std::vector<std::string> cells) {
  for (std::string& cell : cells) cell = EscapeForTerminal(cell);
  rows_.push_back(std::move(cells));
}

void Table::Print(std::ostream& out, std::string_view indent) const {
  std::vector<const std::vector<std::string>*> lines;
  if (!header_.empty()) lines.push_back(&header_);
  for (const auto& row : rows_) lines.push_back(&row);
  std::vector<size_t> widths;
  for (const auto* line : lines) {
    if (widths.size() < line->size()) widths.resize(line->size(), 0);
    for (size_t i = 0; i < line->size(); ++i) {
      widths[i] = std::max(widths[i], DisplayWidth((*line)[i]));
    }
  }
  for (const auto* line : lines) {
    std::string text(indent);
    for (size_t i = 0; i < widths.size(); ++i) {
      const std::string_view cell =
          i < line->size() ? std::string_view((*line)[i]) : std::string_view();
      if (i > 0) text += "  ";
      AppendPadded(&text, cell, i + 1 < widths.size() ? widths[i] : 0);
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out << text << '\n';
  }
}

void PrintFields(std::ostream& out, const std::vector<Field>& fields) {
  Table table;
  for (const Field& field : fields) table.AddRow({field.first, field.second});
  table.Print(out, "  ");
}

}  // namespace hubctl
