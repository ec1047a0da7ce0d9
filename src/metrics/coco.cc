// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// The COCO importer reads its two files with simdjson's DOM API, not with
// nlohmann/json (which the NDJSON importer, the filter JSON and the CLI
// use): one JSON library per job. COCO files are bulk input, tens to
// hundreds of MB, and nlohmann/json's parse dominated `slicekit eval`
// (bench/metrics_benchmark.cc, BM_ImportCoco); simdjson parses the same text
// several times faster. simdjson is a private dependency, used without
// exceptions (error codes only), and it reports no position for a syntax
// error, so LocateSyntaxError() finds the byte offset on that (cold) path.
#include "slicekit/coco.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "simdjson.h"
#include "slicekit/metrics.h"
#include "src/metrics/coco_rle.h"
#include "src/util/file_buffer.h"

namespace slicekit {
namespace {

using Element = simdjson::dom::element;
using Type = simdjson::dom::element_type;

// Collects the error of the record being read. Every field of a record is
// checked before any of it is kept, so a bad record is either the import's
// error (strict) or skipped whole (lenient).
struct Context {
  Context(absl::string_view source_name, absl::string_view list_name,
          size_t record_index)
      : source(source_name), list(list_name), index(record_index) {}
  absl::string_view source;  // "gt.json"
  absl::string_view list;    // "annotations"; empty for the results list
  size_t index;
  std::optional<int64_t> id;  // once read
  std::string error;          // empty while the record is good

  // "annotations[17] (id 40)", built only for an error.
  std::string Record() const {
    std::string record = absl::StrCat(list, "[", index, "]");
    if (id) absl::StrAppend(&record, " (id ", *id, ")");
    return record;
  }

  bool Fail(absl::string_view field, absl::string_view problem) {
    if (error.empty()) {
      error = absl::StrCat(source, ": ", Record(), ": ", field, ": ", problem);
    }
    return false;
  }
};

// ---- Locating a syntax error ----

// A strict RFC 8259 scanner (with simdjson's limits: UTF-8 text, depth
// 1024, finite numbers) that returns the byte offset of the first error.
// Runs only after simdjson has rejected the text.
class SyntaxLocator {
 public:
  explicit SyntaxLocator(std::string_view text) : t_(text) {}

  // The offset of the first error, or the text's size when none is found.
  size_t Locate() {
    if (!Utf8Valid()) return pos_;
    pos_ = 0;
    SkipSpace();
    if (!Value(0)) return pos_;
    SkipSpace();
    return pos_;  // == size() unless there is trailing content
  }

 private:
  bool Utf8Valid() {
    const auto* s = reinterpret_cast<const unsigned char*>(t_.data());
    const size_t n = t_.size();
    for (size_t i = 0; i < n;) {
      pos_ = i;
      const unsigned c = s[i];
      size_t len = 0;
      unsigned cp = 0;
      if (c < 0x80) {
        ++i;
        continue;
      } else if ((c & 0xE0) == 0xC0) {
        len = 2, cp = c & 0x1F;
      } else if ((c & 0xF0) == 0xE0) {
        len = 3, cp = c & 0x0F;
      } else if ((c & 0xF8) == 0xF0) {
        len = 4, cp = c & 0x07;
      } else {
        return false;
      }
      if (i + len > n) return false;
      for (size_t k = 1; k < len; ++k) {
        if ((s[i + k] & 0xC0) != 0x80) return false;
        cp = (cp << 6) | (s[i + k] & 0x3F);
      }
      static constexpr unsigned kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
      if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return false;
      }
      i += len;
    }
    pos_ = n;
    return true;
  }

