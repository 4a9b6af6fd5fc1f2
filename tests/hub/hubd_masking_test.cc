// Masking against the real hubd: a generated world synced from every file
// export, then every RPC an analyst may call (the list comes from the
// permission table, so a new one cannot be forgotten) is called as analyst
// with real names, real emails and phones, every page and bad arguments;
// each response and each error message is scanned for every email and phone
// of the world, and none may appear. The same calls as admin find them (the
// scan works). One profile's masked forms are checked exactly, and unmasked
// reads are audited while an analyst's are not.
#include <signal.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "hub/auth.h"
#include "hub/permissions.h"
#include "hub/v1/governance_service.grpc.pb.h"
#include "profile/identity/identifier.h"
#include "tests/hub/hub_client.h"
#include "tests/support/hubd_process.h"
#include "tests/support/temp_dir.h"

namespace hub {
namespace {

using testing_support::HubClient;
using testing_support::HubdProcess;
using testing_support::TempDir;

const char* const kKinds[] = {"salesforce", "mailchimp", "segment", "ga4", "zendesk"};

std::string TokenOf(absl::string_view role) { return absl::StrCat("masking-test-", role); }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Splits one CSV line (quotes allowed; hub-sample writes no newline inside
// the files read here).
std::vector<std::string> SplitCsv(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
      out.back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      out.emplace_back();
    } else if (c != '\r') {
      out.back() += c;
    }
  }
  return out;
}

// The world's raw emails and phones, read from its export files (not from
// the hub), each with the forms the hub may show: as written, lower-cased,
// normalised.
std::set<std::string> WorldValues(const std::string& world, bool phones) {
  static const std::regex kEmail(R"([A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+)");
  static const std::regex kJsonPhone(R"re("(?:phone|PHONE)"\s*:\s*"([^"]+)")re");
  std::set<std::string> raw;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(world)) {
    if (!entry.is_regular_file() || absl::StrContains(entry.path().string(), "/truth/")) continue;
    const std::string text = ReadFile(entry.path().string());
    if (!phones) {
      for (std::sregex_iterator it(text.begin(), text.end(), kEmail), end; it != end; ++it) {
        raw.insert(it->str());
      }
      continue;
    }
    for (std::sregex_iterator it(text.begin(), text.end(), kJsonPhone), end; it != end; ++it) {
      raw.insert((*it)[1].str());
    }
    if (entry.path().extension() != ".csv") continue;
    std::vector<std::string> lines = absl::StrSplit(text, '\n', absl::SkipEmpty());
    std::vector<std::string> header = SplitCsv(lines[0]);
    auto column = std::find(header.begin(), header.end(), "Phone");
    if (column == header.end()) continue;
    const size_t index = column - header.begin();
    for (size_t i = 1; i < lines.size(); ++i) {
      std::vector<std::string> fields = SplitCsv(lines[i]);
      if (fields.size() == header.size() && !fields[index].empty()) raw.insert(fields[index]);
    }
  }
  std::set<std::string> out;
  const IdentifierType type = *FindIdentifierType(phones ? "phone" : "email");
  for (const std::string& v : raw) {
    if (v.size() < 7) continue;
    out.insert(v);
    out.insert(absl::AsciiStrToLower(v));
    absl::StatusOr<NormalizedValue> n = NormalizeIdentifier(type, v);
    if (n.ok()) out.insert(n->value);
  }
  return out;
}

// What the analyst must see of a personal value (written here, apart from
// the Masker, from docs/governance.md).
std::string Masked(const std::string& type, const std::string& value) {
  if (type == "email") return value.substr(0, 1) + "***" + value.substr(value.find('@'));
  if (type == "phone") {
    std::string out = value;
    for (size_t i = 0; i + 2 < out.size(); ++i) {
      if (absl::ascii_isdigit(out[i])) out[i] = '*';
    }
    return out;
  }
  return value.substr(0, 1) + "***";
}

// Every response and error message a session received, with the RPC.
struct Seen {
  std::vector<std::pair<std::string, std::string>> texts;
  int errors = 0;
  void Add(const std::string& method, const grpc::Status& s,
           const google::protobuf::Message& response) {
    if (s.ok()) {
      texts.emplace_back(method, response.SerializeAsString());
    } else {
      ++errors;
      texts.emplace_back(method, s.error_message());
    }
  }
  // "method: needle" for each needle some text holds.
  std::set<std::string> Find(const std::set<std::string>& needles) const {
    std::set<std::string> out;
    for (const auto& [method, text] : texts) {
      for (const std::string& n : needles) {
        if (text.find(n) != std::string::npos) out.insert(absl::StrCat(method, ": ", n));
      }
    }
    return out;
  }
};

class HubdMaskingTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    std::string out;
    ASSERT_EQ(testing_support::RunShell(absl::StrCat(HUB_SAMPLE_BIN, " --out ",
                                                     dir_->File("world"),
                                                     " --accounts 20 --seed 23 --months 12 2>&1"),
                                        &out),
              0)
        << out;
    {
      std::ofstream config(dir_->File("hub.textproto"));
      config << "db_path: \"" << dir_->File("hub.db") << "\"\n";
      for (absl::string_view role : Roles()) {
        config << "tokens { principal: \"" << role << "-principal\" role: \"" << role
               << "\" sha256: \"" << Sha256Hex(TokenOf(role)) << "\" }\n";
      }
      config << "classification { traits { key: \"title\" value: \"sensitive\" } "
                "account_traits { key: \"region\" value: \"personal\" } "
                "read_audit_interval_ms: 200 }\n";
    }
    auto p = HubdProcess::Start(HUBD_BIN, {"--config", dir_->File("hub.textproto")},
                                dir_->path());
    ASSERT_TRUE(p.ok()) << p.status();
    hubd_ = p->release();
    HubClient admin(hubd_->address(), TokenOf("admin"));
    for (const char* kind : kKinds) {
      ASSERT_TRUE(admin.CreateSource(kind, kind, dir_->File(absl::StrCat("world/", kind))).ok());
      hub::v1::SyncJob job = admin.SyncAndWait(kind);
      ASSERT_EQ(job.state(), hub::v1::SyncJob::SUCCEEDED) << kind << ": " << job.error();
    }
    emails_ = new std::set<std::string>(WorldValues(dir_->File("world"), false));
    phones_ = new std::set<std::string>(WorldValues(dir_->File("world"), true));
  }
  static void TearDownTestSuite() {
    if (hubd_ != nullptr) {
      int status = hubd_->Stop(SIGTERM);
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << hubd_->Stderr();
    }
    delete hubd_;
    delete emails_;
    delete phones_;
    delete dir_;
  }

