#include "hub/read_mask.h"

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"

namespace hub {
namespace {

constexpr absl::string_view kTraitsPrefix = "traits.";

std::string ProfileFieldNames() {
  const google::protobuf::Descriptor* d = hub::v1::Profile::descriptor();
  std::vector<std::string> names;
  for (int i = 0; i < d->field_count(); ++i) names.push_back(d->field(i)->name());
  return absl::StrJoin(names, ", ");
}

}  // namespace

absl::Status CheckProfileReadMask(const google::protobuf::FieldMask& mask) {
  const google::protobuf::Descriptor* d = hub::v1::Profile::descriptor();
  for (int i = 0; i < mask.paths_size(); ++i) {
    const std::string& path = mask.paths(i);
    if (absl::StartsWith(path, kTraitsPrefix) && path.size() > kTraitsPrefix.size()) continue;
    if (d->FindFieldByName(path) == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "read_mask.paths[", i, "]: \"", path, "\" is not a Profile field; use one of ",
          ProfileFieldNames(), " or traits.<name>"));
    }
  }
  return absl::OkStatus();
}

void ApplyProfileReadMask(const google::protobuf::FieldMask& mask, hub::v1::Profile* profile) {
  if (mask.paths_size() == 0) return;
  absl::flat_hash_set<std::string> fields;
  absl::flat_hash_set<std::string> traits;  // "traits.<name>" paths
  for (const std::string& path : mask.paths()) {
    if (absl::StartsWith(path, kTraitsPrefix)) {
      traits.insert(path.substr(kTraitsPrefix.size()));
    } else {
      fields.insert(path);
    }
  }
  const google::protobuf::Descriptor* d = profile->GetDescriptor();
  const google::protobuf::Reflection* r = profile->GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* f = d->field(i);
    if (fields.contains(f->name())) continue;
    if (f->name() == "traits" && !traits.empty()) continue;
    r->ClearField(profile, f);
  }
  if (!fields.contains("traits") && !traits.empty()) {
    auto* kept = profile->mutable_traits();
    kept->erase(std::remove_if(kept->begin(), kept->end(),
                               [&](const hub::v1::Trait& t) { return !traits.contains(t.name()); }),
                kept->end());
  }
}

}  // namespace hub
