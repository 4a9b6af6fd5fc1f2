// Reading configuration files written in protobuf text format.
#ifndef HUB_PROFILE_BASE_TEXT_PROTO_H_
#define HUB_PROFILE_BASE_TEXT_PROTO_H_

#include <string>

#include "absl/status/status.h"
#include "google/protobuf/message.h"

namespace hub {

// Parses the text-format file at `path` into `*message`. NOT_FOUND
// "cannot read config PATH" if it cannot be opened; INVALID_ARGUMENT
// "PATH: line L column C: ..." with the parser's first error.
absl::Status ReadTextProto(const std::string& path,
                           google::protobuf::Message* message);

}  // namespace hub

#endif  // HUB_PROFILE_BASE_TEXT_PROTO_H_
