// Writers of each vendor's export folder (docs/sources.md, "Layout of an
// export folder"). Each writes its files under `dir` (created if missing) and
// adds, in file order, every record an adapter will yield to `truth`.
// INTERNAL on any I/O error.
#ifndef HUB_TOOLS_HUB_SAMPLE_WRITERS_H_
#define HUB_TOOLS_HUB_SAMPLE_WRITERS_H_

#include <string>

#include "absl/status/status.h"
#include "tools/hub_sample/truth.h"
#include "tools/hub_sample/world.h"

namespace hub::sample {

absl::Status WriteSalesforce(const World& world, const std::string& dir,
                             Truth* truth);
absl::Status WriteMailchimp(const World& world, const std::string& dir,
                            Truth* truth);
absl::Status WriteSegment(const World& world, const std::string& dir,
                          Truth* truth);
absl::Status WriteGa4(const World& world, const std::string& dir, Truth* truth);
absl::Status WriteZendesk(const World& world, const std::string& dir,
                          Truth* truth);

}  // namespace hub::sample

#endif  // HUB_TOOLS_HUB_SAMPLE_WRITERS_H_
