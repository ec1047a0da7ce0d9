// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// The JSON form of a filter (docs/filter-json.md). nlohmann/json stays in
// this file; its exceptions are caught here and never leave the API.
#include "slicekit/filter_json.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "slicekit/expr.h"
#include "src/filter/number_literal.h"
#include "src/util/status_macros.h"
#include "src/util/utf8_text.h"

namespace slicekit {
namespace {

// Ordered, so documents keep "version" before "filter" and "op" first.
using Json = nlohmann::ordered_json;

// The deepest JSON nesting a valid filter document can have: the document,
// the root node, an "args" array and a node per level below it, then an
// "in" node's "values" array holding a {"number": ...} object.
constexpr int kMaxJsonDepth = 2 * kMaxFilterDepth + 4;

// ---------------------------------------------------------------------------
// Writing

Json LiteralToJson(const Literal& literal) {
  switch (literal.kind()) {
    case Literal::Kind::kInt:
      return Json(literal.int_value());
    case Literal::Kind::kDouble:
      if (std::isfinite(literal.double_value())) {
        return Json(literal.double_value());
      }
      // JSON numbers cannot be infinite or NaN: spell them as the filter
      // language does ("1e999", "-1e999", "nan").
      return Json::object({{"number", literal.ToString()}});
    case Literal::Kind::kString:
      return Json(literal.string_value());
  }
  return Json();
}

// One row per operator: its JSON name, the node it makes, and the fields
// such a node may have. Both the writer and the reader use it.
struct OpSpec {
  absl::string_view name;
  Expr::Kind kind;
  CompareOp compare;  // for kCompare
  std::vector<absl::string_view> fields;
};

const std::vector<OpSpec>& OpSpecs() {
  using K = Expr::Kind;
  using C = CompareOp;
  static const auto* const kSpecs = new std::vector<OpSpec>{
      {"true", K::kTrue, C::kEq, {"op"}},
      {"false", K::kFalse, C::kEq, {"op"}},
      {"=", K::kCompare, C::kEq, {"op", "column", "class", "value"}},
      {"!=", K::kCompare, C::kNe, {"op", "column", "class", "value"}},
      {"<", K::kCompare, C::kLt, {"op", "column", "class", "value"}},
      {"<=", K::kCompare, C::kLe, {"op", "column", "class", "value"}},
      {">", K::kCompare, C::kGt, {"op", "column", "class", "value"}},
      {">=", K::kCompare, C::kGe, {"op", "column", "class", "value"}},
      {"between",
       K::kBetween,
       C::kEq,
       {"op", "column", "class", "low", "high", "negated"}},
      {"in", K::kIn, C::kEq, {"op", "column", "class", "values", "negated"}},
      {"is_null", K::kIsNull, C::kEq, {"op", "column", "class", "negated"}},
      {"and", K::kAnd, C::kEq, {"op", "args"}},
      {"or", K::kOr, C::kEq, {"op", "args"}},
      {"not", K::kNot, C::kEq, {"op", "arg"}},
      {"in_slice", K::kInSlice, C::kEq, {"op", "slice", "id"}},
  };
  return *kSpecs;
}

// Returns the row for JSON operator `name`, or nullptr.
const OpSpec* FindOp(absl::string_view name) {
  for (const OpSpec& spec : OpSpecs()) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

// Returns the JSON operator of `expr`'s root.
absl::string_view OpName(const Expr& expr) {
  for (const OpSpec& spec : OpSpecs()) {
    if (spec.kind == expr.kind() &&
        (spec.kind != Expr::Kind::kCompare || spec.compare == expr.op())) {
      return spec.name;
    }
  }
  return "";
}

Json ExprToJson(const Expr& expr) {
  Json node = Json::object();
  node["op"] = std::string(OpName(expr));
  switch (expr.kind()) {
    case Expr::Kind::kTrue:
    case Expr::Kind::kFalse:
      return node;
    case Expr::Kind::kAnd:
    case Expr::Kind::kOr: {
      Json args = Json::array();
      for (const Expr& child : expr.children()) {
        args.push_back(ExprToJson(child));
      }
      node["args"] = std::move(args);
      return node;
    }
    case Expr::Kind::kNot:
      node["arg"] = ExprToJson(expr.children()[0]);
      return node;
    case Expr::Kind::kInSlice:
      node["slice"] = expr.slice().name;
      if (!expr.slice().id.empty()) node["id"] = expr.slice().id;
      return node;
    case Expr::Kind::kCompare:
    case Expr::Kind::kBetween:
    case Expr::Kind::kIn:
    case Expr::Kind::kIsNull:
      break;
  }
  node["column"] = expr.column().name;
  if (expr.column().class_name.has_value()) {
    node["class"] = *expr.column().class_name;
  }
  switch (expr.kind()) {
    case Expr::Kind::kCompare:
      node["value"] = LiteralToJson(expr.value());
      break;
    case Expr::Kind::kBetween:
      node["low"] = LiteralToJson(expr.low());
      node["high"] = LiteralToJson(expr.high());
      node["negated"] = expr.negated();
      break;
    case Expr::Kind::kIn: {
      Json values = Json::array();
      for (const Literal& value : expr.values()) {
        values.push_back(LiteralToJson(value));
      }
      node["values"] = std::move(values);
      node["negated"] = expr.negated();
      break;
    }
    case Expr::Kind::kIsNull:
      node["negated"] = expr.negated();
      break;
    default:
      break;
  }
  return node;
}

// ---------------------------------------------------------------------------
// Reading

// A JSON path built on the stack as the reader descends, rendered only for
// an error message: "filter.args[1].op".
struct Path {
  const Path* parent = nullptr;
  absl::string_view field;  // set for an object member
  size_t index = 0;         // otherwise an array element

  Path Field(absl::string_view name) const { return Path{this, name, 0}; }
  Path Index(size_t i) const { return Path{this, "", i}; }

  std::string ToString() const {
    if (parent == nullptr) return "";
    std::string out = parent->ToString();
    if (!field.empty()) {
      if (!out.empty()) out.push_back('.');
      absl::StrAppend(&out, field);
    } else {
      absl::StrAppend(&out, "[", index, "]");
    }
    return out;
  }
};

absl::Status ErrorAt(const Path& path, absl::string_view message) {
  const std::string where = path.ToString();
  if (where.empty()) return absl::InvalidArgumentError(message);
  return absl::InvalidArgumentError(absl::StrCat(where, ": ", message));
}

// Describes a JSON value for an error message: its text if short and scalar.
std::string Describe(const Json& value) {
  if (value.is_object()) return "an object";
  if (value.is_array()) return "an array";
  std::string text = value.dump(-1, ' ', false, Json::error_handler_t::replace);
  constexpr size_t kMaxShown = 40;
  if (text.size() > kMaxShown) {
    text = absl::StrCat(internal::Utf8Prefix(text, kMaxShown), "...");
  }
  return text;
}

absl::Status TypeError(const Path& path, absl::string_view expected,
                       const Json& value) {
  return ErrorAt(
      path, absl::StrCat("expected ", expected, ", got ", Describe(value)));
}

// Returns the member `name` of `object`, or nullptr.
const Json* FindField(const Json& object, absl::string_view name) {
  const auto it = object.find(std::string(name));
  return it == object.end() ? nullptr : &*it;
}

absl::StatusOr<const Json*> RequireField(const Json& object, const Path& path,
                                         absl::string_view name) {
  const Json* field = FindField(object, name);
  if (field == nullptr) {
    return ErrorAt(path, absl::StrCat("missing field '", name, "'"));
  }
  return field;
}

// Fails on the first member of `object` not in `allowed`.
absl::Status CheckFields(const Json& object, const Path& path,
                         const std::vector<absl::string_view>& allowed,
                         absl::string_view op) {
  for (const auto& [key, value] : object.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string message =
          absl::StrCat("unknown field '", internal::EscapeForMessage(key), "'");
      if (!op.empty()) absl::StrAppend(&message, " for operator '", op, "'");
      return ErrorAt(path, message);
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Literal> ReadLiteral(const Json& json, const Path& path) {
  if (json.is_number_unsigned()) {
    const uint64_t value = json.get<uint64_t>();
    if (value <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return Literal(static_cast<int64_t>(value));
    }
    // Rounds to nearest, as the filter language does with "1e19".
    return Literal(static_cast<double>(value));
  }
  if (json.is_number_integer()) return Literal(json.get<int64_t>());
  if (json.is_number_float()) return Literal(json.get<double>());
  if (json.is_string()) return Literal(json.get<std::string>());
  if (json.is_object()) {
    SLICEKIT_RETURN_IF_ERROR(CheckFields(json, path, {"number"}, ""));
    const Path number_path = path.Field("number");
    SLICEKIT_ASSIGN_OR_RETURN(const Json* number,
                              RequireField(json, path, "number"));
    if (!number->is_string()) {
      return TypeError(number_path, "a string", *number);
    }
    const std::string& text = number->get_ref<const std::string&>();
    if (text == "nan") {
      return Literal(std::numeric_limits<double>::quiet_NaN())
          .WithSpelling(text);
    }
    std::optional<Literal> literal = internal::NumberLiteralFromText(text);
    if (!literal.has_value()) {
      return TypeError(number_path, "a number such as \"1e999\"", *number);
    }
    return literal->WithSpelling(text);
  }
  return TypeError(path, "a number, a string or {\"number\": \"...\"}", json);
}

absl::StatusOr<ColumnRef> ReadColumn(const Json& node, const Path& path) {
  ColumnRef column;
  SLICEKIT_ASSIGN_OR_RETURN(const Json* name,
                            RequireField(node, path, "column"));
  if (!name->is_string()) {
    return TypeError(path.Field("column"), "a string", *name);
  }
  column.name = name->get<std::string>();
  if (const Json* class_name = FindField(node, "class")) {
    if (!class_name->is_string()) {
      return TypeError(path.Field("class"), "a string", *class_name);
    }
    column.class_name = class_name->get<std::string>();
  }
  return column;
}

absl::StatusOr<bool> ReadNegated(const Json& node, const Path& path) {
  const Json* negated = FindField(node, "negated");
  if (negated == nullptr) return false;
  if (!negated->is_boolean()) {
    return TypeError(path.Field("negated"), "a boolean", *negated);
  }
  return negated->get<bool>();
}

// Reads the node at `path`; `depth` counts the and/or/not nodes above it.
// Recursion is bounded: the document was checked to nest at most
// kMaxJsonDepth levels, and `depth` stops at kMaxFilterDepth.
absl::StatusOr<Expr> ReadNode(const Json& node, const Path& path, int depth) {
  if (!node.is_object()) return TypeError(path, "an object", node);
  SLICEKIT_ASSIGN_OR_RETURN(const Json* op_json,
                            RequireField(node, path, "op"));
  const Path op_path = path.Field("op");
  if (!op_json->is_string()) return TypeError(op_path, "a string", *op_json);
  const std::string& op = op_json->get_ref<const std::string&>();
  const OpSpec* spec = FindOp(op);
  if (spec == nullptr) {
    return ErrorAt(op_path, absl::StrCat("unknown operator '",
                                         internal::EscapeForMessage(op), "'"));
  }
  SLICEKIT_RETURN_IF_ERROR(CheckFields(node, path, spec->fields, op));

  if (spec->kind == Expr::Kind::kTrue) return Expr::True();
  if (spec->kind == Expr::Kind::kFalse) return Expr::False();
  if (spec->kind == Expr::Kind::kInSlice) {
    SliceRef ref;
    SLICEKIT_ASSIGN_OR_RETURN(const Json* name,
                              RequireField(node, path, "slice"));
    if (!name->is_string()) {
      return TypeError(path.Field("slice"), "a string", *name);
    }
    ref.name = name->get<std::string>();
    if (const Json* id = FindField(node, "id")) {
      if (!id->is_string()) return TypeError(path.Field("id"), "a string", *id);
      ref.id = id->get<std::string>();
    }
    return Expr::InSlice(std::move(ref));
  }
  const bool is_not = spec->kind == Expr::Kind::kNot;
  if (is_not || spec->kind == Expr::Kind::kAnd ||
      spec->kind == Expr::Kind::kOr) {
    if (depth + 1 > kMaxFilterDepth) {
      return ErrorAt(path, absl::StrCat("filter nested deeper than ",
                                        kMaxFilterDepth, " levels"));
    }
    if (is_not) {
      SLICEKIT_ASSIGN_OR_RETURN(const Json* arg,
                                RequireField(node, path, "arg"));
      SLICEKIT_ASSIGN_OR_RETURN(Expr child,
                                ReadNode(*arg, path.Field("arg"), depth + 1));
      return Expr::Not(std::move(child));
    }
    SLICEKIT_ASSIGN_OR_RETURN(const Json* args,
                              RequireField(node, path, "args"));
    const Path args_path = path.Field("args");
    if (!args->is_array()) return TypeError(args_path, "an array", *args);
    std::vector<Expr> children;
    children.reserve(args->size());
    for (size_t i = 0; i < args->size(); ++i) {
      SLICEKIT_ASSIGN_OR_RETURN(
          Expr child, ReadNode((*args)[i], args_path.Index(i), depth + 1));
      children.push_back(std::move(child));
    }
    return spec->kind == Expr::Kind::kAnd ? Expr::And(std::move(children))
                                          : Expr::Or(std::move(children));
  }

  // The leaves with a column.
  SLICEKIT_ASSIGN_OR_RETURN(ColumnRef column, ReadColumn(node, path));
  if (spec->kind == Expr::Kind::kCompare) {
    SLICEKIT_ASSIGN_OR_RETURN(const Json* value,
                              RequireField(node, path, "value"));
    SLICEKIT_ASSIGN_OR_RETURN(Literal literal,
                              ReadLiteral(*value, path.Field("value")));
    return Expr::Compare(std::move(column), spec->compare, std::move(literal));
  }
  SLICEKIT_ASSIGN_OR_RETURN(const bool negated, ReadNegated(node, path));
  if (spec->kind == Expr::Kind::kBetween) {
    SLICEKIT_ASSIGN_OR_RETURN(const Json* low, RequireField(node, path, "low"));
    SLICEKIT_ASSIGN_OR_RETURN(const Json* high,
                              RequireField(node, path, "high"));
    SLICEKIT_ASSIGN_OR_RETURN(Literal low_value,
                              ReadLiteral(*low, path.Field("low")));
    SLICEKIT_ASSIGN_OR_RETURN(Literal high_value,
                              ReadLiteral(*high, path.Field("high")));
    return Expr::Between(std::move(column), std::move(low_value),
                         std::move(high_value), negated);
  }
  if (spec->kind == Expr::Kind::kIn) {
    SLICEKIT_ASSIGN_OR_RETURN(const Json* values,
                              RequireField(node, path, "values"));
    const Path values_path = path.Field("values");
    if (!values->is_array()) {
      return TypeError(values_path, "an array", *values);
    }
    std::vector<Literal> literals;
    literals.reserve(values->size());
    for (size_t i = 0; i < values->size(); ++i) {
      SLICEKIT_ASSIGN_OR_RETURN(
          Literal literal, ReadLiteral((*values)[i], values_path.Index(i)));
      literals.push_back(std::move(literal));
    }
    return Expr::In(std::move(column), std::move(literals), negated);
  }
  return Expr::IsNull(std::move(column), negated);
}

// Rejects documents nested deeper than any filter needs before nlohmann
// builds (and later destroys) the tree. Scans brackets outside strings.
absl::Status CheckJsonNesting(absl::string_view json) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) {
        return absl::InvalidArgumentError(absl::StrCat(
            "at byte ", i, ": JSON nested deeper than ", kMaxJsonDepth,
            " levels (a filter nests at most ", kMaxFilterDepth, ")"));
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return absl::OkStatus();
}

// Finds the first duplicated member name while nlohmann parses (it would
// silently keep the last one). Tracks the path to the current value.
class DuplicateFieldFinder {
 public:
  bool operator()(int /*depth*/, Json::parse_event_t event, Json& parsed) {
    switch (event) {
      case Json::parse_event_t::object_start:
      case Json::parse_event_t::array_start:
      case Json::parse_event_t::value:
        if (!stack_.empty() && stack_.back().is_array) {
          stack_.back().index = stack_.back().count++;
        }
        if (event != Json::parse_event_t::value) {
          stack_.emplace_back();
          stack_.back().is_array = event == Json::parse_event_t::array_start;
        }
        break;
      case Json::parse_event_t::key: {
        Frame& frame = stack_.back();
        frame.key = parsed.get<std::string>();
        if (!frame.keys.insert(frame.key).second && error_.empty()) {
          error_ = absl::StrCat("duplicate field '",
                                internal::EscapeForMessage(frame.key), "'");
          const std::string where = ObjectPath();
          if (!where.empty()) error_ = absl::StrCat(where, ": ", error_);
        }
        break;
      }
      case Json::parse_event_t::object_end:
      case Json::parse_event_t::array_end:
        stack_.pop_back();
        break;
    }
    return true;
  }

  // Empty if no member name repeated.
  const std::string& error() const { return error_; }

 private:
  struct Frame {
    bool is_array = false;
    size_t count = 0;  // arrays: elements started so far
    size_t index = 0;  // arrays: the current element
    std::string key;   // objects: the current member
    absl::flat_hash_set<std::string> keys;
  };

  // The path of the innermost open object.
  std::string ObjectPath() const {
    std::string out;
    for (size_t i = 0; i + 1 < stack_.size(); ++i) {
      if (stack_[i].is_array) {
        absl::StrAppend(&out, "[", stack_[i].index, "]");
      } else {
        absl::StrAppend(&out, out.empty() ? "" : ".",
                        internal::EscapeForMessage(stack_[i].key));
      }
    }
    return out;
  }

  std::vector<Frame> stack_;
  std::string error_;
};

// Turns nlohmann's "[json.exception.parse_error.101] parse error at line 1,
// column 2: syntax error ..." into "at byte 1: syntax error ...", with the
// 0-based offset of the byte where parsing failed.
absl::Status MalformedJsonError(const Json::parse_error& error) {
  absl::string_view what = error.what();
  const size_t column = what.find("column ");
  const size_t colon =
      column == absl::string_view::npos ? column : what.find(": ", column);
  if (colon != absl::string_view::npos) what.remove_prefix(colon + 2);
  const size_t offset = error.byte > 0 ? error.byte - 1 : 0;
  return absl::InvalidArgumentError(
      absl::StrCat("at byte ", offset, ": ", what));
}

absl::StatusOr<Expr> ReadDocument(absl::string_view text) {
  if (text.size() > kMaxFilterInputBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("filter JSON is ", text.size(), " bytes; the limit is ",
                     kMaxFilterInputBytes));
  }
  SLICEKIT_RETURN_IF_ERROR(CheckJsonNesting(text));
  DuplicateFieldFinder duplicates;
  Json document;
  try {
    document = Json::parse(text.begin(), text.end(), std::ref(duplicates));
  } catch (const Json::parse_error& error) {
    return MalformedJsonError(error);
  } catch (const Json::out_of_range& error) {
    // Number overflow ("1e999"): nlohmann reports no position.
    absl::string_view what = error.what();
    const size_t bracket = what.find("] ");
    if (bracket != absl::string_view::npos) what.remove_prefix(bracket + 2);
    return absl::InvalidArgumentError(absl::StrCat(
        what, "; write an infinite value as {\"number\": \"1e999\"}"));
  }
  if (!duplicates.error().empty()) {
    return absl::InvalidArgumentError(duplicates.error());
  }

  const Path root;
  if (!document.is_object()) return TypeError(root, "an object", document);
  SLICEKIT_RETURN_IF_ERROR(
      CheckFields(document, root, {"version", "filter"}, ""));
  SLICEKIT_ASSIGN_OR_RETURN(const Json* version,
                            RequireField(document, root, "version"));
  const Path version_path = root.Field("version");
  if (!version->is_number_integer()) {
    return TypeError(version_path, "an integer", *version);
  }
  const bool supported =
      version->is_number_unsigned()
          ? version->get<uint64_t>() == uint64_t{kFilterJsonVersion}
          : version->get<int64_t>() == kFilterJsonVersion;
  if (!supported) {
    return ErrorAt(
        version_path,
        absl::StrCat("unsupported version ", version->dump(),
                     " (this build reads ", kFilterJsonVersion, ")"));
  }
  SLICEKIT_ASSIGN_OR_RETURN(const Json* filter,
                            RequireField(document, root, "filter"));
  return ReadNode(*filter, root.Field("filter"), 0);
}

}  // namespace

std::string FilterToJson(const Expr& expr) {
  Json document = Json::object();
  document["version"] = kFilterJsonVersion;
  document["filter"] = ExprToJson(expr);
  // Strings are bytes; JSON needs UTF-8. Invalid sequences become U+FFFD
  // rather than throwing (documented: such filters do not round-trip).
  return document.dump(-1, ' ', false, Json::error_handler_t::replace);
}

absl::StatusOr<Expr> FilterFromJson(absl::string_view json) {
  try {
    return ReadDocument(json);
  } catch (const Json::exception& error) {
    // ReadDocument checks every type before reading a value; this is a
    // backstop so that no exception crosses the API.
    return absl::InternalError(
        absl::StrCat("unexpected JSON error: ", error.what()));
  }
}

}  // namespace slicekit