  void SkipSpace() {
    while (pos_ < t_.size() && (t_[pos_] == ' ' || t_[pos_] == '\t' ||
                                t_[pos_] == '\n' || t_[pos_] == '\r')) {
      ++pos_;
    }
  }
  bool Literal(std::string_view word) {
    if (t_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }
  bool Value(int depth) {
    if (pos_ >= t_.size()) return false;
    switch (t_[pos_]) {
      case '{':
      case '[':
        return Container(depth + 1);
      case '"':
        return String();
      case 't':
        return Literal("true");
      case 'f':
        return Literal("false");
      case 'n':
        return Literal("null");
      default:
        return Number();
    }
  }
  bool Container(int depth) {
    if (depth > static_cast<int>(simdjson::DEFAULT_MAX_DEPTH)) return false;
    const bool object = t_[pos_] == '{';
    const char close = object ? '}' : ']';
    ++pos_;
    SkipSpace();
    if (pos_ < t_.size() && t_[pos_] == close) {
      ++pos_;
      return true;
    }
    while (true) {
      if (object) {
        if (pos_ >= t_.size() || t_[pos_] != '"' || !String()) return false;
        SkipSpace();
        if (pos_ >= t_.size() || t_[pos_] != ':') return false;
        ++pos_;
        SkipSpace();
      }
      if (!Value(depth)) return false;
      SkipSpace();
      if (pos_ >= t_.size()) return false;
      if (t_[pos_] == close) {
        ++pos_;
        return true;
      }
      if (t_[pos_] != ',') return false;
      ++pos_;
      SkipSpace();
    }
  }
  bool String() {
    ++pos_;  // the opening quote
    while (pos_ < t_.size()) {
      const unsigned char c = static_cast<unsigned char>(t_[pos_]);
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c < 0x20) return false;
      if (c != '\\') {
        ++pos_;
        continue;
      }
      if (++pos_ >= t_.size()) return false;
      const char e = t_[pos_];
      if (e == 'u') {
        for (int k = 1; k <= 4; ++k) {
          if (pos_ + k >= t_.size() ||
              !std::isxdigit(static_cast<unsigned char>(t_[pos_ + k]))) {
            return false;
          }
        }
        pos_ += 5;
      } else if (std::strchr("\"\\/bfnrt", e) != nullptr && e != '\0') {
        ++pos_;
      } else {
        return false;
      }
    }
    return false;
  }
  bool Number() {
    const size_t start = pos_;
    auto digits = [&] {
      const size_t from = pos_;
      while (pos_ < t_.size() && t_[pos_] >= '0' && t_[pos_] <= '9') ++pos_;
      return pos_ > from;
    };
    if (pos_ < t_.size() && t_[pos_] == '-') ++pos_;
    if (pos_ < t_.size() && t_[pos_] == '0') {
      ++pos_;
    } else if (!digits()) {
      return false;
    }
    if (pos_ < t_.size() && t_[pos_] == '.') {
      ++pos_;
      if (!digits()) return false;
    }
    if (pos_ < t_.size() && (t_[pos_] == 'e' || t_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < t_.size() && (t_[pos_] == '+' || t_[pos_] == '-')) ++pos_;
      if (!digits()) return false;
    }
    double v = 0;
    const auto [end, ec] =
        std::from_chars(t_.data() + start, t_.data() + pos_, v);
    if (ec != std::errc() || !std::isfinite(v)) {
      pos_ = start;
      return false;
    }
    return true;
  }

  std::string_view t_;
  size_t pos_ = 0;
};

absl::Status ParseError(absl::string_view source, absl::string_view text,
                        simdjson::error_code error) {
  const size_t offset =
      SyntaxLocator(std::string_view(text.data(), text.size())).Locate();
  return absl::InvalidArgumentError(
      absl::StrCat(source, ": malformed JSON at byte ", offset, ": ",
                   simdjson::error_message(error)));
}

// Parses `text` into `*root`, which lives as long as `parser`. `padded`:
// SIMDJSON_PADDING readable bytes follow the text, so simdjson parses it in
// place instead of copying it.
absl::Status Parse(simdjson::dom::parser& parser, absl::string_view text,
                   absl::string_view source, Element* root,
                   bool padded = false) {
  simdjson::error_code error =
      parser.parse(text.data(), text.size(), !padded).get(*root);
  if (error != simdjson::SUCCESS) return ParseError(source, text, error);
  return absl::OkStatus();
}

// ---- Field readers ----

std::string Dump(const Element& value) {
  std::string text = simdjson::to_string(value);
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return text;
}

// The value of `field` in `object`: the last one when the key repeats, as
// nlohmann/json (the other importers' parser) keeps it.
std::optional<Element> Find(const simdjson::dom::object& object,
                            std::string_view field) {
  std::optional<Element> found;
  for (const simdjson::dom::key_value_pair& kv : object) {
    if (kv.key == field) found = kv.value;
  }
  return found;
}

bool IsNumber(const Element& e) {
  const Type t = e.type();
  return t == Type::INT64 || t == Type::UINT64 || t == Type::DOUBLE;
}

double NumberValue(const Element& e) {
  double d = 0;
  if (e.get_double().get(d) != simdjson::SUCCESS) return 0;
  return d;
}

bool GetInt(const simdjson::dom::object& object, const char* field,
            bool required, int64_t* out, Context* ctx) {
  std::optional<Element> v = Find(object, field);
  if (!v) {
    if (required) return ctx->Fail(field, "missing required field");
    return true;
  }
  if (v->get_int64().get(*out) == simdjson::SUCCESS) return true;
  if (v->type() == Type::DOUBLE) {
    const double d = NumberValue(*v);
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9e15) {
      *out = static_cast<int64_t>(d);
      return true;
    }
  }
  return ctx->Fail(field, absl::StrCat("not an integer (", Dump(*v), ")"));
}

bool GetOptionalString(const simdjson::dom::object& object, const char* field,
                       std::optional<std::string>* out, Context* ctx) {
  std::optional<Element> v = Find(object, field);
  if (!v || v->is_null()) return true;
  std::string_view s;
  if (v->get_string().get(s) != simdjson::SUCCESS) {
    return ctx->Fail(field, absl::StrCat("not a string (", Dump(*v), ")"));
  }
  *out = std::string(s);
  return true;
}

