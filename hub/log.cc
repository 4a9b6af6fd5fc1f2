#include "hub/log.h"

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "absl/time/clock.h"
#include "profile/base/time_util.h"

namespace hub {

void LogJson(absl::string_view level, absl::string_view msg,
             std::initializer_list<std::pair<absl::string_view, std::string>>
                 fields) {
  nlohmann::ordered_json line;
  line["ts"] = FormatTimestamp(absl::Now());
  line["level"] = std::string(level);
  line["msg"] = std::string(msg);
  for (const auto& [k, v] : fields) line[std::string(k)] = v;
  std::string text =
      line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  ssize_t unused = write(STDERR_FILENO, text.data(), text.size());
  (void)unused;
}

}  // namespace hub
