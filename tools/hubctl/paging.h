// Paging of hubctl's list calls: the --page-size/--page-token/--all flags and
// the loop that follows next_page_token.
#ifndef HUB_TOOLS_HUBCTL_PAGING_H_
#define HUB_TOOLS_HUBCTL_PAGING_H_

#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include <cstdint>
#include <string>
#include <utility>

#include "tools/hubctl/command_context.h"

namespace hubctl {

// Paging flags of the list commands.
struct ListOptions {
  // Page size sent to the server; 0 lets the server choose.
  int32_t page_size = 0;
  // Token of the page to start at; empty for the first page.
  std::string page_token;
  // Follow next_page_token to the end and print every item as one list.
  bool all = false;
  // `profiles list` and `accounts list`: the filter and order (docs/api.md).
  std::string filter;
  std::string order_by;
};

// Fetches pages starting at options.page_token into `out`: one page, or every
// page if options.all, merged with MergeFrom (repeated fields concatenate,
// set scalars take the last page's value); out's next_page_token is the last
// page's. `call` makes one RPC: (ClientContext*, const Request&, Response*)
// -> grpc::Status. Returns the first failed call's status, or INTERNAL if the
// server repeats a page token.
template <typename Request, typename Response, typename Call>
grpc::Status FetchPages(const CommandContext& ctx, const ListOptions& options,
                        Request request, Response* out, Call call) {
  request.set_page_size(options.page_size);
  request.set_page_token(options.page_token);
  for (;;) {
    Response page;
    grpc::ClientContext context;
    PrepareCall(ctx, &context);
    grpc::Status status = call(&context, request, &page);
    if (!status.ok()) return status;
    std::string next = page.next_page_token();
    out->MergeFrom(page);
    out->set_next_page_token(next);
    if (!options.all || next.empty()) return grpc::Status::OK;
    if (next == request.page_token()) {
      return grpc::Status(grpc::StatusCode::INTERNAL,
                          "server returned the same page token twice");
    }
    request.set_page_token(std::move(next));
  }
}

}  // namespace hubctl

#endif  // HUB_TOOLS_HUBCTL_PAGING_H_