bool GetBox(const simdjson::dom::object& object, Box* box, Context* ctx) {
  std::optional<Element> v = Find(object, "bbox");
  if (!v) return ctx->Fail("bbox", "missing required field");
  simdjson::dom::array array;
  if (v->get_array().get(array) != simdjson::SUCCESS || array.size() != 4) {
    return ctx->Fail(
        "bbox", absl::StrCat("not an array of 4 numbers (", Dump(*v), ")"));
  }
  double c[4];
  static constexpr const char* kNames[4] = {"x", "y", "width", "height"};
  int i = 0;
  for (Element e : array) {
    if (!IsNumber(e)) {
      return ctx->Fail(
          "bbox", absl::StrCat(kNames[i], " is not a number (", Dump(e), ")"));
    }
    c[i] = NumberValue(e);
    if (!std::isfinite(c[i])) {
      return ctx->Fail("bbox", absl::StrCat(kNames[i], " is not finite"));
    }
    if (i >= 2 && c[i] < 0) {
      return ctx->Fail("bbox",
                       absl::StrCat(kNames[i], " is negative (", c[i], ")"));
    }
    ++i;
  }
  *box = Box{c[0], c[1], c[2], c[3]};
  return true;
}

// An optional number field (absent or null: nullopt).
bool GetOptionalNumber(const simdjson::dom::object& object, const char* field,
                       std::optional<double>* out, Context* ctx) {
  std::optional<Element> v = Find(object, field);
  if (!v || v->is_null()) return true;
  if (!IsNumber(*v)) {
    return ctx->Fail(field, absl::StrCat("not a number (", Dump(*v), ")"));
  }
  *out = NumberValue(*v);
  return true;
}

// ---- Segmentation ----

// An image's `height` and `width` when both are positive integers (0 where
// not): the size of its masks.
struct ImageSize {
  uint32_t h = 0;
  uint32_t w = 0;
  bool known() const { return h > 0 && w > 0; }
};

ImageSize ReadImageSize(const simdjson::dom::object& im) {
  ImageSize size;
  uint32_t* out[2] = {&size.h, &size.w};
  static constexpr const char* kFields[2] = {"height", "width"};
  for (int k = 0; k < 2; ++k) {
    std::optional<Element> v = Find(im, kFields[k]);
    int64_t n = 0;
    if (!v) return {};
    if (v->get_int64().get(n) != simdjson::SUCCESS) {
      const double d = NumberValue(*v);
      if (!IsNumber(*v) || d != std::floor(d) || !(std::fabs(d) < 9e15)) {
        return {};
      }
      n = static_cast<int64_t>(d);
    }
    if (n <= 0 || n > std::numeric_limits<uint32_t>::max()) return {};
    *out[k] = static_cast<uint32_t>(n);
  }
  return size;
}

// A mask's RLE checked and kept as COCO's compressed string.
bool KeepMask(const absl::StatusOr<internal::Rle>& rle, absl::string_view field,
              std::optional<Mask>* mask, Context* ctx) {
  if (!rle.ok()) return ctx->Fail(field, rle.status().message());
  *mask = Mask{rle->h, rle->w, internal::RleToString(*rle)};
  return true;
}

// COCO polygons: a list of parts [x0, y0, x1, y1, ...], each rasterized as
// pycocotools' frPoly does, then merged. pycocotools reads the list as
// boxes [x, y, w, h] when its first part has 4 numbers; so does this.
bool ReadPolygons(const simdjson::dom::array& parts, ImageSize size,
                  std::optional<Mask>* mask, Context* ctx) {
  if (!size.known()) {
    return ctx->Fail("segmentation",
                     "polygons need the image's height and width");
  }
  if (parts.size() == 0) return ctx->Fail("segmentation", "no polygons");
  std::vector<internal::Rle> rles;
  std::vector<double> xy;
  bool boxes = false;
  size_t p = 0;
  for (Element part : parts) {
    const std::string field = absl::StrCat("segmentation[", p, "]");
    simdjson::dom::array coords;
    if (part.get_array().get(coords) != simdjson::SUCCESS) {
      return ctx->Fail(field, absl::StrCat("not a polygon (", Dump(part), ")"));
    }
    if (p++ == 0) boxes = coords.size() == 4;
    xy.clear();
    for (Element c : coords) {
      if (!IsNumber(c)) {
        return ctx->Fail(
            field, absl::StrCat("coordinate ", xy.size(), " is not a number (",
                                Dump(c), ")"));
      }
      xy.push_back(NumberValue(c));
    }
    if (boxes && xy.size() != 4) {
      return ctx->Fail(field, absl::StrCat(xy.size(),
                                           " numbers where the first part's "
                                           "4 make the list boxes [x, y, w, "
                                           "h]"));
    }
    if (boxes) {
      const double x0 = xy[0], y0 = xy[1], x1 = xy[0] + xy[2],
                   y1 = xy[1] + xy[3];
      xy = {x0, y0, x0, y1, x1, y1, x1, y0};
    } else if (xy.empty() || xy.size() % 2 != 0) {
      return ctx->Fail(field, absl::StrCat("a polygon needs an even, nonzero "
                                           "number of coordinates, not ",
                                           xy.size()));
    }
    absl::StatusOr<internal::Rle> rle =
        internal::RleFromPolygon(xy, size.h, size.w);
    if (!rle.ok()) return ctx->Fail(field, rle.status().message());
    rles.push_back(*std::move(rle));
  }
  return KeepMask(internal::RleMerge(rles, /*intersect=*/false), "segmentation",
                  mask, ctx);
}

