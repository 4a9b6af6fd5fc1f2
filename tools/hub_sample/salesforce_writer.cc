// salesforce/{Account,Contact,Lead,Opportunity}.csv: Bulk API 2.0 query CSV.
#include <algorithm>
#include <functional>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "tools/hub_sample/civil_time.h"
#include "tools/hub_sample/output.h"
#include "tools/hub_sample/writers.h"

namespace hub::sample {
namespace {

// Appends one CSV row of Bulk-quoted fields.
class Row {
 public:
  explicit Row(std::string* out) : out_(out) {}
  ~Row() { out_->push_back('\n'); }
  Row& Field(std::string_view value) {
    if (!first_) out_->push_back(',');
    first_ = false;
    AppendBulkCsvField(out_, value);
    return *this;
  }
  Row& Time(int64_t seconds, TimeStyle style = TimeStyle::kSalesforce) {
    scratch_.clear();
    AppendTime(&scratch_, seconds, style);
    return Field(scratch_);
  }
  Row& Modstamp(int64_t seconds, Broken broken) {
    return broken == Broken::kTimestamp ? Field(kBadSalesforceTime)
                                        : Time(seconds);
  }
  Row& Bool(bool value) { return Field(value ? "true" : "false"); }

 private:
  std::string* out_;
  std::string scratch_;
  bool first_ = true;
};

void Header(std::string* out, std::initializer_list<const char*> names) {
  Row row(out);
  for (const char* name : names) row.Field(name);
}

// Indexes 0..n-1 ordered by (modstamp, id).
template <typename T>
std::vector<size_t> ByModstamp(const std::vector<T>& items) {
  std::vector<size_t> order(items.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    if (items[x].modified != items[y].modified)
      return items[x].modified < items[y].modified;
    return items[x].id < items[y].id;
  });
  return order;
}

absl::Status WriteAccounts(const World& w, const std::string& dir,
                           Truth* truth) {
  OutputFile file(dir + "/Account.csv");
  std::string* out = file.buffer();
  Header(out,
         {"Id", "Name", "Website", "Industry", "Type", "BillingCountry",
          "NumberOfEmployees", "Phone", "Tier__c", "Region__c", "CreatedDate",
          "SystemModstamp", "IsDeleted", "BillingStreet", "AccountSource"});
  std::vector<size_t> order(w.accounts.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    const Account &a = w.accounts[x], &b = w.accounts[y];
    return a.sf_modified != b.sf_modified ? a.sf_modified < b.sf_modified
                                          : a.sf_id < b.sf_id;
  });
  for (size_t i : order) {
    const Account& a = w.accounts[i];
    Row(out)
        .Field(a.sf_id)
        .Field(a.name)
        .Field(a.website)
        .Field(a.industry)
        .Field(a.type)
        .Field(a.country)
        .Field(absl::StrCat(a.employees))
        .Field(a.phone)
        .Field(a.tier)
        .Field(a.region)
        .Time(a.sf_created)
        .Time(a.sf_modified)
        .Bool(false)
        .Field(a.street)
        .Field(a.source);
    RecordFacts facts;
    facts.updated = Micros(a.sf_modified);
    facts.industry = a.industry;
    facts.tier = a.tier;
    facts.region = a.region;
    facts.source = a.source;
    truth->Add(
        Source::kSalesforce, Entity::kAccount, a.sf_id, -1, static_cast<int>(i),
        {{IdType::kAccountId, a.sf_id}, {IdType::kDomain, a.website}}, facts);
    file.MaybeFlush();
  }
  return file.Close();
}

absl::Status WriteContacts(const World& w, const std::string& dir,
                           Truth* truth) {
  OutputFile file(dir + "/Contact.csv");
  std::string* out = file.buffer();
  Header(out,
         {"Id", "AccountId", "FirstName", "LastName", "Email", "Phone", "Title",
          "LeadSource", "CreatedDate", "SystemModstamp", "IsDeleted"});
  for (size_t i : ByModstamp(w.contacts)) {
    const Contact& c = w.contacts[i];
    const std::string_view id =
        c.broken == Broken::kId ? std::string_view() : std::string_view(c.id);
    Row(out)
        .Field(id)
        .Field(w.accounts[c.account].sf_id)
        .Field(c.first_name)
        .Field(c.last_name)
        .Field(c.email)
        .Field(c.phone)
        .Field(c.title)
        .Field(c.source)
        .Time(c.created)
        .Modstamp(c.modified, c.broken)
        .Bool(false);
    RecordFacts facts;
    facts.created = Micros(c.created);   // CreatedDate
    facts.updated = Micros(c.modified);  // SystemModstamp
    facts.account = {IdType::kAccountId, w.accounts[c.account].sf_id};
    truth->Add(Source::kSalesforce, Entity::kContact, id, c.person, c.account,
               {{IdType::kContactId, id},
                {IdType::kEmail, c.email},
                {IdType::kPhone, c.phone}},
               facts, c.broken);
    file.MaybeFlush();
  }
  return file.Close();
}

