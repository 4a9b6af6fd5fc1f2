#include "hub/filter.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "profile/base/status_macros.h"

namespace hub {
namespace {

bool IsNameStart(char c) { return absl::ascii_isalpha(c) || c == '_'; }
bool IsNameChar(char c) { return absl::ascii_isalnum(c) || c == '_'; }
// Characters that end a bare value.
bool EndsBare(char c) {
  return absl::ascii_isspace(c) || c == '(' || c == ')' || c == '"' || c == '\'';
}

// Recursive descent over the grammar in filter.h; `depth_` bounds the
// recursion, so a hostile filter cannot exhaust the stack.
class Parser {
 public:
  explicit Parser(absl::string_view text) : text_(text) {}

  absl::StatusOr<std::unique_ptr<FilterNode>> Parse() {
    SkipSpace();
    if (pos_ == text_.size()) return nullptr;
    HUB_ASSIGN_OR_RETURN(FilterNode root, Expression());
    SkipSpace();
    if (pos_ != text_.size()) {
      return Error(Peek() == ')' ? "unbalanced \")\"" : "expected AND, OR or the end");
    }
    return std::make_unique<FilterNode>(std::move(root));
  }

 private:
  absl::StatusOr<FilterNode> Expression() {
    HUB_ASSIGN_OR_RETURN(FilterNode left, Sequence());
    std::vector<FilterNode> all;
    all.push_back(std::move(left));
    while (Keyword("AND")) {
      HUB_ASSIGN_OR_RETURN(FilterNode next, Sequence());
      all.push_back(std::move(next));
    }
    return Combine(FilterNode::Kind::kAnd, std::move(all));
  }

  absl::StatusOr<FilterNode> Sequence() {
    std::vector<FilterNode> all;
    do {
      HUB_ASSIGN_OR_RETURN(FilterNode next, Factor());
      all.push_back(std::move(next));
      SkipSpace();
    } while (pos_ < text_.size() && Peek() != ')' && !AtKeyword("AND") && !AtKeyword("OR"));
    return Combine(FilterNode::Kind::kAnd, std::move(all));
  }

  absl::StatusOr<FilterNode> Factor() {
    std::vector<FilterNode> all;
    HUB_ASSIGN_OR_RETURN(FilterNode first, Term());
    all.push_back(std::move(first));
    while (Keyword("OR")) {
      HUB_ASSIGN_OR_RETURN(FilterNode next, Term());
      all.push_back(std::move(next));
    }
    return Combine(FilterNode::Kind::kOr, std::move(all));
  }

  absl::StatusOr<FilterNode> Term() {
    SkipSpace();
    bool negate = Keyword("NOT");
    if (!negate && Peek() == '-') {
      ++pos_;
      negate = true;
    }
    if (!negate) return Simple();
    HUB_RETURN_IF_ERROR(Enter());
    HUB_ASSIGN_OR_RETURN(FilterNode operand, Simple());
    --depth_;
    FilterNode node;
    node.kind = FilterNode::Kind::kNot;
    node.children.push_back(std::move(operand));
    return node;
  }

  absl::StatusOr<FilterNode> Simple() {
    SkipSpace();
    if (Peek() != '(') return Restriction();
    ++pos_;
    HUB_RETURN_IF_ERROR(Enter());
    HUB_ASSIGN_OR_RETURN(FilterNode inner, Expression());
    --depth_;
    SkipSpace();
    if (Peek() != ')') return Error("expected \")\"");
    ++pos_;
    return inner;
  }

  absl::StatusOr<FilterNode> Restriction() {
    SkipSpace();
    FilterNode node;
    const size_t start = pos_;
    for (;;) {
      if (pos_ == text_.size() || !IsNameStart(text_[pos_])) {
        return Error(pos_ == start ? "expected a field name" : "expected a name after \".\"");
      }
      while (pos_ < text_.size() && IsNameChar(text_[pos_])) ++pos_;
      if (Peek() != '.') break;
      ++pos_;
    }
    node.field = std::string(text_.substr(start, pos_ - start));
    if (node.field == "AND" || node.field == "OR" || node.field == "NOT") {
      pos_ = start;
      return Error(absl::StrCat("expected a field name, got ", node.field));
    }
    SkipSpace();
    HUB_ASSIGN_OR_RETURN(node.op, Comparator(node.field));
    SkipSpace();
    HUB_ASSIGN_OR_RETURN(node.value, Value());
    return node;
  }