// A COCO RLE object {size: [h, w], counts}: `counts` a list of run lengths
// (uncompressed, as crowd regions are given) or COCO's compressed string.
bool ReadRleObject(const simdjson::dom::object& object, ImageSize size,
                   std::optional<Mask>* mask, Context* ctx) {
  std::optional<Element> size_v = Find(object, "size");
  simdjson::dom::array dims;
  int64_t hw[2] = {-1, -1};
  if (size_v && size_v->get_array().get(dims) == simdjson::SUCCESS &&
      dims.size() == 2) {
    int k = 0;
    for (Element e : dims) {
      if (e.get_int64().get(hw[k]) != simdjson::SUCCESS) hw[k] = -1;
      ++k;
    }
  }
  if (hw[0] < 0 || hw[1] < 0 || hw[0] > std::numeric_limits<uint32_t>::max() ||
      hw[1] > std::numeric_limits<uint32_t>::max()) {
    return ctx->Fail(
        "segmentation.size",
        size_v ? absl::StrCat("not [height, width] (", Dump(*size_v), ")")
               : "missing required field");
  }
  const uint32_t h = static_cast<uint32_t>(hw[0]);
  const uint32_t w = static_cast<uint32_t>(hw[1]);
  if (size.known() && (h != size.h || w != size.w)) {
    return ctx->Fail(
        "segmentation.size",
        absl::StrCat("[", h, ", ", w, "] differs from the image's [", size.h,
                     ", ", size.w, "]"));
  }
  std::optional<Element> counts = Find(object, "counts");
  if (!counts)
    return ctx->Fail("segmentation.counts", "missing required field");
  std::string_view text;
  if (counts->get_string().get(text) == simdjson::SUCCESS) {
    absl::StatusOr<internal::Rle> rle = internal::RleFromString(text, h, w);
    if (!rle.ok())
      return ctx->Fail("segmentation.counts", rle.status().message());
    *mask = Mask{h, w, std::string(text)};
    return true;
  }
  simdjson::dom::array list;
  if (counts->get_array().get(list) != simdjson::SUCCESS) {
    return ctx->Fail("segmentation.counts",
                     absl::StrCat("not a compressed string or a list of run "
                                  "lengths (",
                                  Dump(*counts), ")"));
  }
  std::vector<uint64_t> runs;
  runs.reserve(list.size());
  for (Element e : list) {
    int64_t n = 0;
    if (e.get_int64().get(n) != simdjson::SUCCESS || n < 0) {
      return ctx->Fail(
          "segmentation.counts",
          absl::StrCat("count ", runs.size(),
                       " is not a non-negative integer (", Dump(e), ")"));
    }
    runs.push_back(static_cast<uint64_t>(n));
  }
  return KeepMask(internal::RleFromCounts(h, w, runs), "segmentation.counts",
                  mask, ctx);
}

// An optional `segmentation`: polygons or an RLE object (absent or null:
// no mask).
bool GetSegmentation(const simdjson::dom::object& o, ImageSize size,
                     std::optional<Mask>* mask, Context* ctx) {
  std::optional<Element> v = Find(o, "segmentation");
  if (!v || v->is_null()) return true;
  simdjson::dom::array parts;
  if (v->get_array().get(parts) == simdjson::SUCCESS) {
    return ReadPolygons(parts, size, mask, ctx);
  }
  simdjson::dom::object rle;
  if (v->get_object().get(rle) == simdjson::SUCCESS) {
    return ReadRleObject(rle, size, mask, ctx);
  }
  return ctx->Fail(
      "segmentation",
      absl::StrCat("not a list of polygons or an RLE object (", Dump(*v), ")"));
}

// The box and area pycocotools' loadRes derives from a result's mask when
// it has no bbox.
void BoxFromMask(const Mask& mask, Box* box, std::optional<double>* area) {
  absl::StatusOr<internal::Rle> rle =
      internal::RleFromString(mask.counts, mask.height, mask.width);
  if (!rle.ok()) return;  // checked when read
  const std::array<double, 4> b = internal::RleToBbox(*rle);
  *box = Box{b[0], b[1], b[2], b[3]};
  *area = static_cast<double>(internal::RleArea(*rle));
}

// ---- Keypoints ----