  // Every profile (or account) name, listed by admin.
  static std::vector<std::string> Names(bool accounts) {
    HubClient admin(hubd_->address(), TokenOf("admin"));
    std::vector<std::string> out;
    std::string token;
    do {
      if (accounts) {
        hub::v1::ListAccountsRequest req;
        req.set_page_token(token);
        hub::v1::ListAccountsResponse resp;
        EXPECT_TRUE(admin.profiles()->ListAccounts(admin.Ctx().get(), req, &resp).ok());
        for (const auto& a : resp.accounts()) out.push_back(a.name());
        token = resp.next_page_token();
      } else {
        hub::v1::ListProfilesRequest req;
        req.set_page_token(token);
        hub::v1::ListProfilesResponse resp;
        EXPECT_TRUE(admin.profiles()->ListProfiles(admin.Ctx().get(), req, &resp).ok());
        for (const auto& p : resp.profiles()) out.push_back(p.name());
        token = resp.next_page_token();
      }
    } while (!token.empty());
    return out;
  }

  static hub::v1::Profile Get(const std::string& role, const std::string& name) {
    HubClient client(hubd_->address(), TokenOf(role));
    hub::v1::GetProfileRequest req;
    req.set_name(name);
    hub::v1::Profile p;
    grpc::Status s = client.profiles()->GetProfile(client.Ctx().get(), req, &p);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return p;
  }

  // The ReadUnmasked entries of the audit log.
  static std::vector<hub::v1::AuditEntry> ReadAudit() {
    HubClient admin(hubd_->address(), TokenOf("admin"));
    auto governance = hub::v1::GovernanceService::NewStub(admin.channel());
    std::vector<hub::v1::AuditEntry> out;
    std::string token;
    do {
      hub::v1::ListAuditEntriesRequest req;
      req.set_page_size(1000);
      req.set_page_token(token);
      hub::v1::ListAuditEntriesResponse resp;
      EXPECT_TRUE(governance->ListAuditEntries(admin.Ctx().get(), req, &resp).ok());
      for (const auto& e : resp.entries()) {
        if (e.action() == "ReadUnmasked") out.push_back(e);
      }
      token = resp.entries_size() == 0 ? "" : resp.next_page_token();
    } while (!token.empty());
    return out;
  }

