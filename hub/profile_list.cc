#include "hub/profile_list.h"

#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "hub/api_util.h"
#include "hub/v1/resources.pb.h"
#include "profile/base/hash.h"
#include "profile/base/status_macros.h"

namespace hub {
namespace {

constexpr FilterOp kAllOps[] = {FilterOp::kEq, FilterOp::kNe, FilterOp::kLt,
                                FilterOp::kLe, FilterOp::kGt, FilterOp::kGe};

std::vector<FilterField> FieldsOf(Side side) {
  std::vector<std::string> stages;
  for (int s = hub::v1::Stage_MIN; s <= hub::v1::Stage_MAX; ++s) {
    if (hub::v1::Stage_IsValid(s)) stages.push_back(hub::v1::Stage_Name(s));
  }
  std::vector<FilterOp> ordered(std::begin(kAllOps), std::end(kAllOps));
  std::vector<FilterOp> traits = ordered;
  traits.push_back(FilterOp::kHas);
  std::vector<FilterField> fields = {
      {"stage", false, FilterField::Type::kEnum, {FilterOp::kEq, FilterOp::kNe}, stages},
      {"create_time", false, FilterField::Type::kTimestamp, ordered, {}},
      {"update_time", false, FilterField::Type::kTimestamp, ordered, {}},
      {"traits", true, FilterField::Type::kString, traits, {}},
  };
  if (side == Side::kPerson) {
    fields.push_back(
        {"account", false, FilterField::Type::kString, {FilterOp::kEq, FilterOp::kNe}, {}});
  }
  return fields;
}

ProfileCondition::Op OpOf(FilterOp op) {
  switch (op) {
    case FilterOp::kEq: return ProfileCondition::Op::kEq;
    case FilterOp::kNe: return ProfileCondition::Op::kNe;
    case FilterOp::kLt: return ProfileCondition::Op::kLt;
    case FilterOp::kLe: return ProfileCondition::Op::kLe;
    case FilterOp::kGt: return ProfileCondition::Op::kGt;
    case FilterOp::kGe: return ProfileCondition::Op::kGe;
    case FilterOp::kHas: break;
  }
  return ProfileCondition::Op::kEq;
}

// `node` (checked against FieldsOf(side)) as a store condition.
absl::StatusOr<ProfileCondition> Translate(Store* store, const Masker& masker,
                                           absl::string_view role, Side side,
                                           const FilterNode& node) {
  using Kind = ProfileCondition::Kind;
  ProfileCondition c;
  switch (node.kind) {
    case FilterNode::Kind::kAnd:
    case FilterNode::Kind::kOr:
    case FilterNode::Kind::kNot:
      c.kind = node.kind == FilterNode::Kind::kAnd  ? Kind::kAnd
               : node.kind == FilterNode::Kind::kOr ? Kind::kOr
                                                    : Kind::kNot;
      for (const FilterNode& child : node.children) {
        HUB_ASSIGN_OR_RETURN(ProfileCondition t, Translate(store, masker, role, side, child));
        c.children.push_back(std::move(t));
      }
      return c;
    case FilterNode::Kind::kCompare:
      break;
  }
  c.op = OpOf(node.op);
  if (node.field == "stage") {
    hub::v1::Stage stage = hub::v1::STAGE_UNSPECIFIED;
    hub::v1::Stage_Parse(node.value, &stage);  // CheckFilter allowed only names
    c.kind = Kind::kStage;
    c.number = stage;
  } else if (node.field == "account") {
    c.kind = Kind::kAccount;
    if (!node.value.empty()) {
      HUB_ASSIGN_OR_RETURN(int64_t id, ParseIdName(node.value, "accounts", "filter: account"));
      absl::StatusOr<int64_t> live = store->ResolveId(Side::kAccount, id);
      if (absl::IsNotFound(live.status())) {
        c.number = -1;  // no such account: no person's
      } else {
        HUB_RETURN_IF_ERROR(live.status());
        c.number = *live;
      }
    }
  } else if (node.field == "create_time" || node.field == "update_time") {
    c.kind = node.field == "create_time" ? Kind::kCreateUs : Kind::kUpdateUs;
    c.number = absl::ToUnixMicros(node.time);
  } else {  // traits.<name>
    c.trait = node.field.substr(node.field.find('.') + 1);
    HUB_RETURN_IF_ERROR(masker.CheckTraitFilter(
        role, side == Side::kPerson ? FieldKind::kTrait : FieldKind::kAccountTrait, c.trait,
        absl::StrCat("filter: ", node.field)));
    if (node.op == FilterOp::kHas) {
      c.kind = node.value == "*" ? Kind::kHasTrait : Kind::kTraitContains;
    } else {
      c.kind = Kind::kTrait;
    }
    c.text = node.value;
  }
  return c;
}

struct Order {
  ProfileQuery::Order by = ProfileQuery::Order::kId;
  bool descending = false;
  std::string canonical = "name";
};

absl::StatusOr<Order> ParseOrderBy(absl::string_view text) {
  std::vector<absl::string_view> words =
      absl::StrSplit(text, absl::ByAnyChar(" \t"), absl::SkipEmpty());
  Order order;
  if (words.empty()) return order;
  auto bad = [&] {
    return absl::InvalidArgumentError(absl::StrCat(
        "order_by: \"", text, "\" is not one of \"name\", \"name desc\", \"update_time\", "
        "\"update_time desc\""));
  };
  if (words.size() > 2 || (words.size() == 2 && words[1] != "desc" && words[1] != "asc")) {
    return bad();
  }
  if (words[0] == "update_time") {
    order.by = ProfileQuery::Order::kUpdate;
  } else if (words[0] != "name") {
    return bad();
  }
  order.descending = words.size() == 2 && words[1] == "desc";
  order.canonical = absl::StrCat(words[0], order.descending ? " desc" : "");
  return order;
}

}  // namespace

const std::vector<FilterField>& ProfileFilterFields(Side side) {
  static const auto* persons = new std::vector<FilterField>(FieldsOf(Side::kPerson));
  static const auto* accounts = new std::vector<FilterField>(FieldsOf(Side::kAccount));
  return side == Side::kPerson ? *persons : *accounts;
}

absl::StatusOr<std::optional<ProfileCondition>> TranslateProfileFilter(
    Store* store, const Masker& masker, absl::string_view role, Side side,
    absl::string_view filter, std::string* canonical) {
  HUB_ASSIGN_OR_RETURN(std::unique_ptr<FilterNode> root, ParseFilter(filter));
  canonical->clear();
  if (root == nullptr) return std::optional<ProfileCondition>();
  HUB_RETURN_IF_ERROR(CheckFilter(ProfileFilterFields(side), root.get()));
  *canonical = FilterToString(*root);
  HUB_ASSIGN_OR_RETURN(ProfileCondition c, Translate(store, masker, role, side, *root));
  return std::optional<ProfileCondition>(std::move(c));
}

absl::StatusOr<ListedIds> ListProfileIds(Store* store, const Masker& masker,
                                         absl::string_view role, const ListSpec& spec,
                                         absl::Time deadline) {
  HUB_ASSIGN_OR_RETURN(int size, PageSize(spec.page_size, spec.default_size, spec.max_size));
  std::string canonical;
  HUB_ASSIGN_OR_RETURN(std::optional<ProfileCondition> where,
                       TranslateProfileFilter(store, masker, role, spec.side, spec.filter,
                                              &canonical));
  HUB_ASSIGN_OR_RETURN(Order order, ParseOrderBy(spec.order_by));
  // A token carries a hash of what it was issued for, so that one reused
  // with another filter or order cannot silently skip or repeat rows.
  const int64_t binding = static_cast<int64_t>(
      Fnv1a64(absl::StrCat(canonical, "\n", order.canonical)) >> 1);
  const absl::string_view tag = spec.side == Side::kPerson ? "profiles" : "accounts";
  ProfileQuery query;
  query.side = spec.side;
  query.where = where ? &*where : nullptr;
  query.order = order.by;
  query.descending = order.descending;
  query.limit = size + 1;
  query.deadline = deadline;
  if (!spec.page_token.empty()) {
    HUB_ASSIGN_OR_RETURN(std::vector<int64_t> v, DecodePageToken(spec.page_token, tag, 3));
    if (v[0] != binding) {
      return absl::InvalidArgumentError(
          "page_token: it was issued for another filter or order_by; send the same ones "
          "as the call that returned it, or start again without a token");
    }
    query.after = std::make_pair(v[1], v[2]);
  }
  HUB_ASSIGN_OR_RETURN(std::vector<ProfileRow> rows, store->QueryProfiles(query));
  ListedIds out;
  const bool more = static_cast<int>(rows.size()) > size;
  if (more) rows.pop_back();
  for (const ProfileRow& r : rows) out.ids.push_back(r.id);
  if (more) {
    out.next_page_token = EncodePageToken(tag, {binding, rows.back().update_us, rows.back().id});
  }
  return out;
}

}  // namespace hub