// A category's optional `keypoints` (names) and `skeleton` (1-based index
// pairs); sigmas are COCO's person ones for 17 keypoints.
bool GetKeypointSchema(const simdjson::dom::object& c, KeypointSchema* out,
                       Context* ctx) {
  std::optional<Element> names = Find(c, "keypoints");
  if (!names || names->is_null()) return true;
  simdjson::dom::array list;
  if (names->get_array().get(list) != simdjson::SUCCESS) {
    return ctx->Fail("keypoints",
                     absl::StrCat("not a list of names (", Dump(*names), ")"));
  }
  for (Element e : list) {
    std::string_view name;
    if (e.get_string().get(name) != simdjson::SUCCESS) {
      return ctx->Fail("keypoints",
                       absl::StrCat("name ", out->names.size(),
                                    " is not a string (", Dump(e), ")"));
    }
    out->names.emplace_back(name);
  }
  const int64_t k = static_cast<int64_t>(out->names.size());
  if (k == 17) out->sigmas = CocoPersonKeypointSigmas();
  std::optional<Element> skeleton = Find(c, "skeleton");
  if (!skeleton || skeleton->is_null()) return true;
  simdjson::dom::array edges;
  if (skeleton->get_array().get(edges) != simdjson::SUCCESS) {
    return ctx->Fail("skeleton", "not a list of [a, b] pairs");
  }
  for (Element edge : edges) {
    simdjson::dom::array pair;
    int64_t ab[2] = {0, 0};
    int n = 0;
    if (edge.get_array().get(pair) == simdjson::SUCCESS && pair.size() == 2) {
      for (Element v : pair) {
        if (v.get_int64().get(ab[n]) != simdjson::SUCCESS) ab[n] = 0;
        ++n;
      }
    }
    if (ab[0] < 1 || ab[0] > k || ab[1] < 1 || ab[1] > k) {
      return ctx->Fail("skeleton",
                       absl::StrCat("edge ", out->skeleton.size(),
                                    " is not a pair of keypoint numbers 1..", k,
                                    " (", Dump(edge), ")"));
    }
    out->skeleton.emplace_back(static_cast<int32_t>(ab[0]),
                               static_cast<int32_t>(ab[1]));
  }
  return true;
}

// An optional `keypoints` list of 3 numbers per keypoint of the class;
// `labels`: the third of each is a v of 0, 1 or 2 (ground truth), else a
// score.
bool GetKeypoints(const simdjson::dom::object& o, const KeypointSchema* schema,
                  bool labels, std::vector<double>* out, Context* ctx) {
  std::optional<Element> v = Find(o, "keypoints");
  if (!v || v->is_null()) return true;
  simdjson::dom::array list;
  if (v->get_array().get(list) != simdjson::SUCCESS) {
    return ctx->Fail("keypoints",
                     absl::StrCat("not a list of numbers (", Dump(*v), ")"));
  }
  const size_t k = schema == nullptr ? 0 : schema->names.size();
  if (k == 0) {
    return ctx->Fail("keypoints", "the category has no keypoints");
  }
  if (list.size() != 3 * k) {
    return ctx->Fail(
        "keypoints",
        absl::StrCat(list.size(), " numbers, not 3 x ", k,
                     " (x, y, v for each of the category's ", "keypoints)"));
  }
  out->reserve(3 * k);
  for (Element e : list) {
    if (!IsNumber(e)) {
      return ctx->Fail("keypoints",
                       absl::StrCat("number ", out->size(),
                                    " is not a number (", Dump(e), ")"));
    }
    const double x = NumberValue(e);
    if (labels && out->size() % 3 == 2 && x != 0 && x != 1 && x != 2) {
      return ctx->Fail("keypoints",
                       absl::StrCat("v of keypoint ", out->size() / 3,
                                    " is not 0, 1 or 2 (", x, ")"));
    }
    out->push_back(x);
  }
  return true;
}

// The box and area pycocotools' loadRes derives from a keypoint result
// without a bbox: the extent of all its keypoints.
void BoxFromKeypoints(const std::vector<double>& kps, Box* box,
                      std::optional<double>* area) {
  double x0 = kps[0], x1 = kps[0], y0 = kps[1], y1 = kps[1];
  for (size_t i = 0; i + 1 < kps.size(); i += 3) {
    x0 = std::min(x0, kps[i]), x1 = std::max(x1, kps[i]);
    y0 = std::min(y0, kps[i + 1]), y1 = std::max(y1, kps[i + 1]);
  }
  *box = Box{x0, y0, x1 - x0, y1 - y0};
  *area = (x1 - x0) * (y1 - y0);
}

class Importer {
 public:
  explicit Importer(const ImportOptions& options) : options_(options) {}

  // Returns false after a strict-mode error (in error_) and for a skipped
  // record; `*counter` counts skips.
  bool Handle(Context& ctx, bool ok, int64_t* counter) {
    if (ok) return true;
    if (!options_.lenient) {
      error_ = absl::InvalidArgumentError(ctx.error);
      return false;
    }
    ++*counter;
    if (report_.reasons.size() < ImportReport::kMaxReasons) {
      report_.reasons.push_back(ctx.error);
    }
    return false;
  }

  // The ground truth document, first: categories and images before the
  // annotations, which refer to them by id, as the detections do later.
  absl::Status ReadGroundTruth(const Element& gt_root,
                               absl::string_view gt_name, ModelRun* run) {
    GtLists lists;
    absl::Status status = FindGtLists(gt_root, gt_name, &lists);
    if (!status.ok()) return status;
    status = ReadCategories(lists.categories, gt_name, run);
    if (!status.ok()) return status;
    status = ReadImages(lists.images, gt_name, run);
    if (!status.ok()) return status;
    return ReadAnnotations(lists.annotations, gt_name, run);
  }

  // The results document, after ReadGroundTruth.
  absl::Status ReadResults(const Element& dets_root,
                           absl::string_view dets_name, ModelRun* run) {
    simdjson::dom::array dets;
    if (dets_root.get_array().get(dets) != simdjson::SUCCESS) {
      return absl::InvalidArgumentError(
          absl::StrCat(dets_name, ": not a COCO results list"));
    }
    return ReadDetections(dets, dets_name, run);
  }