  // Calls every RPC of `callers` as `role`, with real and bad arguments.
  static Seen CallEverything(const std::string& role);

  static TempDir* dir_;
  static HubdProcess* hubd_;
  static std::set<std::string>* emails_;
  static std::set<std::string>* phones_;
};

TempDir* HubdMaskingTest::dir_ = nullptr;
HubdProcess* HubdMaskingTest::hubd_ = nullptr;
std::set<std::string>* HubdMaskingTest::emails_ = nullptr;
std::set<std::string>* HubdMaskingTest::phones_ = nullptr;

hub::v1::Period SampleYear() {
  hub::v1::Period period;
  const int64_t day = 86400;
  const int64_t now_day = absl::ToUnixSeconds(absl::Now()) / day;
  period.mutable_start_time()->set_seconds((now_day - 400) * day);
  period.mutable_end_time()->set_seconds((now_day + 1) * day);
  return period;
}

// One caller per RPC an analyst may call; each calls it with every real
// argument worth trying, every page, and arguments that provoke errors
// (some of them real emails and phones).
using Caller = std::function<void(HubClient&, Seen*)>;

std::map<std::string, Caller> Callers(const std::vector<std::string>& profiles,
                                      const std::vector<std::string>& accounts,
                                      const std::set<std::string>& emails,
                                      const std::set<std::string>& phones) {
  const std::string an_email = *emails.begin();
  const std::string a_phone = *phones.begin();
  std::map<std::string, Caller> c;
  c["hub.v1.ProfileService/GetProfile"] = [=](HubClient& h, Seen* seen) {
    std::vector<std::string> names = profiles;
    names.insert(names.end(), {"profiles/999999", an_email, "profiles/" + an_email, a_phone});
    for (const std::string& name : names) {
      hub::v1::GetProfileRequest req;
      req.set_name(name);
      hub::v1::Profile resp;
      seen->Add("GetProfile", h.profiles()->GetProfile(h.Ctx().get(), req, &resp), resp);
    }
  };
  c["hub.v1.ProfileService/LookupProfile"] = [=](HubClient& h, Seen* seen) {
    auto lookup = [&](const std::string& type, const std::string& value) {
      hub::v1::LookupProfileRequest req;
      req.set_identifier_type(type);
      req.set_identifier_value(value);
      hub::v1::Profile resp;
      seen->Add("LookupProfile", h.profiles()->LookupProfile(h.Ctx().get(), req, &resp), resp);
    };
    for (const std::string& e : emails) {
      lookup("email", e);
      lookup("email", " " + absl::AsciiStrToUpper(e) + " ");
      lookup("phone", e);  // invalid for the type: echoed in the error
      lookup(e, "x");      // not a type: echoed too
    }
    for (const std::string& p : phones) {
      lookup("phone", p);
      lookup("email", p);
      lookup("user_id", p);  // NOT_FOUND naming the value
    }
    lookup("email", "nobody." + an_email);
  };
  c["hub.v1.ProfileService/BatchGetProfiles"] = [=](HubClient& h, Seen* seen) {
    hub::v1::BatchGetProfilesRequest req;
    for (const std::string& name : profiles) req.add_names(name);
    // Bad names are per-item errors: they must not echo a value either.
    for (const std::string& bad : {an_email, "profiles/" + an_email, a_phone}) req.add_names(bad);
    hub::v1::BatchGetProfilesResponse resp;
    seen->Add("BatchGetProfiles", h.profiles()->BatchGetProfiles(h.Ctx().get(), req, &resp),
              resp);
    req.set_purpose(an_email);  // not a purpose: the whole call fails, echoing it
    seen->Add("BatchGetProfiles", h.profiles()->BatchGetProfiles(h.Ctx().get(), req, &resp),
              resp);
  };
  c["hub.v1.ProfileService/ListProfiles"] = [=](HubClient& h, Seen* seen) {
    // Filters naming values: a personal trait is refused, a public one
    // matches nothing, a malformed account echoes its value.
    for (const std::string& filter :
         {"traits.email = \"" + an_email + "\"", "traits.title = \"" + an_email + "\"",
          "account = \"" + an_email + "\"", "traits.phone:\"" + a_phone + "\""}) {
      hub::v1::ListProfilesRequest req;
      req.set_filter(filter);
      hub::v1::ListProfilesResponse resp;
      seen->Add("ListProfiles", h.profiles()->ListProfiles(h.Ctx().get(), req, &resp), resp);
    }
    std::string token;
    do {
      hub::v1::ListProfilesRequest req;
      req.set_page_size(7);
      req.set_page_token(token);
      hub::v1::ListProfilesResponse resp;
      grpc::Status s = h.profiles()->ListProfiles(h.Ctx().get(), req, &resp);
      seen->Add("ListProfiles", s, resp);
      token = s.ok() ? resp.next_page_token() : "";
    } while (!token.empty());
    hub::v1::ListProfilesRequest bad;
    bad.set_page_token(an_email);
    hub::v1::ListProfilesResponse resp;
    seen->Add("ListProfiles", h.profiles()->ListProfiles(h.Ctx().get(), bad, &resp), resp);
  };
  c["hub.v1.ProfileService/ListProfileEvents"] = [=](HubClient& h, Seen* seen) {
    std::vector<std::string> names = profiles;
    names.push_back(an_email);
    for (const std::string& name : names) {
      std::string token;
      do {
        hub::v1::ListProfileEventsRequest req;
        req.set_name(name);
        req.set_page_size(50);
        req.set_page_token(token);
        hub::v1::ListProfileEventsResponse resp;
        grpc::Status s = h.profiles()->ListProfileEvents(h.Ctx().get(), req, &resp);
        seen->Add("ListProfileEvents", s, resp);
        token = s.ok() ? resp.next_page_token() : "";
      } while (!token.empty());
    }
  };
  c["hub.v1.ProfileService/GetAccount"] = [=](HubClient& h, Seen* seen) {
    std::vector<std::string> names = accounts;
    names.insert(names.end(), {"accounts/999999", an_email, a_phone});
    for (const std::string& name : names) {
      hub::v1::GetAccountRequest req;
      req.set_name(name);
      hub::v1::Account resp;
      seen->Add("GetAccount", h.profiles()->GetAccount(h.Ctx().get(), req, &resp), resp);
    }
  };
  c["hub.v1.ProfileService/ListAccounts"] = [=](HubClient& h, Seen* seen) {
    std::string token;
    do {
      hub::v1::ListAccountsRequest req;
      req.set_page_size(2);
      req.set_page_token(token);
      hub::v1::ListAccountsResponse resp;
      grpc::Status s = h.profiles()->ListAccounts(h.Ctx().get(), req, &resp);
      seen->Add("ListAccounts", s, resp);
      token = s.ok() ? resp.next_page_token() : "";
    } while (!token.empty());
    hub::v1::ListAccountsRequest bad;
    bad.set_page_token(a_phone);
    hub::v1::ListAccountsResponse resp;
    seen->Add("ListAccounts", h.profiles()->ListAccounts(h.Ctx().get(), bad, &resp), resp);
  };
  c["hub.v1.ProfileService/WatchProfileChanges"] = [=](HubClient& h, Seen* seen) {
    // The whole change log (the stream stays open: stop when it is idle).
    hub::v1::WatchProfileChangesRequest req;
    auto ctx = h.Ctx();
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(3));
    auto reader = h.profiles()->WatchProfileChanges(ctx.get(), req);
    hub::v1::ProfileChange change;
    int read = 0;
    while (reader->Read(&change)) {
      seen->Add("WatchProfileChanges", grpc::Status::OK, change);
      ++read;
    }
    EXPECT_GT(read, 0);
    reader->Finish();
    for (const std::string& filter : {"change = " + an_email, "resource:" + a_phone}) {
      hub::v1::WatchProfileChangesRequest bad;
      bad.set_filter(filter);
      auto bad_ctx = h.Ctx();
      auto bad_reader = h.profiles()->WatchProfileChanges(bad_ctx.get(), bad);
      EXPECT_FALSE(bad_reader->Read(&change));
      seen->Add("WatchProfileChanges", bad_reader->Finish(), change);
    }
  };
  c["hub.v1.ProfileService/ListAccountMembers"] = [=](HubClient& h, Seen* seen) {
    std::vector<std::string> names = accounts;
    names.push_back(an_email);
    for (const std::string& name : names) {
      std::string token;
      do {
        hub::v1::ListAccountMembersRequest req;
        req.set_parent(name);
        req.set_page_size(5);
        req.set_page_token(token);
        hub::v1::ListAccountMembersResponse resp;
        grpc::Status s = h.profiles()->ListAccountMembers(h.Ctx().get(), req, &resp);
        seen->Add("ListAccountMembers", s, resp);
        token = s.ok() ? resp.next_page_token() : "";
      } while (!token.empty());
    }
  };
  c["hub.v1.MetricsService/ListStageTransitions"] = [=](HubClient& h, Seen* seen) {
    std::vector<std::string> names = profiles;
    names.insert(names.end(), accounts.begin(), accounts.end());
    names.push_back(an_email);
    for (const std::string& name : names) {
      hub::v1::ListStageTransitionsRequest req;
      req.set_parent(name);
      hub::v1::ListStageTransitionsResponse resp;
      seen->Add("ListStageTransitions",
                h.metrics()->ListStageTransitions(h.Ctx().get(), req, &resp), resp);
    }
  };
  // (A well-formed segment is echoed in the response as asked: an email put
  // in one is the caller's own, so none is tried.)
  const std::vector<std::string> segments = {"", "industry=Financial Services", "tier=mid",
                                             "region=emea", "source=Partner Referral",
                                             an_email};
  c["hub.v1.MetricsService/GetFunnel"] = [=](HubClient& h, Seen* seen) {
    for (auto side : {hub::v1::PERSONS, hub::v1::ACCOUNTS}) {
      for (const std::string& segment : segments) {
        hub::v1::GetFunnelRequest req;
        req.set_side(side);
        *req.mutable_period() = SampleYear();
        req.set_segment(segment);
        hub::v1::Funnel resp;
        seen->Add("GetFunnel", h.metrics()->GetFunnel(h.Ctx().get(), req, &resp), resp);
      }
    }
  };
  c["hub.v1.MetricsService/GetStageMetrics"] = [=](HubClient& h, Seen* seen) {
    for (const std::string& segment : segments) {
      hub::v1::GetStageMetricsRequest req;
      *req.mutable_period() = SampleYear();
      req.set_segment(segment);
      hub::v1::StageMetrics resp;
      seen->Add("GetStageMetrics", h.metrics()->GetStageMetrics(h.Ctx().get(), req, &resp),
                resp);
    }
  };
  c["hub.v1.MetricsService/GetCustomerValue"] = [=](HubClient& h, Seen* seen) {
    for (const std::string& dimension : {std::string(), std::string("industry"), an_email}) {
      hub::v1::GetCustomerValueRequest req;
      *req.mutable_period() = SampleYear();
      req.set_dimension(dimension);
      hub::v1::CustomerValue resp;
      seen->Add("GetCustomerValue", h.metrics()->GetCustomerValue(h.Ctx().get(), req, &resp),
                resp);
    }
  };
  return c;
}

