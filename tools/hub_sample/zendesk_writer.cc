// zendesk/{users,organizations,tickets,satisfaction_ratings}-NNNN.json pages.
#include <algorithm>
#include <cstdio>
#include <functional>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "tools/hub_sample/civil_time.h"
#include "tools/hub_sample/output.h"
#include "tools/hub_sample/vocabulary.h"
#include "tools/hub_sample/writers.h"

namespace hub::sample {
namespace {

constexpr size_t kPageSize = 1000;
constexpr const char* kBase = "https://hubsample.zendesk.com/api/v2";

std::string ZendeskTime(int64_t seconds) {
  return FormatTime(seconds, TimeStyle::kZendesk);
}

std::string Base64(std::string_view data) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < data.size(); i += 3) {
    uint32_t v = static_cast<uint8_t>(data[i]) << 16;
    if (i + 1 < data.size()) v |= static_cast<uint8_t>(data[i + 1]) << 8;
    if (i + 2 < data.size()) v |= static_cast<uint8_t>(data[i + 2]);
    out.push_back(kAlphabet[v >> 18 & 63]);
    out.push_back(kAlphabet[v >> 12 & 63]);
    out.push_back(i + 1 < data.size() ? kAlphabet[v >> 6 & 63] : '=');
    out.push_back(i + 2 < data.size() ? kAlphabet[v & 63] : '=');
  }
  return out;
}

std::string Cursor(int64_t updated, int64_t id) {
  return Base64(absl::StrCat(updated, ".0||", id, "|"));
}

// Writes `items` (already ordered) into pages `<stem>-NNNN.json` of at most
// kPageSize; `item` renders one and `tail` closes a page given the last
// item's position and whether it is the last page.
absl::Status WritePages(
    const std::string& dir, const char* stem, const char* array,
    const std::vector<size_t>& items,
    const std::function<void(JsonWriter&, size_t)>& item,
    const std::function<void(JsonWriter&, size_t, bool)>& tail) {
  const size_t pages =
      std::max<size_t>(1, (items.size() + kPageSize - 1) / kPageSize);
  for (size_t page = 0; page < pages; ++page) {
    char name[32];
    std::snprintf(name, sizeof name, "-%04zu.json", page + 1);
    OutputFile file(absl::StrCat(dir, "/", stem, name));
    JsonWriter j(file.buffer());
    j.BeginObject().Key(array).BeginArray();
    const size_t begin = page * kPageSize,
                 end = std::min(items.size(), begin + kPageSize);
    for (size_t k = begin; k < end; ++k) {
      file.buffer()->push_back('\n');
      item(j, items[k]);
      file.MaybeFlush();
    }
    j.EndArray();
    tail(j, end == 0 ? SIZE_MAX : items[end - 1], page + 1 == pages);
    j.EndObject();
    file.buffer()->push_back('\n');
    if (absl::Status s = file.Close(); !s.ok()) return s;
  }
  return absl::OkStatus();
}

template <typename T, typename Key>
std::vector<size_t> Ordered(const std::vector<T>& items, Key key) {
  std::vector<size_t> order(items.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](size_t x, size_t y) { return key(x) < key(y); });
  return order;
}

class ZendeskExport {
 public:
  ZendeskExport(const World& w, const std::string& dir, Truth* truth)
      : w_(w), dir_(dir), truth_(truth), vocab_(GetVocabulary()) {}