  // The image's other string and number fields, in key order (the last
  // value of a repeated key), as nlohmann/json's objects give them.
  static bool ReadMetadata(const simdjson::dom::object& im, DataRow* row,
                           Context* ctx) {
    for (const simdjson::dom::key_value_pair& kv : im) {
      const std::string_view key = kv.key;
      if (key == "id" || key == "dataset" || key == "split" ||
          key == "global_key") {
        continue;
      }
      const Element& v = kv.value;
      std::string_view text;
      int64_t n = 0;
      if (v.get_string().get(text) == simdjson::SUCCESS) {
        row->metadata.emplace_back(std::string(key), std::string(text));
      } else if (v.get_int64().get(n) == simdjson::SUCCESS) {
        row->metadata.emplace_back(std::string(key), n);
      } else if (IsNumber(v)) {
        const double d = NumberValue(v);
        if (!std::isfinite(d)) {
          return ctx->Fail(absl::string_view(key.data(), key.size()),
                           "not finite");
        }
        row->metadata.emplace_back(std::string(key), d);
      }
      // Objects, arrays, booleans and null are not metadata.
    }
    auto& m = row->metadata;
    std::stable_sort(m.begin(), m.end(), [](const auto& a, const auto& b) {
      return a.first < b.first;
    });
    // Keep the last of each repeated key.
    size_t out = 0;
    for (size_t k = 0; k < m.size(); ++k) {
      if (k + 1 < m.size() && m[k + 1].first == m[k].first) continue;
      if (out != k) m[out] = std::move(m[k]);
      ++out;
    }
    m.resize(out);
    return true;
  }

  ImportReport& report() { return report_; }

 private:
  // The lists of the two files.
  struct GtLists {
    simdjson::dom::array images;
    simdjson::dom::array annotations;
    simdjson::dom::array categories;
  };

  static absl::Status FindGtLists(const Element& gt_root,
                                  absl::string_view gt_name, GtLists* lists) {
    simdjson::dom::object gt;
    if (gt_root.get_object().get(gt) != simdjson::SUCCESS) {
      return absl::InvalidArgumentError(
          absl::StrCat(gt_name, ": not a COCO instances object"));
    }
    simdjson::dom::array* sections[3] = {&lists->images, &lists->annotations,
                                         &lists->categories};
    static constexpr const char* kSections[3] = {"images", "annotations",
                                                 "categories"};
    for (int k = 0; k < 3; ++k) {
      std::optional<Element> v = Find(gt, kSections[k]);
      if (!v || v->get_array().get(*sections[k]) != simdjson::SUCCESS) {
        return absl::InvalidArgumentError(
            absl::StrCat(gt_name, ": ", kSections[k],
                         !v ? ": missing required field" : ": not an array"));
      }
    }
    return absl::OkStatus();
  }

  absl::Status ReadCategories(const simdjson::dom::array& categories,
                              absl::string_view gt_name, ModelRun* run) {
    absl::flat_hash_set<std::string> category_names;
    size_t i = 0;
    for (Element e : categories) {
      Context ctx(gt_name, "categories", i++);
      simdjson::dom::object c;
      int64_t id = 0;
      std::optional<std::string> name;
      bool ok = e.get_object().get(c) == simdjson::SUCCESS ||
                ctx.Fail("category", "not an object");
      ok = ok && GetInt(c, "id", true, &id, &ctx);
      if (ok) ctx.id = id;
      ok = ok && GetOptionalString(c, "name", &name, &ctx);
      if (ok && (!name || name->empty())) {
        ok = ctx.Fail("name", "missing or empty");
      }
      if (ok && category_index_.contains(id)) ok = ctx.Fail("id", "duplicate");
      if (ok && category_names.contains(*name)) {
        ok = ctx.Fail("name", absl::StrCat("duplicate (\"", *name, "\")"));
      }
      KeypointSchema schema;
      ok = ok && GetKeypointSchema(c, &schema, &ctx);
      if (!Handle(ctx, ok, &report_.skipped_categories)) {
        if (!error_.ok()) return error_;
        continue;
      }
      // run->keypoints is parallel to the classes once any class has some.
      if (!schema.names.empty() || !run->keypoints.empty()) {
        run->keypoints.resize(run->classes.size());
        run->keypoints.push_back(std::move(schema));
      }
      category_index_[id] = static_cast<int32_t>(run->classes.size());
      category_names.insert(*name);
      run->classes.push_back(*name);
      run->class_ids.push_back(id);
    }
    return absl::OkStatus();
  }