// The RPCs `role` may call, from the permission table, over every service.
std::set<std::string> CallableBy(absl::string_view role) {
  std::set<std::string> out;
  for (const char* service_name :
       {"hub.v1.ProfileService", "hub.v1.MetricsService", "hub.v1.SyncService",
        "hub.v1.GovernanceService"}) {
    const google::protobuf::ServiceDescriptor* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service_name);
    if (service == nullptr) {
      ADD_FAILURE() << service_name << " is not linked";
      continue;
    }
    for (int i = 0; i < service->method_count(); ++i) {
      const std::string method = absl::StrCat(service_name, "/", service->method(i)->name());
      const std::vector<absl::string_view>& allowed = AllowedRoles(method);
      if (std::find(allowed.begin(), allowed.end(), role) != allowed.end()) out.insert(method);
    }
  }
  return out;
}

Seen HubdMaskingTest::CallEverything(const std::string& role) {
  const std::map<std::string, Caller> callers =
      Callers(Names(false), Names(true), *emails_, *phones_);
  std::set<std::string> covered;
  for (const auto& [method, caller] : callers) covered.insert(method);
  // Every RPC the analyst may call has a caller here, and no other.
  EXPECT_EQ(covered, CallableBy("analyst"));
  HubClient client(hubd_->address(), TokenOf(role));
  Seen seen;
  for (const auto& [method, caller] : callers) caller(client, &seen);
  return seen;
}

