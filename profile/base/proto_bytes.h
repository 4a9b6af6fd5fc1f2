// A message's bytes in a canonical order, for hashing and comparing.
#ifndef HUB_PROFILE_BASE_PROTO_BYTES_H_
#define HUB_PROFILE_BASE_PROTO_BYTES_H_

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/message.h>

#include <string>

namespace hub {

// `message` serialised deterministically (map entries sorted), so that equal
// messages give equal bytes within one build.
inline std::string SerializeDeterministic(const google::protobuf::Message& message) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream raw(&bytes);
    google::protobuf::io::CodedOutputStream out(&raw);
    out.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&out);
  }
  return bytes;
}

}  // namespace hub

#endif  // HUB_PROFILE_BASE_PROTO_BYTES_H_