  absl::Status Users() {
    const auto& users = w_.zendesk_users;
    const auto order = Ordered(users, [&](size_t i) {
      return std::pair(users[i].updated, users[i].id);
    });
    return WritePages(
        dir_, "users", "users", order,
        [&](JsonWriter& j, size_t i) {
          const ZendeskUser& u = users[i];
          const std::string id = absl::StrCat(u.id);
          j.BeginObject().Key("id").Int(u.id).Key("url").String(
              absl::StrCat(kBase, "/users/", id, ".json"));
          j.Key("name")
              .String(u.name)
              .Key("email")
              .StringOrNull(u.email)
              .Key("phone")
              .StringOrNull(u.phone);
          j.Key("organization_id");
          OrgId(j, u.org_account);
          j.Key("role").String("end-user").Key("active").Bool(u.active);
          j.Key("created_at")
              .String(ZendeskTime(u.created))
              .Key("updated_at")
              .String(ZendeskTime(u.updated));
          j.Key("time_zone").String("UTC").EndObject();
          const int account = w_.persons[u.person].account;
          const std::string org =
              u.org_account < 0
                  ? ""
                  : absl::StrCat(w_.accounts[u.org_account].org_id);
          RecordFacts facts;
          facts.updated = Micros(u.updated);
          facts.deleted = !u.active;
          facts.account = {IdType::kOrganizationId, org};
          truth_->Add(Source::kZendesk, Entity::kContact, id, u.person, account,
                      {{IdType::kZendeskUserId, id},
                       {IdType::kEmail, u.email},
                       {IdType::kPhone, u.phone}},
                      facts, u.broken);
        },
        [&](JsonWriter& j, size_t last, bool end) {
          CursorTail(j, last == SIZE_MAX ? 0 : users[last].updated,
                     last == SIZE_MAX ? 0 : users[last].id, end);
        });
  }

  absl::Status Organizations() {
    std::vector<size_t> order = Ordered(w_.organizations, [&](size_t k) {
      const Account& a = w_.accounts[w_.organizations[k]];
      return std::pair(a.org_updated, a.org_id);
    });
    return WritePages(
        dir_, "organizations", "organizations", order,
        [&](JsonWriter& j, size_t k) {
          const int index = w_.organizations[k];
          const Account& a = w_.accounts[index];
          const std::string id = absl::StrCat(a.org_id);
          j.BeginObject().Key("id").Int(a.org_id);
          j.Key("url").String(
              absl::StrCat(kBase, "/organizations/", id, ".json"));
          j.Key("name").String(a.name).Key("domain_names").BeginArray();
          if (!a.org_domain.empty()) j.String(a.org_domain);
          j.EndArray().Key("created_at").String(ZendeskTime(a.org_created));
          j.Key("updated_at").String(ZendeskTime(a.org_updated)).EndObject();
          RecordFacts facts;
          facts.updated = Micros(a.org_updated);
          truth_->Add(
              Source::kZendesk, Entity::kAccount, id, -1, index,
              {{IdType::kOrganizationId, id}, {IdType::kDomain, a.org_domain}},
              facts);
        },
        [&](JsonWriter& j, size_t, bool end) {
          j.Key("end_of_stream").Bool(end);
        });
  }

  absl::Status Tickets() {
    const auto& tickets = w_.tickets;
    const auto order = Ordered(tickets, [&](size_t i) {
      return std::pair(tickets[i].updated, tickets[i].id);
    });
    return WritePages(
        dir_, "tickets", "tickets", order,
        [&](JsonWriter& j, size_t i) { Ticket(j, tickets[i]); },
        [&](JsonWriter& j, size_t last, bool end) {
          CursorTail(j, last == SIZE_MAX ? 0 : tickets[last].updated,
                     last == SIZE_MAX ? 0 : tickets[last].id, end);
        });
  }