TEST_F(HubdMaskingTest, AnAnalystNeverSeesARawEmailOrPhoneAnywhere) {
  ASSERT_GT(emails_->size(), 20u);
  ASSERT_GT(phones_->size(), 5u);
  Seen analyst = CallEverything("analyst");
  EXPECT_GT(analyst.texts.size(), 500u);
  EXPECT_GT(analyst.errors, 50);
  std::set<std::string> leaked = analyst.Find(*emails_);
  std::set<std::string> leaked_phones = analyst.Find(*phones_);
  leaked.insert(leaked_phones.begin(), leaked_phones.end());
  EXPECT_TRUE(leaked.empty()) << leaked.size() << " leaks, e.g. " << *leaked.begin();

  // The same calls as admin show them: the scan finds what is there.
  Seen admin = CallEverything("admin");
  std::set<std::string> emails = admin.Find(*emails_);
  std::set<std::string> phones = admin.Find(*phones_);
  EXPECT_GT(emails.size(), 20u);
  EXPECT_GT(phones.size(), 5u);
  for (const char* rpc : {"GetProfile", "LookupProfile", "ListProfiles", "ListAccountMembers"}) {
    bool found = false;
    for (const std::string& hit : emails) found = found || absl::StartsWith(hit, rpc);
    EXPECT_TRUE(found) << rpc;
  }
}

