// Structured logging: one JSON object per line on stderr.
#ifndef HUB_HUB_LOG_H_
#define HUB_HUB_LOG_H_

#include <initializer_list>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"

namespace hub {

// Writes {"ts":"...","level":level,"msg":msg, key: value...} to stderr as one
// line. Thread-safe (one write(2) per line).
void LogJson(absl::string_view level, absl::string_view msg,
             std::initializer_list<std::pair<absl::string_view, std::string>>
                 fields = {});

}  // namespace hub

#endif  // HUB_HUB_LOG_H_