  absl::StatusOr<FilterOp> Comparator(const std::string& field) {
    const char c = Peek();
    const char next = pos_ + 1 < text_.size() ? text_[pos_ + 1] : '\0';
    auto take = [this](size_t n, FilterOp op) {
      pos_ += n;
      return op;
    };
    switch (c) {
      case '=': return take(1, FilterOp::kEq);
      case ':': return take(1, FilterOp::kHas);
      case '!':
        if (next == '=') return take(2, FilterOp::kNe);
        break;
      case '<': return next == '=' ? take(2, FilterOp::kLe) : take(1, FilterOp::kLt);
      case '>': return next == '=' ? take(2, FilterOp::kGe) : take(1, FilterOp::kGt);
      default: break;
    }
    return Error(absl::StrCat("expected a comparison (=, !=, <, <=, >, >=, :) after ", field));
  }

  absl::StatusOr<std::string> Value() {
    const char quote = Peek();
    if (quote == '"' || quote == '\'') {
      ++pos_;
      std::string out;
      while (pos_ < text_.size() && text_[pos_] != quote) {
        if (text_[pos_] == '\\') {
          if (++pos_ == text_.size()) break;
        }
        out.push_back(text_[pos_++]);
      }
      if (pos_ == text_.size()) return Error("unterminated string");
      ++pos_;
      return out;
    }
    const size_t start = pos_;
    while (pos_ < text_.size() && !EndsBare(text_[pos_])) ++pos_;
    if (pos_ == start) return Error("expected a value");
    return std::string(text_.substr(start, pos_ - start));
  }

  // Joins two or more nodes; one is returned as is. Nested nodes of the same
  // kind are flattened: (a AND b) AND c is one AND of three.
  static FilterNode Combine(FilterNode::Kind kind, std::vector<FilterNode> all) {
    if (all.size() == 1) return std::move(all[0]);
    FilterNode node;
    node.kind = kind;
    for (FilterNode& child : all) {
      if (child.kind == kind) {
        for (FilterNode& grandchild : child.children) {
          node.children.push_back(std::move(grandchild));
        }
      } else {
        node.children.push_back(std::move(child));
      }
    }
    return node;
  }

  absl::Status Enter() {
    if (++depth_ > kMaxFilterDepth) {
      return Error(absl::StrCat("nested deeper than ", kMaxFilterDepth));
    }
    return absl::OkStatus();
  }

  void SkipSpace() {
    while (pos_ < text_.size() && absl::ascii_isspace(text_[pos_])) ++pos_;
  }
  char Peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }

  // True if `word` stands at the cursor as a whole word.
  bool AtKeyword(absl::string_view word) {
    SkipSpace();
    if (text_.substr(pos_, word.size()) != word) return false;
    const size_t end = pos_ + word.size();
    return end == text_.size() || absl::ascii_isspace(text_[end]) || text_[end] == '(';
  }
  bool Keyword(absl::string_view word) {
    if (!AtKeyword(word)) return false;
    pos_ += word.size();
    return true;
  }

  absl::Status Error(absl::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat("filter: ", what, " at offset ", pos_));
  }

  absl::string_view text_;
  size_t pos_ = 0;
  int depth_ = 0;
};

std::string Quote(const std::string& value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string Choices(const std::vector<std::string>& names) {
  return absl::StrJoin(names, ", ");
}

}  // namespace

absl::string_view FilterOpName(FilterOp op) {
  switch (op) {
    case FilterOp::kEq: return "=";
    case FilterOp::kNe: return "!=";
    case FilterOp::kLt: return "<";
    case FilterOp::kLe: return "<=";
    case FilterOp::kGt: return ">";
    case FilterOp::kGe: return ">=";
    case FilterOp::kHas: return ":";
  }
  return "?";
}

absl::StatusOr<std::unique_ptr<FilterNode>> ParseFilter(absl::string_view text) {
  if (text.size() > kMaxFilterBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("filter: ", text.size(), " bytes; at most ", kMaxFilterBytes));
  }
  return Parser(text).Parse();
}