TEST_F(HubdMaskingTest, OneProfileMaskedExactlyPerRole) {
  // A profile with an email, a phone, a first name and a title.
  hub::v1::Profile raw;
  for (const std::string& name : Names(false)) {
    hub::v1::Profile p = Get("admin", name);
    std::set<std::string> has;
    for (const auto& id : p.identifiers()) has.insert(id.type());
    for (const auto& t : p.traits()) has.insert(t.name());
    if (has.count("email") && has.count("phone") && has.count("first_name") &&
        has.count("title")) {
      raw = p;
      break;
    }
  }
  ASSERT_FALSE(raw.name().empty());
  const hub::v1::Profile analyst = Get("analyst", raw.name());
  const hub::v1::Profile service = Get("service", raw.name());
  const hub::v1::Profile steward = Get("steward", raw.name());
  EXPECT_EQ(steward.SerializeAsString(), raw.SerializeAsString());
  ASSERT_EQ(analyst.identifiers_size(), raw.identifiers_size());
  ASSERT_EQ(analyst.traits_size(), raw.traits_size());
  ASSERT_EQ(analyst.source_records_size(), raw.source_records_size());
  EXPECT_EQ(analyst.name(), raw.name());
  EXPECT_EQ(analyst.account(), raw.account());
  for (int i = 0; i < raw.identifiers_size(); ++i) {
    const auto& id = raw.identifiers(i);
    EXPECT_EQ(analyst.identifiers(i).value(), Masked(id.type(), id.value())) << id.type();
    EXPECT_EQ(service.identifiers(i).value(), id.value()) << id.type();
    if (id.type() == "email") {
      EXPECT_EQ(analyst.identifiers(i).value(),
                id.value().substr(0, 1) + "***@" + id.value().substr(id.value().find('@') + 1));
    }
  }
  for (int i = 0; i < raw.traits_size(); ++i) {
    const auto& t = raw.traits(i);
    const std::string& seen = analyst.traits(i).value();
    if (t.name() == "first_name" || t.name() == "last_name") {
      EXPECT_EQ(seen, t.value().substr(0, 1) + "***") << t.name();
      EXPECT_EQ(service.traits(i).value(), t.value()) << t.name();
    } else if (t.name() == "title") {  // configured sensitive: hashed for both
      EXPECT_EQ(seen.size(), 21u) << seen;
      EXPECT_EQ(seen.substr(0, 5), "hmac:") << seen;
      EXPECT_EQ(service.traits(i).value(), seen);
    } else if (t.name() == "company" || t.name() == "lead_status") {  // public
      EXPECT_EQ(seen, t.value()) << t.name();
    }
    EXPECT_EQ(analyst.traits(i).lineage().source(), t.lineage().source());
  }
  for (int i = 0; i < raw.source_records_size(); ++i) {
    const auto& r = raw.source_records(i);
    const bool personal = r.entity() == hub::v1::CONTACT || r.entity() == hub::v1::LEAD;
    EXPECT_EQ(analyst.source_records(i).external_id(),
              personal ? r.external_id().substr(0, 1) + "***" : r.external_id());
  }

  // Keyed hashes count distinct values: as many distinct hashed titles as
  // raw ones, over every profile.
  std::set<std::string> raw_titles, hashed_titles;
  for (const std::string& name : Names(false)) {
    const hub::v1::Profile admin = Get("admin", name), hashed = Get("analyst", name);
    for (const auto& t : admin.traits()) {
      if (t.name() == "title") raw_titles.insert(t.value());
    }
    for (const auto& t : hashed.traits()) {
      if (t.name() == "title") hashed_titles.insert(t.value());
    }
  }
  EXPECT_GT(raw_titles.size(), 1u);
  EXPECT_EQ(hashed_titles.size(), raw_titles.size());
}

