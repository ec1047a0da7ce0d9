// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Filters: Expr and its constructors, the text language, the JSON form,
// and OrderBy. The `col(...)` builder is Python (slicekit/_builder.py) over
// the constructors here.
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "slicekit/expr.h"
#include "slicekit/filter_json.h"
#include "slicekit/filter_text.h"
#include "slicekit/order.h"
#include "src/python/bindings.h"

namespace slicekit::python {
namespace {

ColumnRef Ref(const std::string& column, std::optional<std::string> cls) {
  return ColumnRef{column, std::move(cls)};
}

CompareOp ParseOp(const std::string& op) {
  if (op == "=" || op == "==") return CompareOp::kEq;
  if (op == "!=" || op == "<>") return CompareOp::kNe;
  if (op == "<") return CompareOp::kLt;
  if (op == "<=") return CompareOp::kLe;
  if (op == ">") return CompareOp::kGt;
  if (op == ">=") return CompareOp::kGe;
  throw py::value_error(absl::StrCat("unknown comparison operator '", op,
                                     "' (use = != < <= > >=)"));
}

// Comparisons, BETWEEN, IN and IS NULL: the nodes with a column.
bool IsLeaf(const Expr& e) {
  switch (e.kind()) {
    case Expr::Kind::kCompare:
    case Expr::Kind::kBetween:
    case Expr::Kind::kIn:
    case Expr::Kind::kIsNull:
      return true;
    default:
      return false;
  }
}

const char* KindName(Expr::Kind kind) {
  switch (kind) {
    case Expr::Kind::kTrue:
      return "true";
    case Expr::Kind::kFalse:
      return "false";
    case Expr::Kind::kCompare:
      return "compare";
    case Expr::Kind::kBetween:
      return "between";
    case Expr::Kind::kIn:
      return "in";
    case Expr::Kind::kIsNull:
      return "is_null";
    case Expr::Kind::kAnd:
      return "and";
    case Expr::Kind::kOr:
      return "or";
    case Expr::Kind::kNot:
      return "not";
    case Expr::Kind::kInSlice:
      return "in_slice";
  }
  return "?";
}

std::vector<Literal> Literals(py::iterable values) {
  std::vector<Literal> out;
  for (py::handle v : values) out.push_back(ToLiteral(v));
  return out;
}

std::vector<Expr> Children(py::iterable children) {
  std::vector<Expr> out;
  for (py::handle c : children) out.push_back(ToExpr(c));
  return out;
}

py::object LiteralToPython(const Literal& literal) {
  switch (literal.kind()) {
    case Literal::Kind::kInt:
      return py::int_(literal.int_value());
    case Literal::Kind::kDouble:
      return py::float_(literal.double_value());
    case Literal::Kind::kString:
      return Decode(literal.string_value());
  }
  return py::none();
}

// The parts of an Expr node for the Python properties: a node without the
// part gives None (False, [] for negated, children) rather than raising, so
// a tree walker reads every node alike.
py::object ExprValues(const Expr& e) {
  py::list out;
  if (e.kind() == Expr::Kind::kIn) {
    for (const Literal& l : e.values()) {
      out.append(LiteralToPython(l));
    }
  } else if (e.kind() == Expr::Kind::kBetween) {
    out.append(LiteralToPython(e.low()));
    out.append(LiteralToPython(e.high()));
  } else {
    return py::none();
  }
  return out;
}

bool ExprNegated(const Expr& e) {
  switch (e.kind()) {
    case Expr::Kind::kBetween:
    case Expr::Kind::kIn:
    case Expr::Kind::kIsNull:
      return e.negated();
    default:
      return false;
  }
}

std::vector<Expr> ExprChildren(const Expr& e) {
  switch (e.kind()) {
    case Expr::Kind::kAnd:
    case Expr::Kind::kOr:
    case Expr::Kind::kNot:
      return e.children();
    default:
      return std::vector<Expr>{};
  }
}

void BindOrderBy(py::module_& m) {
  py::class_<OrderBy>(m, "OrderBy",
                      "One order key: a column and a direction. NULLs sort "
                      "last in both directions; ties break by data_row_id "
                      "ascending.")
      .def(py::init([](std::string column, bool descending) {
             return OrderBy{std::move(column), descending};
           }),
           py::arg("column"), py::arg("descending") = false)
      .def_readonly("column", &OrderBy::column)
      .def_readonly("descending", &OrderBy::descending)
      .def("__eq__",
           [](const OrderBy& a, const OrderBy& b) {
             return a.column == b.column && a.descending == b.descending;
           })
      .def("__hash__",
           [](const OrderBy& o) {
             return py::hash(py::make_tuple(o.column, o.descending));
           })
      .def("__repr__",
           [](const OrderBy& o) {
             return absl::StrCat(
                 "OrderBy(", py::repr(py::str(o.column)).cast<std::string>(),
                 o.descending ? ", descending=True)" : ")");
           })
      .def(py::pickle(
          [](const OrderBy& o) {
            return py::make_tuple(o.column, o.descending);
          },
          [](py::tuple t) {
            return OrderBy{t[0].cast<std::string>(), t[1].cast<bool>()};
          }));
}

// The static constructors, one per kind of node (col(...) builds on them).
void BindExprConstructors(py::class_<Expr>& expr) {
  expr.def(py::init<>(), "TRUE.")
      .def_static("true_", &Expr::True, "TRUE.")
      .def_static("false_", &Expr::False, "FALSE.")
      .def_static(
          "compare",
          [](const std::string& column, const std::string& op, py::handle value,
             std::optional<std::string> class_name) {
            return Expr::Compare(Ref(column, std::move(class_name)),
                                 ParseOp(op), ToLiteral(value));
          },
          py::arg("column"), py::arg("op"), py::arg("value"),
          py::arg("class_name") = py::none(),
          "column op value, op one of = != < <= > >=.")
      .def_static(
          "between",
          [](const std::string& column, py::handle low, py::handle high,
             bool negated, std::optional<std::string> class_name) {
            return Expr::Between(Ref(column, std::move(class_name)),
                                 ToLiteral(low), ToLiteral(high), negated);
          },
          py::arg("column"), py::arg("low"), py::arg("high"),
          py::arg("negated") = false, py::arg("class_name") = py::none(),
          "column [NOT] BETWEEN low AND high (inclusive).")
      .def_static(
          "isin",
          [](const std::string& column, py::iterable values, bool negated,
             std::optional<std::string> class_name) {
            return Expr::In(Ref(column, std::move(class_name)),
                            Literals(values), negated);
          },
          py::arg("column"), py::arg("values"), py::arg("negated") = false,
          py::arg("class_name") = py::none(), "column [NOT] IN (values...).")
      .def_static(
          "is_null",
          [](const std::string& column, bool negated,
             std::optional<std::string> class_name) {
            return Expr::IsNull(Ref(column, std::move(class_name)), negated);
          },
          py::arg("column"), py::arg("negated") = false,
          py::arg("class_name") = py::none(), "column IS [NOT] NULL.")
      .def_static(
          "and_",
          [](py::iterable children) { return Expr::And(Children(children)); },
          py::arg("children"), "AND of filters (or filter texts).")
      .def_static(
          "or_",
          [](py::iterable children) { return Expr::Or(Children(children)); },
          py::arg("children"), "OR of filters (or filter texts).")
      .def_static(
          "not_", [](py::handle child) { return Expr::Not(ToExpr(child)); },
          py::arg("child"), "NOT filter.")
      .def_static(
          "parse", [](py::handle text) { return ToExpr(text); },
          py::arg("text"), "Parses filter text (same as parse_filter).")
      .def_static(
          "from_json",
          [](const std::string& json) { return Value(FilterFromJson(json)); },
          py::arg("json"), "Reads the JSON form (same as filter_from_json).")
      .def(
          "to_json", [](const Expr& e) { return Decode(FilterToJson(e)); },
          "The JSON form: {\"version\":1,...}.");
}

// The parts of a node, for code that walks a filter tree.
void BindExprAccessors(py::class_<Expr>& expr) {
  expr.def_property_readonly(
          "kind", [](const Expr& e) { return KindName(e.kind()); },
          "'true', 'false', 'compare', 'between', 'in', 'is_null', 'and', "
          "'or', 'not' or 'in_slice'.")
      .def_property_readonly(
          "column",
          [](const Expr& e) -> py::object {
            if (!IsLeaf(e)) return py::none();
            return Decode(e.column().name);
          },
          "The column of a leaf (None for and/or/not/true/false).")
      .def_property_readonly(
          "class_name",
          [](const Expr& e) -> py::object {
            if (!IsLeaf(e) || !e.column().class_name.has_value()) {
              return py::none();
            }
            return Decode(*e.column().class_name);
          },
          "The class scope of a leaf (fp[car] -> 'car'), else None.")
      .def_property_readonly(
          "op",
          [](const Expr& e) -> py::object {
            if (e.kind() != Expr::Kind::kCompare) return py::none();
            return py::str(std::string(CompareOpSymbol(e.op())));
          },
          "The operator of a comparison, else None.")
      .def_property_readonly(
          "value",
          [](const Expr& e) -> py::object {
            if (e.kind() != Expr::Kind::kCompare) return py::none();
            return LiteralToPython(e.value());
          },
          "The value of a comparison, else None.")
      .def_property_readonly("values", &ExprValues,
                             "IN: the list; BETWEEN: [low, high]; else None.")
      .def_property_readonly("negated", &ExprNegated,
                             "NOT BETWEEN, NOT IN, IS NOT NULL.")
      .def_property_readonly("children", &ExprChildren,
                             "The operands of and/or/not.");
}

void BindExprOperators(py::class_<Expr>& expr) {
  // is_operator: another operand type returns NotImplemented, so that
  // `filter & col(...)` reaches Col.__rand__ (slicekit/_builder.py).
  expr.def(
          "__and__",
          [](const Expr& a, const Expr& b) {
            return Expr::And({a, b});
          },
          py::is_operator())
      .def(
          "__or__",
          [](const Expr& a, const Expr& b) {
            return Expr::Or({a, b});
          },
          py::is_operator())
      .def("__invert__", [](const Expr& a) { return Expr::Not(a); })
      .def(
          "__eq__", [](const Expr& a, const Expr& b) { return a == b; },
          py::is_operator())
      .def(
          "__ne__", [](const Expr& a, const Expr& b) { return !(a == b); },
          py::is_operator())
      .def("__hash__",
           [](const Expr& e) { return py::hash(Decode(e.ToString())); })
      .def("__str__", [](const Expr& e) { return Decode(e.ToString()); })
      .def("__repr__",
           [](const Expr& e) {
             return absl::StrCat(
                 "Expr(", py::repr(Decode(e.ToString())).cast<std::string>(),
                 ")");
           })
      .def("__bool__",
           [](const Expr&) -> bool {
             throw py::type_error(
                 "a slicekit.Expr has no truth value: combine filters with "
                 "& | ~ (not and/or/not) and put comparisons in parentheses, "
                 "e.g. (col('a') < 1) & (col('b') > 2)");
           })
      // Dask ships filters to workers: the JSON form is exact.
      .def(py::pickle([](const Expr& e) { return py::bytes(FilterToJson(e)); },
                      [](const py::bytes& json) {
                        return Value(FilterFromJson(std::string(json)));
                      }));
}

void BindExpr(py::module_& m) {
  py::class_<Expr> expr(
      m, "Expr",
      "An immutable filter: a predicate tree over named columns. Build one "
      "with col(...), parse_filter(text) or filter_from_json(json). "
      "str(expr) is the canonical filter text; & | ~ combine filters.");
  BindExprConstructors(expr);
  BindExprAccessors(expr);
  BindExprOperators(expr);
}

// The text language and the JSON form as module functions.
void BindFilterText(py::module_& m) {
  m.def(
      "parse_filter",
      [](py::handle text) {
        if (!PyUnicode_Check(text.ptr()) && !PyBytes_Check(text.ptr())) {
          throw py::type_error("filter text must be str or bytes");
        }
        return ToExpr(text);
      },
      py::arg("text"),
      "Parses the filter language (docs/filter-language.md), e.g. "
      "\"confidence < 0.5 AND fp[car] >= 1\". Errors are "
      "slicekit.InvalidArgumentError with the byte offset: \"at 13: "
      "expected a value after '<'\".");
  m.def(
      "format_filter", [](const Expr& e) { return Decode(FormatFilter(e)); },
      py::arg("expr"), "The canonical filter text (str(expr)).");
  m.def(
      "filter_to_json", [](const Expr& e) { return Decode(FilterToJson(e)); },
      py::arg("expr"), "The JSON form of a filter (docs/filter-json.md).");
  m.def(
      "filter_from_json",
      [](const std::string& json) { return Value(FilterFromJson(json)); },
      py::arg("json"),
      "Reads the JSON form; errors name the JSON path of the problem.");
  m.attr("MAX_FILTER_DEPTH") = kMaxFilterDepth;
  m.attr("MAX_FILTER_INPUT_BYTES") = kMaxFilterInputBytes;
}

}  // namespace

void BindFilters(py::module_& m) {
  BindOrderBy(m);
  BindExpr(m);
  BindFilterText(m);
}

}  // namespace slicekit::python
