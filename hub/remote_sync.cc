#include "hub/remote_sync.h"

#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "profile/base/status_macros.h"
#include "profile/ingest/record_sink.h"

namespace hub {
namespace {

using Stream = grpc::ClientReaderWriter<hub::v1::IngestRecordsRequest,
                                        hub::v1::IngestRecordsResponse>;

absl::Status FromGrpc(const grpc::Status& s) {
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
}

std::unique_ptr<grpc::ClientContext> NewContext(const std::string& token) {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
  return context;
}

// Sends each page over the stream and waits for its acknowledgement.
class StreamSink : public RecordSink {
 public:
  StreamSink(Stream* stream, std::string source, RemoteSyncResult* result)
      : stream_(stream), source_(std::move(source)), result_(result) {}

  absl::Status Write(std::vector<hub::v1::SourceRecord> records,
                     const std::string& cursor) override {
    hub::v1::IngestRecordsRequest page;
    page.set_source(source_);
    page.set_cursor(cursor);
    for (hub::v1::SourceRecord& r : records) *page.add_records() = std::move(r);
    hub::v1::IngestRecordsResponse ack;
    if (!stream_->Write(page) || !stream_->Read(&ack)) {
      hub_closed_ = true;  // the hub's reason comes from Finish
      return absl::UnavailableError("the hub closed the stream");
    }
    ++result_->pages;
    result_->job = std::move(*ack.mutable_sync_job());
    return absl::OkStatus();
  }

  bool hub_closed() const { return hub_closed_; }

 private:
  bool hub_closed_ = false;
  Stream* stream_;
  std::string source_;
  RemoteSyncResult* result_;
};

absl::StatusOr<std::string> ReadPem(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  if (!(in && text << in.rdbuf())) return absl::NotFoundError("cannot read " + path);
  return text.str();
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> HubChannelCredentials(
    const ChannelTlsFiles& files) {
  if (files.ca_file.empty() && files.cert_file.empty() && files.key_file.empty()) {
    return grpc::InsecureChannelCredentials();
  }
  if (files.cert_file.empty() != files.key_file.empty()) {
    return absl::InvalidArgumentError("a client certificate needs its key and the reverse");
  }
  grpc::SslCredentialsOptions options;
  if (!files.ca_file.empty()) {
    HUB_ASSIGN_OR_RETURN(options.pem_root_certs, ReadPem(files.ca_file));
  }
  if (!files.cert_file.empty()) {
    HUB_ASSIGN_OR_RETURN(options.pem_cert_chain, ReadPem(files.cert_file));
    HUB_ASSIGN_OR_RETURN(options.pem_private_key, ReadPem(files.key_file));
  }
  return grpc::SslCredentials(options);
}

absl::StatusOr<RemoteSyncResult> RunRemoteSync(
    const RemoteSyncOptions& options, const AdapterRegistry& registry,
    std::shared_ptr<grpc::Channel> channel) {
  const hub::v1::Source& source = options.source;
  if (!absl::StartsWith(source.name(), "sources/")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "source.name: \"", source.name(), "\" must be \"sources/{source_id}\""));
  }
  AdapterOptions adapter_options;
  adapter_options.page_size = options.page_size;
  HUB_ASSIGN_OR_RETURN(std::unique_ptr<SourceAdapter> adapter,
                       registry.Create(source, adapter_options));
  auto stub = hub::v1::SyncService::NewStub(channel);
  RemoteSyncResult result;
  {
    hub::v1::GetSourceCursorRequest request;
    request.set_name(source.name());
    hub::v1::SourceCursor cursor;
    grpc::Status s = stub->GetSourceCursor(NewContext(options.token).get(), request, &cursor);
    if (!s.ok()) return FromGrpc(s);
    result.start_cursor = cursor.cursor();
  }
  std::unique_ptr<grpc::ClientContext> context = NewContext(options.token);
  std::unique_ptr<Stream> stream = stub->IngestRecords(context.get());
  StreamSink sink(stream.get(), source.name(), &result);
  absl::Status pulled = adapter->Pull(result.start_cursor, &sink);
  if (!pulled.ok() && !sink.hub_closed()) {
    // A local failure: abort the stream, so that the hub ends the job FAILED
    // rather than taking the end of the stream for the end of the source.
    context->TryCancel();
    (void)stream->Finish();  // CANCELLED, by us
    return pulled;
  }
  stream->WritesDone();
  grpc::Status finished = stream->Finish();
  if (!finished.ok()) return FromGrpc(finished);  // the hub's reason first
  HUB_RETURN_IF_ERROR(pulled);
  return result;
}

}  // namespace hub