TEST_F(HubdMaskingTest, UnmaskedReadsAreAuditedAndMaskedOnesAreNot) {
  const std::vector<std::string> names = Names(false);
  ASSERT_GE(names.size(), 2u);
  // Earlier tests' reads are flushed within an interval: count from here.
  absl::SleepFor(absl::Seconds(1));
  std::vector<hub::v1::AuditEntry> before = ReadAudit();
  const int64_t baseline = before.empty() ? 0 : before.back().sequence();
  Get("analyst", names[0]);
  Get("analyst", names[1]);
  Get("steward", names[1]);
  Get("steward", names[0]);
  Get("steward", names[1]);
  // The steward's reads appear within a few intervals (200 ms each), in
  // one entry or, if a flush fell between them, in a few.
  std::vector<hub::v1::AuditEntry> entries;
  int64_t calls = 0;
  std::set<std::string> listed;
  for (absl::Time deadline = absl::Now() + absl::Seconds(20);
       calls < 3 && absl::Now() < deadline; absl::SleepFor(absl::Milliseconds(100))) {
    entries = ReadAudit();
    calls = 0;
    listed.clear();
    for (const auto& e : entries) {
      if (e.principal() != "steward-principal" || e.sequence() <= baseline) continue;
      EXPECT_EQ(e.role(), "steward");
      EXPECT_EQ(e.target(), "hub.v1.ProfileService/GetProfile");
      EXPECT_EQ(e.reason(), "");
      calls += std::stoll(e.details());  // "N call(s) read ..."
      const std::string names_part = e.details().substr(e.details().find("Z: ") + 3);
      for (absl::string_view n : absl::StrSplit(names_part, ", ")) listed.insert(std::string(n));
    }
  }
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(listed, (std::set<std::string>{names[0], names[1]}));
  for (const auto& e : entries) {
    EXPECT_NE(e.role(), "analyst") << e.details();
    for (const std::string& email : *emails_) {
      EXPECT_EQ(e.details().find(email), std::string::npos) << e.details();
    }
  }
  // The admin's listings (Names) are audited too.
  bool admin_listed = false;
  for (const auto& e : entries) {
    admin_listed = admin_listed || (e.principal() == "admin-principal" &&
                                    e.target() == "hub.v1.ProfileService/ListProfiles");
  }
  EXPECT_TRUE(admin_listed);
}

