// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Test helper: parses the report's HTML and SVG as XML with libxml2 (so a
// test fails on markup that is not well-formed) and queries it with XPath.
// SVG elements are in the "svg" namespace prefix: //svg:rect.
#ifndef SLICEKIT_TESTS_REPORT_XML_H_
#define SLICEKIT_TESTS_REPORT_XML_H_

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "libxml/parser.h"
#include "libxml/tree.h"
#include "libxml/xpath.h"
#include "libxml/xpathInternals.h"

namespace slicekit::testing {

class XmlDoc {
 public:
  // Parses `text` strictly (no network, no entity expansion beyond XML's
  // own); an error names the line and libxml2's message.
  static absl::StatusOr<XmlDoc> Parse(absl::string_view text) {
    xmlParserCtxtPtr context = xmlNewParserCtxt();
    xmlDocPtr doc = xmlCtxtReadMemory(
        context, text.data(), static_cast<int>(text.size()), "report.html",
        "UTF-8", XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (doc == nullptr || !context->wellFormed) {
      const std::string message = absl::StrCat(
          "line ", context->lastError.line, ": ",
          context->lastError.message != nullptr ? context->lastError.message
                                                : "not well-formed");
      if (doc != nullptr) xmlFreeDoc(doc);
      xmlFreeParserCtxt(context);
      return absl::InvalidArgumentError(message);
    }
    xmlFreeParserCtxt(context);
    return XmlDoc(doc);
  }

  // The nodes (elements or attributes) matching `xpath`, below `context`
  // (the document when null).
  std::vector<xmlNodePtr> Nodes(const std::string& xpath,
                                xmlNodePtr context = nullptr) const {
    std::vector<xmlNodePtr> nodes;
    xmlXPathContextPtr xpath_context = xmlXPathNewContext(doc_.get());
    xmlXPathRegisterNs(xpath_context, BAD_CAST "svg",
                       BAD_CAST "http://www.w3.org/2000/svg");
    if (context != nullptr) xpath_context->node = context;
    xmlXPathObjectPtr result = xmlXPathEvalExpression(
        reinterpret_cast<const xmlChar*>(xpath.c_str()), xpath_context);
    EXPECT_NE(result, nullptr) << "bad XPath " << xpath;
    if (result != nullptr && result->nodesetval != nullptr) {
      for (int i = 0; i < result->nodesetval->nodeNr; ++i) {
        nodes.push_back(result->nodesetval->nodeTab[i]);
      }
    }
    xmlXPathFreeObject(result);
    xmlXPathFreeContext(xpath_context);
    return nodes;
  }

  // The text content of the only node matching `xpath` (an attribute's
  // value, an element's text); fails the test unless exactly one matches.
  std::string Text(const std::string& xpath,
                   xmlNodePtr context = nullptr) const {
    const std::vector<xmlNodePtr> nodes = Nodes(xpath, context);
    EXPECT_EQ(nodes.size(), 1u) << xpath;
    return nodes.size() == 1 ? Content(nodes[0]) : "";
  }

  static std::string Content(xmlNodePtr node) {
    xmlChar* content = xmlNodeGetContent(node);
    std::string text =
        content == nullptr ? "" : reinterpret_cast<const char*>(content);
    xmlFree(content);
    return text;
  }

  static std::string Attribute(xmlNodePtr node, const char* name) {
    xmlChar* value = xmlGetProp(node, BAD_CAST name);
    std::string text =
        value == nullptr ? "" : reinterpret_cast<const char*>(value);
    xmlFree(value);
    return text;
  }

  static double Number(xmlNodePtr node, const char* name) {
    return std::strtod(Attribute(node, name).c_str(), nullptr);
  }

 private:
  struct Free {
    void operator()(xmlDocPtr doc) const { xmlFreeDoc(doc); }
  };
  explicit XmlDoc(xmlDocPtr doc) : doc_(doc) {}
  std::unique_ptr<xmlDoc, Free> doc_;
};

}  // namespace slicekit::testing

#endif  // SLICEKIT_TESTS_REPORT_XML_H_