  absl::Status ReadImages(const simdjson::dom::array& images,
                          absl::string_view gt_name, ModelRun* run) {
    image_index_.reserve(images.size());
    run->rows.reserve(images.size());
    size_t i = 0;
    for (Element e : images) {
      Context ctx(gt_name, "images", i++);
      simdjson::dom::object im;
      DataRow row;
      int64_t id = 0;
      bool ok = e.get_object().get(im) == simdjson::SUCCESS ||
                ctx.Fail("image", "not an object");
      ok = ok && GetInt(im, "id", true, &id, &ctx);
      if (ok) ctx.id = id;
      if (ok && image_index_.contains(id)) ok = ctx.Fail("id", "duplicate");
      ok = ok && GetOptionalString(im, "dataset", &row.dataset, &ctx);
      ok = ok && GetOptionalString(im, "split", &row.split, &ctx);
      ok = ok && GetOptionalString(im, "global_key", &row.global_key, &ctx);
      if (ok) ok = ReadMetadata(im, &row, &ctx);
      if (!Handle(ctx, ok, &report_.skipped_images)) {
        if (!error_.ok()) return error_;
        continue;
      }
      row.data_row_id = absl::StrCat(id);
      image_index_[id] = static_cast<int32_t>(run->rows.size());
      image_size_.push_back(ReadImageSize(im));
      run->rows.push_back(std::move(row));
    }
    return absl::OkStatus();
  }

  // Reads image_id and category_id of an annotation or detection: the row
  // and class they name.
  bool ImageAndClass(const simdjson::dom::object& o, Context* ctx, int32_t* row,
                     int32_t* cls) const {
    int64_t image_id = 0, category_id = 0;
    if (!GetInt(o, "image_id", true, &image_id, ctx)) return false;
    if (!GetInt(o, "category_id", true, &category_id, ctx)) return false;
    auto im = image_index_.find(image_id);
    if (im == image_index_.end()) {
      return ctx->Fail("image_id",
                       absl::StrCat("unknown image (", image_id, ")"));
    }
    auto c = category_index_.find(category_id);
    if (c == category_index_.end()) {
      return ctx->Fail("category_id",
                       absl::StrCat("unknown category (", category_id, ")"));
    }
    *row = im->second;
    *cls = c->second;
    return true;
  }

  // iscrowd: a boolean, or the integer 0 or 1; absent: 0.
  static bool GetCrowd(const simdjson::dom::object& a, int64_t* crowd,
                       Context* ctx) {
    std::optional<Element> v = Find(a, "iscrowd");
    bool b = false;
    if (v && v->get_bool().get(b) == simdjson::SUCCESS) {
      *crowd = b ? 1 : 0;
      return true;
    }
    if (!GetInt(a, "iscrowd", false, crowd, ctx)) return false;
    if (*crowd != 0 && *crowd != 1) {
      return ctx->Fail("iscrowd", absl::StrCat("not 0 or 1 (", *crowd, ")"));
    }
    return true;
  }

  static bool GetArea(const simdjson::dom::object& a,
                      std::optional<double>* area, Context* ctx) {
    if (!GetOptionalNumber(a, "area", area, ctx)) return false;
    if (*area && (!std::isfinite(**area) || **area < 0)) {
      return ctx->Fail("area",
                       absl::StrCat("negative or not finite (", **area, ")"));
    }
    return true;
  }

  absl::Status ReadAnnotations(const simdjson::dom::array& annotations,
                               absl::string_view gt_name, ModelRun* run) {
    absl::flat_hash_set<int64_t> annotation_ids;
    annotation_ids.reserve(annotations.size());
    size_t i = 0;
    for (Element e : annotations) {
      Context ctx(gt_name, "annotations", i++);
      simdjson::dom::object a;
      GroundTruth g;
      int32_t row = 0;
      int64_t crowd = 0;
      bool ok = e.get_object().get(a) == simdjson::SUCCESS ||
                ctx.Fail("annotation", "not an object");
      ok = ok && GetInt(a, "id", true, &g.id, &ctx);
      if (ok) ctx.id = g.id;
      if (ok && annotation_ids.contains(g.id)) ok = ctx.Fail("id", "duplicate");
      ok = ok && ImageAndClass(a, &ctx, &row, &g.class_index);
      ok = ok && GetBox(a, &g.box, &ctx);
      ok = ok && GetCrowd(a, &crowd, &ctx);
      ok = ok && GetArea(a, &g.area, &ctx);
      ok = ok && GetSegmentation(a, image_size_[row], &g.mask, &ctx);
      ok = ok && GetKeypoints(a, Schema(*run, g.class_index), true,
                              &g.keypoints, &ctx);
      if (ok && !g.keypoints.empty()) {
        int64_t n = 0;
        ok = GetInt(a, "num_keypoints", false, &n, &ctx);
        if (ok && Find(a, "num_keypoints")) {
          if (n < 0) {
            ok = ctx.Fail("num_keypoints", absl::StrCat("negative (", n, ")"));
          }
          g.num_keypoints = n;
        }
      }
      if (!Handle(ctx, ok, &report_.skipped_annotations)) {
        if (!error_.ok()) return error_;
        continue;
      }
      g.iscrowd = crowd != 0;
      annotation_ids.insert(g.id);
      run->rows[row].ground_truths.push_back(g);
    }
    return absl::OkStatus();
  }