TEST_F(HubdMaskingTest, AnAnalystMayNotFilterOrGroupByANonPublicAccountTrait) {
  HubClient analyst(hubd_->address(), TokenOf("analyst"));
  HubClient admin(hubd_->address(), TokenOf("admin"));
  hub::v1::GetFunnelRequest funnel;
  funnel.set_side(hub::v1::ACCOUNTS);
  *funnel.mutable_period() = SampleYear();
  funnel.set_segment("region=emea");  // region: personal in this hub's config
  hub::v1::Funnel f;
  grpc::Status s = analyst.metrics()->GetFunnel(analyst.Ctx().get(), funnel, &f);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(s.error_message(),
            "segment: account trait \"region\" is personal; role \"analyst\" may not filter or "
            "group by it");
  EXPECT_TRUE(admin.metrics()->GetFunnel(admin.Ctx().get(), funnel, &f).ok());
  funnel.set_segment("industry=Financial Services");
  EXPECT_TRUE(analyst.metrics()->GetFunnel(analyst.Ctx().get(), funnel, &f).ok());

  hub::v1::GetStageMetricsRequest metrics;
  *metrics.mutable_period() = SampleYear();
  metrics.set_segment("region=emea");
  hub::v1::StageMetrics m;
  EXPECT_EQ(analyst.metrics()->GetStageMetrics(analyst.Ctx().get(), metrics, &m).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // Unset, the dimension is all four, region among them.
  hub::v1::GetCustomerValueRequest value;
  *value.mutable_period() = SampleYear();
  hub::v1::CustomerValue v;
  s = analyst.metrics()->GetCustomerValue(analyst.Ctx().get(), value, &v);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(s.error_message(),
            "dimension: account trait \"region\" is personal; role \"analyst\" may not filter "
            "or group by it");
  value.set_dimension("industry");
  EXPECT_TRUE(analyst.metrics()->GetCustomerValue(analyst.Ctx().get(), value, &v).ok());
  EXPECT_GT(v.segments_size(), 0);
  value.clear_dimension();
  EXPECT_TRUE(admin.metrics()->GetCustomerValue(admin.Ctx().get(), value, &v).ok());
}

TEST(HubdClassificationTest, ShutdownWritesTheReadAuditStillPending) {
  TempDir dir;
  ASSERT_EQ(system(absl::StrCat("mkdir -p ", dir.File("segment")).c_str()), 0);
  std::ofstream(dir.File("segment/2024-05-01.jsonl"))
      << R"({"type":"identify","messageId":"m1","userId":"u1","timestamp":"2024-05-01T00:00:00Z","traits":{"email":"zed@acme.example"}})"
      << "\n";
  // An hour between flushes: only the shutdown writes it.
  std::ofstream(dir.File("hub.textproto"))
      << "db_path: \"" << dir.File("hub.db") << "\"\n"
      << "tokens { principal: \"ops\" role: \"admin\" sha256: \"" << Sha256Hex(TokenOf("admin"))
      << "\" }\nclassification { read_audit_interval_ms: 3600000 }\n";
  const std::vector<std::string> args = {"--config", dir.File("hub.textproto")};
  auto hubd = HubdProcess::Start(HUBD_BIN, args, dir.path());
  ASSERT_TRUE(hubd.ok()) << hubd.status();
  std::string profile;
  {
    HubClient admin((*hubd)->address(), TokenOf("admin"));
    ASSERT_TRUE(admin.CreateSource("web", "segment", dir.File("segment")).ok());
    ASSERT_EQ(admin.SyncAndWait("web").state(), hub::v1::SyncJob::SUCCEEDED);
    hub::v1::LookupProfileRequest req;
    req.set_identifier_type("email");
    req.set_identifier_value("zed@acme.example");
    hub::v1::Profile p;
    ASSERT_TRUE(admin.profiles()->LookupProfile(admin.Ctx().get(), req, &p).ok());
    profile = p.name();
  }
  int status = (*hubd)->Stop(SIGTERM);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << (*hubd)->Stderr();

  hubd = HubdProcess::Start(HUBD_BIN, args, dir.path());
  ASSERT_TRUE(hubd.ok()) << hubd.status();
  HubClient admin((*hubd)->address(), TokenOf("admin"));
  auto governance = hub::v1::GovernanceService::NewStub(admin.channel());
  hub::v1::ListAuditEntriesResponse log;
  ASSERT_TRUE(governance
                  ->ListAuditEntries(admin.Ctx().get(), hub::v1::ListAuditEntriesRequest(), &log)
                  .ok());
  // After hubd's start-up record of its configured policy, the read.
  ASSERT_EQ(log.entries_size(), 2);
  EXPECT_EQ(log.entries(0).action(), "PolicyChanged");
  EXPECT_EQ(log.entries(1).action(), "ReadUnmasked");
  EXPECT_EQ(log.entries(1).principal(), "ops");
  EXPECT_EQ(log.entries(1).target(), "hub.v1.ProfileService/LookupProfile");
  EXPECT_TRUE(absl::EndsWith(log.entries(1).details(), "Z: " + profile))
      << log.entries(1).details();
  status = (*hubd)->Stop(SIGTERM);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << (*hubd)->Stderr();
}

TEST(HubdClassificationTest, AnUnknownClassStopsHubdNamingTheField) {
  TempDir dir;
  std::ofstream(dir.File("hub.textproto"))
      << "db_path: \"" << dir.File("hub.db") << "\"\n"
      << "classification { identifiers { key: \"phone\" value: \"secret\" } }\n";
  std::string out;
  EXPECT_EQ(testing_support::RunShell(absl::StrCat(HUBD_BIN, " --config ",
                                                   dir.File("hub.textproto"),
                                                   " --listen 127.0.0.1:0 2>&1"),
                                      &out),
            2);
  EXPECT_EQ(out, absl::StrCat("hubd: ", dir.File("hub.textproto"),
                              ": classification.identifiers[\"phone\"]: \"secret\" is not a "
                              "class; use public, personal or sensitive\n"));
}

}  // namespace
}  // namespace hub