absl::Status WriteLeads(const World& w, const std::string& dir, Truth* truth) {
  OutputFile file(dir + "/Lead.csv");
  std::string* out = file.buffer();
  Header(out,
         {"Id", "FirstName", "LastName", "Email", "Phone", "Company", "Title",
          "Status", "LeadSource", "IsConverted", "ConvertedContactId",
          "ConvertedAccountId", "CreatedDate", "SystemModstamp", "IsDeleted"});
  for (size_t i : ByModstamp(w.leads)) {
    const Lead& l = w.leads[i];
    const std::string_view id =
        l.broken == Broken::kId ? std::string_view() : std::string_view(l.id);
    const Contact* c = l.converted ? &w.contacts[l.contact] : nullptr;
    const std::string_view contact_id = c ? std::string_view(c->id) : "";
    const std::string_view account_id =
        c ? std::string_view(w.accounts[c->account].sf_id) : "";
    Row(out)
        .Field(id)
        .Field(l.first_name)
        .Field(l.last_name)
        .Field(l.email)
        .Field(l.phone)
        .Field(l.company)
        .Field(l.title)
        .Field(l.status)
        .Field(l.source)
        .Bool(l.converted)
        .Field(contact_id)
        .Field(account_id)
        .Time(l.created)
        .Modstamp(l.modified, l.broken)
        .Bool(l.deleted);
    const int account = w.persons[l.person].account;
    RecordFacts facts;
    facts.created = Micros(l.created);   // CreatedDate
    facts.updated = Micros(l.modified);  // SystemModstamp
    facts.lead_status = l.status;
    facts.deleted = l.deleted;
    facts.account = {IdType::kAccountId, account_id};  // ConvertedAccountId
    truth->Add(Source::kSalesforce, Entity::kLead, id, l.person, account,
               {{IdType::kLeadId, id},
                {IdType::kEmail, l.email},
                {IdType::kPhone, l.phone},
                {IdType::kContactId, contact_id}},
               facts, l.broken);
    file.MaybeFlush();
  }
  return file.Close();
}

absl::Status WriteOpportunities(const World& w, const std::string& dir,
                                Truth* truth) {
  OutputFile file(dir + "/Opportunity.csv");
  std::string* out = file.buffer();
  Header(out, {"Id", "AccountId", "ContactId", "Name", "Type", "StageName",
               "Amount", "CloseDate", "IsClosed", "IsWon", "CreatedDate",
               "SystemModstamp", "IsDeleted"});
  for (size_t i : ByModstamp(w.opportunities)) {
    const Opportunity& o = w.opportunities[i];
    const std::string& account_id = w.accounts[o.account].sf_id;
    Row(out)
        .Field(o.id)
        .Field(account_id)
        .Field(o.contact >= 0 ? w.contacts[o.contact].id : "")
        .Field(o.name)
        .Field(o.type)
        .Field(o.stage)
        .Field(absl::StrCat(o.amount, ".00"))
        .Time(o.close, TimeStyle::kDate)
        .Bool(o.closed)
        .Bool(o.won)
        .Time(o.created)
        .Time(o.modified)
        .Bool(false);
    OpportunityFacts facts;
    facts.created = Micros(o.created);  // CreatedDate
    // CloseDate is a date: closed at its 00:00 UTC when IsClosed.
    if (o.closed) facts.closed = Micros(o.close - o.close % kDay);
    facts.won = o.won;
    facts.renewal = o.type == "Renewal";
    facts.upsell = o.type == "Upsell";
    facts.amount = o.amount;  // Amount, written as <amount>.00
    truth->AddOpportunity(o.id, o.account, account_id, facts);
    file.MaybeFlush();
  }
  return file.Close();
}

}  // namespace

absl::Status WriteSalesforce(const World& world, const std::string& dir,
                             Truth* truth) {
  if (absl::Status s = MakeDirectories(dir); !s.ok()) return s;
  for (auto* write :
       {WriteAccounts, WriteContacts, WriteLeads, WriteOpportunities}) {
    if (absl::Status s = write(world, dir, truth); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace hub::sample