  absl::Status ReadDetections(const simdjson::dom::array& dets,
                              absl::string_view dets_name, ModelRun* run) {
    size_t i = 0;
    for (Element e : dets) {
      Context ctx(dets_name, "", i++);
      simdjson::dom::object d;
      Prediction p;
      int32_t row = 0;
      bool ok = e.get_object().get(d) == simdjson::SUCCESS ||
                ctx.Fail("detection", "not an object");
      ok = ok && ImageAndClass(d, &ctx, &row, &p.class_index);
      ok = ok && GetSegmentation(d, image_size_[row], &p.mask, &ctx);
      ok = ok && GetKeypoints(d, Schema(*run, p.class_index), false,
                              &p.keypoints, &ctx);
      // A result with a mask or keypoints may leave out its bbox (loadRes
      // derives it).
      if (ok && p.mask && !Find(d, "bbox")) {
        BoxFromMask(*p.mask, &p.box, &p.area);
      } else if (ok && !p.keypoints.empty() && !Find(d, "bbox")) {
        BoxFromKeypoints(p.keypoints, &p.box, &p.area);
      } else {
        ok = ok && GetBox(d, &p.box, &ctx);
      }
      std::optional<double> score;
      ok = ok && GetOptionalNumber(d, "score", &score, &ctx);
      if (ok && score) {
        p.confidence = *score;
        if (!(p.confidence >= 0 && p.confidence <= 1)) {
          ok = ctx.Fail("score",
                        absl::StrCat("outside [0, 1] (", p.confidence, ")"));
        }
      }
      if (!Handle(ctx, ok, &report_.skipped_detections)) {
        if (!error_.ok()) return error_;
        continue;
      }
      run->rows[row].predictions.push_back(p);
    }
    return absl::OkStatus();
  }

  ImportOptions options_;
  ImportReport report_;
  absl::Status error_;
  // By COCO id: the run's class and row.
  absl::flat_hash_map<int64_t, int32_t> category_index_;
  absl::flat_hash_map<int64_t, int32_t> image_index_;
  // By row: the image's size for masks.
  std::vector<ImageSize> image_size_;

  // The keypoints of class `c`, or null.
  static const KeypointSchema* Schema(const ModelRun& run, int32_t c) {
    return c < static_cast<int32_t>(run.keypoints.size()) ? &run.keypoints[c]
                                                          : nullptr;
  }
};

std::string BaseName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Reads a file whole, padded for simdjson, into huge pages (one page fault
// per 2 MB, no copy: src/util/file_buffer.h).
absl::StatusOr<internal::FileBuffer> ReadFile(const std::string& path) {
  absl::StatusOr<internal::FileBuffer> buffer =
      internal::FileBuffer::Read(path, simdjson::SIMDJSON_PADDING);
  if (!buffer.ok()) return absl::NotFoundError(buffer.status().message());
  return buffer;
}

// A COCO document's text: in memory already, or read from a file (padded
// for simdjson) when it is needed, and freed once it is imported.
struct Document {
  bool from_file = false;
  absl::string_view text;  // when not from_file
  std::string path;        // when from_file
  std::string name;        // the source name errors give
};

// Parses `doc` with `parser` and hands its root to `read`. The text read
// from a file lives only for this call.
absl::Status ImportDocument(const Document& doc,
                            simdjson::dom::parser& parser,
                            absl::FunctionRef<absl::Status(const Element&)> read) {
  std::optional<internal::FileBuffer> file;
  absl::string_view text = doc.text;
  const bool padded = doc.from_file;
  if (padded) {
    absl::StatusOr<internal::FileBuffer> buffer = ReadFile(doc.path);
    if (!buffer.ok()) return buffer.status();
    file.emplace(*std::move(buffer));
    text = file->view();
  }
  Element root;
  absl::Status status = Parse(parser, text, doc.name, &root, padded);
  if (!status.ok()) return status;
  return read(root);
}

// The ground truth, then the results: one document at a time, so that the
// larger document's text and parse tree set the peak memory, not the two
// together (the 60k-image set: docs/performance.md).
absl::StatusOr<ModelRun> Import(const Document& gt, const Document& dets,
                                const ImportOptions& options,
                                ImportReport* report) {
  Importer importer(options);
  ModelRun run;
  {
    simdjson::dom::parser parser;
    absl::Status status = ImportDocument(gt, parser, [&](const Element& root) {
      return importer.ReadGroundTruth(root, gt.name, &run);
    });
    if (!status.ok()) return status;
  }
  simdjson::dom::parser parser;
  absl::Status status = ImportDocument(dets, parser, [&](const Element& root) {
    return importer.ReadResults(root, dets.name, &run);
  });
  if (!status.ok()) return status;
  if (report != nullptr) *report = std::move(importer.report());
  return run;
}

}  // namespace

absl::StatusOr<ModelRun> ImportCoco(absl::string_view gt_json,
                                    absl::string_view dets_json,
                                    const ImportOptions& options,
                                    ImportReport* report,
                                    absl::string_view gt_name,
                                    absl::string_view dets_name) {
  return Import(Document{false, gt_json, "", std::string(gt_name)},
                Document{false, dets_json, "", std::string(dets_name)},
                options, report);
}

absl::StatusOr<ModelRun> ImportCocoFiles(const std::string& gt_path,
                                         const std::string& dets_path,
                                         const ImportOptions& options,
                                         ImportReport* report) {
  return Import(Document{true, "", gt_path, BaseName(gt_path)},
                Document{true, "", dets_path, BaseName(dets_path)}, options,
                report);
}

}  // namespace slicekit