  absl::Status Ratings() {
    const auto& ratings = w_.ratings;
    const auto order = Ordered(ratings, [&](size_t i) {
      return std::pair(ratings[i].created, ratings[i].id);
    });
    return WritePages(
        dir_, "satisfaction_ratings", "satisfaction_ratings", order,
        [&](JsonWriter& j, size_t i) {
          const Rating& r = ratings[i];
          const hub::sample::Ticket& t = w_.tickets[r.ticket];
          const ZendeskUser& u = w_.zendesk_users[t.user];
          const std::string requester = absl::StrCat(u.id);
          j.BeginObject().Key("id").Int(r.id);
          j.Key("url").String(
              absl::StrCat(kBase, "/satisfaction_ratings/", r.id, ".json"));
          j.Key("ticket_id").Int(t.id).Key("requester_id").Int(u.id);
          j.Key("score")
              .String(r.good ? "good" : "bad")
              .Key("comment")
              .String(vocab_.csat_comments[r.comment]);
          j.Key("created_at")
              .String(ZendeskTime(r.created))
              .Key("updated_at")
              .String(ZendeskTime(r.created));
          j.EndObject();
          RecordFacts facts;
          facts.occurred = Micros(r.created);
          facts.updated = facts.occurred;
          facts.event_type = "csat_response";
          facts.score = r.good ? "good" : "bad";
          truth_->Add(Source::kZendesk, Entity::kSurveyResponse,
                      absl::StrCat("csat:", r.id), u.person,
                      w_.persons[u.person].account,
                      {{IdType::kZendeskUserId, requester}}, facts);
        },
        [&](JsonWriter& j, size_t last, bool end) {
          j.Key("meta")
              .BeginObject()
              .Key("has_more")
              .Bool(!end)
              .Key("after_cursor");
          if (last == SIZE_MAX) {
            j.Null();
          } else {
            j.String(Cursor(ratings[last].created, ratings[last].id));
          }
          j.EndObject();
        });
  }

 private:
  void OrgId(JsonWriter& j, int account) {
    if (account < 0) {
      j.Null();
    } else {
      j.Int(w_.accounts[account].org_id);
    }
  }

  void CursorTail(JsonWriter& j, int64_t updated, int64_t id, bool end) {
    j.Key("after_cursor")
        .String(Cursor(updated, id))
        .Key("end_of_stream")
        .Bool(end);
  }

  void Ticket(JsonWriter& j, const hub::sample::Ticket& t) {
    const ZendeskUser& u = w_.zendesk_users[t.user];
    const std::string id = absl::StrCat(t.id), requester = absl::StrCat(u.id);
    j.BeginObject().Key("id").Int(t.id).Key("url").String(
        absl::StrCat(kBase, "/tickets/", id, ".json"));
    j.Key("subject")
        .String(vocab_.ticket_subjects[t.subject])
        .Key("status")
        .String(t.status);
    j.Key("priority")
        .String(t.priority)
        .Key("requester_id")
        .Int(u.id)
        .Key("submitter_id")
        .Int(u.id);
    j.Key("organization_id");
    OrgId(j, t.org_account);
    j.Key("created_at").String(ZendeskTime(t.created)).Key("updated_at");
    j.String(t.broken == Broken::kTimestamp ? kBadZendeskTime
                                            : ZendeskTime(t.updated));
    j.Key("satisfaction_rating");
    if (t.rating < 0) {
      j.Null();
    } else {
      const Rating& r = w_.ratings[t.rating];
      j.BeginObject()
          .Key("score")
          .String(r.good ? "good" : "bad")
          .Key("id")
          .Int(r.id);
      j.Key("comment").String(vocab_.csat_comments[r.comment]).EndObject();
    }
    j.Key("generated_timestamp").Int(t.updated).EndObject();
    RecordFacts facts;
    facts.occurred = Micros(t.created);
    facts.updated = Micros(t.updated);
    facts.event_type = "ticket";
    facts.deleted = t.status == "deleted";
    truth_->Add(Source::kZendesk, Entity::kTicket, id, u.person,
                w_.persons[u.person].account,
                {{IdType::kZendeskUserId, requester}}, facts, t.broken);
  }

  const World& w_;
  const std::string& dir_;
  Truth* truth_;
  const Vocabulary& vocab_;
};

}  // namespace

absl::Status WriteZendesk(const World& world, const std::string& dir,
                          Truth* truth) {
  if (absl::Status s = MakeDirectories(dir); !s.ok()) return s;
  ZendeskExport out(world, dir, truth);
  if (absl::Status s = out.Users(); !s.ok()) return s;
  if (absl::Status s = out.Organizations(); !s.ok()) return s;
  if (absl::Status s = out.Tickets(); !s.ok()) return s;
  return out.Ratings();
}

}  // namespace hub::sample