absl::Status CheckFilter(const std::vector<FilterField>& fields, FilterNode* node) {
  if (node->kind != FilterNode::Kind::kCompare) {
    for (FilterNode& child : node->children) HUB_RETURN_IF_ERROR(CheckFilter(fields, &child));
    return absl::OkStatus();
  }
  const size_t dot = node->field.find('.');
  const FilterField* spec = nullptr;
  for (const FilterField& f : fields) {
    if (f.prefix ? dot != std::string::npos && dot + 1 < node->field.size() &&
                       node->field.compare(0, dot, f.name) == 0
                 : node->field == f.name) {
      spec = &f;
      break;
    }
  }
  if (spec == nullptr) {
    std::vector<std::string> names;
    for (const FilterField& f : fields) names.push_back(f.prefix ? f.name + ".<name>" : f.name);
    return absl::InvalidArgumentError(absl::StrCat("filter: unknown field ", node->field,
                                                   "; filter on ", Choices(names)));
  }
  if (std::find(spec->ops.begin(), spec->ops.end(), node->op) == spec->ops.end()) {
    std::vector<std::string> ops;
    for (FilterOp op : spec->ops) ops.emplace_back(FilterOpName(op));
    return absl::InvalidArgumentError(absl::StrCat("filter: ", node->field, " takes ",
                                                   Choices(ops), ", not ",
                                                   FilterOpName(node->op)));
  }
  switch (spec->type) {
    case FilterField::Type::kString:
      break;
    case FilterField::Type::kEnum:
      if (std::find(spec->values.begin(), spec->values.end(), node->value) ==
          spec->values.end()) {
        return absl::InvalidArgumentError(absl::StrCat("filter: ", node->field, " is one of ",
                                                       Choices(spec->values), ", not ",
                                                       Quote(node->value)));
      }
      break;
    case FilterField::Type::kTimestamp: {
      std::string error;
      if (!absl::ParseTime(absl::RFC3339_full, node->value, &node->time, &error)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "filter: ", node->field, " takes an RFC 3339 time such as "
            "\"2024-03-01T00:00:00Z\", not ", Quote(node->value)));
      }
      break;
    }
  }
  return absl::OkStatus();
}

bool EvaluateFilter(const FilterNode& node,
                    absl::FunctionRef<std::string(absl::string_view field)> value) {
  switch (node.kind) {
    case FilterNode::Kind::kAnd:
      for (const FilterNode& child : node.children) {
        if (!EvaluateFilter(child, value)) return false;
      }
      return true;
    case FilterNode::Kind::kOr:
      for (const FilterNode& child : node.children) {
        if (EvaluateFilter(child, value)) return true;
      }
      return false;
    case FilterNode::Kind::kNot:
      return !EvaluateFilter(node.children[0], value);
    case FilterNode::Kind::kCompare:
      break;
  }
  const std::string actual = value(node.field);
  switch (node.op) {
    case FilterOp::kEq: return actual == node.value;
    case FilterOp::kNe: return actual != node.value;
    case FilterOp::kLt: return actual < node.value;
    case FilterOp::kLe: return actual <= node.value;
    case FilterOp::kGt: return actual > node.value;
    case FilterOp::kGe: return actual >= node.value;
    case FilterOp::kHas: return actual.find(node.value) != std::string::npos;
  }
  return false;
}

std::string FilterToString(const FilterNode& node) {
  switch (node.kind) {
    case FilterNode::Kind::kCompare:
      return absl::StrCat(node.field, " ", FilterOpName(node.op), " ", Quote(node.value));
    case FilterNode::Kind::kNot:
      // AIP-160 has no "NOT NOT": a negated negation keeps its parentheses.
      return node.children[0].kind == FilterNode::Kind::kNot
                 ? absl::StrCat("NOT (", FilterToString(node.children[0]), ")")
                 : absl::StrCat("NOT ", FilterToString(node.children[0]));
    case FilterNode::Kind::kAnd:
    case FilterNode::Kind::kOr: {
      std::vector<std::string> parts;
      for (const FilterNode& child : node.children) parts.push_back(FilterToString(child));
      return absl::StrCat(
          "(", absl::StrJoin(parts, node.kind == FilterNode::Kind::kAnd ? " AND " : " OR "),
          ")");
    }
  }
  return "";
}

}  // namespace hub
