// read_mask (google.protobuf.FieldMask) on profile reads: which Profile
// fields a response carries.
#ifndef HUB_HUB_READ_MASK_H_
#define HUB_HUB_READ_MASK_H_

#include "absl/status/status.h"
#include "google/protobuf/field_mask.pb.h"
#include "hub/v1/resources.pb.h"

namespace hub {

// OK if every path names a field of hub.v1.Profile ("traits", "stage", ...)
// or one trait ("traits.country"); INVALID_ARGUMENT
// "read_mask.paths[i]: ..." naming the fields otherwise.
absl::Status CheckProfileReadMask(const google::protobuf::FieldMask& mask);

// Clears every field of `profile` that `mask` (checked) does not name; an
// empty mask keeps everything. With only "traits.<name>" paths for traits,
// keeps just those traits.
void ApplyProfileReadMask(const google::protobuf::FieldMask& mask, hub::v1::Profile* profile);

}  // namespace hub

#endif  // HUB_HUB_READ_MASK_H_
