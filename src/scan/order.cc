// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Ordering: every key is mapped to a uint64 whose unsigned order is the
// requested order, so the hot loop compares integers and only looks at ids
// to break exact ties. With a limit, a bounded max-heap keeps the best
// offset + limit rows; a row whose key is worse than the heap's worst is
// rejected with one compare, so the selection is never sorted as a whole.
#include "slicekit/order.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <numeric>
#include <queue>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "src/scan/kernels.h"
#include "src/table/table_impl.h"
#include "src/util/status_macros.h"
#include "src/util/utf8_text.h"

namespace slicekit {
namespace {

using internal::Chunk;
using internal::ColumnChunk;
using internal::TableImpl;

struct Entry {
  uint64_t key;
  RowIndex row;
};

uint64_t FloatKey(float f) {
  f += 0.0f;  // -0 and +0 compare equal, so they must share a key
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof(bits));
  // Negative floats order reversed: flip all bits; positive: set the sign.
  const uint32_t mask =
      static_cast<uint32_t>(static_cast<int32_t>(bits) >> 31) | 0x80000000u;
  return bits ^ mask;
}

// The float whose FloatKey is `key` (for keys of stored, finite floats).
float KeyToFloat(uint32_t key) {
  const uint32_t bits = (key & 0x80000000u) ? key ^ 0x80000000u : ~key;
  float f;
  std::memcpy(&f, &bits, sizeof(f));
  return f;
}

// One sort key resolved against the table.
struct SortKey {
  int column;
  ColumnType type;
  bool descending;
  std::vector<uint64_t> rank;  // categorical: code -> rank of its string
};

// A position in the order: the sort values of the last row of a page and
// its id, in the table's current key space (see OrderPage).
struct CursorPosition {
  std::vector<std::optional<uint64_t>> keys;  // nullopt: NULL
  std::string id;
};

class Orderer {
 public:
  // REQUIRES: `keys` is not empty.
  Orderer(const TableImpl& table, std::vector<SortKey> keys)
      : table_(table),
        keys_(std::move(keys)),
        column_(keys_[0].column),
        descending_(keys_[0].descending),
        ids_descending_(descending_ && keys_[0].type == ColumnType::kId),
        rank_(keys_[0].rank) {}

  // The order-space key of `row` for sort key `k` (flipped when
  // descending), or nullopt for NULL. Every id maps to 0: ids compare as
  // strings.
  std::optional<uint64_t> KeyOf(RowIndex row, size_t k) const {
    const SortKey& key = keys_[k];
    size_t offset;
    const ColumnChunk& cc = table_.Cell(row, key.column, &offset);
    if (key.type == ColumnType::kId) return 0;
    if (!cc.IsValid(offset)) return std::nullopt;
    const uint64_t flip = key.descending ? ~uint64_t{0} : 0;
    switch (key.type) {
      case ColumnType::kFloat:
        return FloatKey(cc.floats[offset]) ^ flip;
      case ColumnType::kInt:
        return (static_cast<uint64_t>(cc.IntAt(offset)) ^ (uint64_t{1} << 63)) ^
               flip;
      default:
        return key.rank[cc.IntAt(offset)] ^ flip;
    }
  }

  // Compares key `k` of a row (its key `a`, id `a_id`) with another's:
  // NULLs last, ids as strings in the key's direction.
  int CompareKey(size_t k, const std::optional<uint64_t>& a,
                 absl::string_view a_id, const std::optional<uint64_t>& b,
                 absl::string_view b_id) const {
    if (keys_[k].type == ColumnType::kId) {
      const int c = a_id.compare(b_id);
      return keys_[k].descending ? -c : c;
    }
    if (a.has_value() != b.has_value()) return a.has_value() ? -1 : 1;
    if (!a.has_value() || *a == *b) return 0;
    return *a < *b ? -1 : 1;
  }

  // Orders rows that tie on the first key: later keys, then id ascending.
  bool TieBefore(RowIndex a, RowIndex b) const {
    const absl::string_view a_id = table_.RowId(a);
    const absl::string_view b_id = table_.RowId(b);
    for (size_t k = 1; k < keys_.size(); ++k) {
      const int c = CompareKey(k, KeyOf(a, k), a_id, KeyOf(b, k), b_id);
      if (c != 0) return c < 0;
    }
    return a_id < b_id;
  }

  // a before b, given their first keys: smaller key, then TieBefore (when
  // the first key is the id itself, every key is 0 and the id comparison
  // is the whole order).
  bool Before(const Entry& a, const Entry& b) const {
    if (a.key != b.key) return a.key < b.key;
    if (ids_descending_) return table_.RowId(b.row) < table_.RowId(a.row);
    return TieBefore(a.row, b.row);
  }

  // True when `row` (first key `first`, nullopt for NULL) comes strictly
  // after `cursor` in the order.
  bool After(const CursorPosition& cursor, const std::optional<uint64_t>& first,
             RowIndex row) const {
    const absl::string_view id = table_.RowId(row);
    for (size_t k = 0; k < keys_.size(); ++k) {
      const int c = CompareKey(k, cursor.keys[k], cursor.id,
                               k == 0 ? first : KeyOf(row, k), id);
      if (c != 0) return c < 0;
    }
    return absl::string_view(cursor.id) < id;
  }

  const std::vector<SortKey>& keys() const { return keys_; }

  // Calls fn(key, row) for each selected live row with a value whose key
  // is <= *threshold (re-read after every call, so a top-k caller can
  // tighten it). Keys are computed 64 rows at a time and filtered against
  // the threshold with branch-free compares before any per-row work. When
  // `threshold_row` is given (the row holding the threshold key), rows tying
  // with it but with a greater id are filtered too where the chunk's ids
  // are known to ascend: ties then cost no id reads.
  template <typename Fn>
  void ForEachValue(const Selection& selection, const uint64_t* threshold,
                    const std::optional<RowIndex>* threshold_row,
                    Fn&& fn) const {
    const ColumnType type = table_.schema.column(column_).type;
    const uint64_t flip = descending_ ? ~uint64_t{0} : 0;
    ForEachWord(
        selection, /*nulls=*/false,
        [&](const ColumnChunk& cc, size_t first, size_t offset, size_t n,
            uint64_t* out) {
          return Candidates(cc, offset, n, *threshold,
                            TiesLose(first, offset, *threshold_row), out);
        },
        [&](const ColumnChunk& cc, size_t base, size_t offset, size_t count,
            uint64_t bits) {
          uint64_t keys[64];
          switch (type) {
            case ColumnType::kFloat:
              for (size_t i = 0; i < count; ++i) {
                keys[i] = FloatKey(cc.floats[offset + i]) ^ flip;
              }
              break;
            case ColumnType::kInt:
              WithValues(cc, [&](const auto* values) {
                const uint64_t shift =
                    static_cast<uint64_t>(cc.base) ^ (uint64_t{1} << 63);
                for (size_t i = 0; i < count; ++i) {
                  // IntKey(base + v) without the detour via int64.
                  keys[i] = (shift + values[offset + i]) ^ flip;
                }
              });
              break;
            case ColumnType::kCategorical:
              for (size_t i = 0; i < count; ++i) {
                keys[i] = rank_[cc.IntAt(offset + i)] ^ flip;
              }
              break;
            case ColumnType::kId:
              // The tie-break on id is the whole order.
              for (size_t i = 0; i < count; ++i) keys[i] = 0;
              break;
          }
          uint64_t candidates = 0;
          uint64_t limit = *threshold;
          if (limit != 0 && TiesLose(base, offset, *threshold_row)) --limit;
          for (size_t i = 0; i < count; ++i) {
            candidates |= uint64_t{keys[i] <= limit} << i;
          }
          for (bits &= candidates; bits != 0; bits &= bits - 1) {
            const size_t i = std::countr_zero(bits);
            if (keys[i] > *threshold) continue;
            fn(keys[i], static_cast<RowIndex>(base + offset + i));
          }
        });
  }

  // Calls fn(row) for each selected live row whose value is NULL.
  template <typename Fn>
  void ForEachNull(const Selection& selection, Fn&& fn) const {
    ForEachWord(
        selection, /*nulls=*/true,
        [](const ColumnChunk&, size_t, size_t, size_t, uint64_t*) {
          return false;
        },
        [&](const ColumnChunk&, size_t base, size_t offset, size_t,
            uint64_t bits) {
          for (; bits != 0; bits &= bits - 1) {
            fn(static_cast<RowIndex>(base + offset + std::countr_zero(bits)));
          }
        });
  }

 private:
  template <typename Fn>
  static void WithValues(const ColumnChunk& c, Fn&& fn) {
    switch (c.width) {
      case 1:
        return fn(c.u8.data());
      case 2:
        return fn(c.u16.data());
      case 4:
        return fn(c.u32.data());
      default:
        return fn(c.u64.data());
    }
  }

  // True when every row from `offset` on in the chunk starting at row
  // `first` has a greater id than `threshold_row`, so a row tying with the
  // threshold key cannot enter the top-k: the chunk's ids ascend (as
  // generated ids do) and its row at `offset` already comes after.
  bool TiesLose(size_t first, size_t offset,
                const std::optional<RowIndex>& threshold_row) const {
    // With later keys a tie on the first can still win.
    if (!threshold_row.has_value() || ids_descending_ || keys_.size() > 1) {
      return false;
    }
    const ColumnChunk& ids =
        table_.chunks[table_.ChunkOf(static_cast<RowIndex>(first))]
            .columns[table_.schema.id_column()];
    return ids.id_ascending && table_.RowId(*threshold_row) < ids.IdAt(offset);
  }

  // Writes to `out` which of rows [offset, offset + n) of the chunk can
  // have a key <= threshold, using the scan kernels on the raw values (the
  // threshold turned back into a value); returns false when it cannot tell
  // (every row is then a candidate). Most rows of a top-k fail here, before
  // any key is computed.
  // With `strict`, rows tying with the threshold are ruled out too.
  bool Candidates(const ColumnChunk& cc, size_t offset, size_t n,
                  uint64_t threshold, bool strict, uint64_t* out) const {
    if (threshold == ~uint64_t{0}) return false;
    const uint64_t key = descending_ ? ~threshold : threshold;
    switch (table_.schema.column(column_).type) {
      case ColumnType::kFloat: {
        constexpr float kInf = std::numeric_limits<float>::infinity();
        float v = KeyToFloat(static_cast<uint32_t>(key));
        if (strict) v = std::nextafter(v, descending_ ? kInf : -kInf);
        internal::FloatRange(cc.floats.data() + offset, n,
                             descending_ ? v : -kInf, descending_ ? kInf : v,
                             /*negate=*/false, out);
        return true;
      }
      case ColumnType::kInt: {
        if (!cc.has_values()) return false;
        int64_t v = static_cast<int64_t>(key ^ (uint64_t{1} << 63));
        if (strict) {
          constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
          constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
          if (v == (descending_ ? kMax : kMin)) {
            std::fill(out, out + (n + 63) / 64, 0);
            return true;
          }
          v += descending_ ? 1 : -1;
        }
        const uint64_t rel =
            static_cast<uint64_t>(v) - static_cast<uint64_t>(cc.base);
        if (descending_ ? v > cc.int_max : v < cc.int_min) {
          std::fill(out, out + (n + 63) / 64, 0);
          return true;
        }
        if (descending_ ? v <= cc.int_min : v >= cc.int_max) return false;
        WithValues(cc, [&](const auto* values) {
          internal::UintRange(values + offset, n, descending_ ? rel : 0,
                              descending_ ? ~uint64_t{0} : rel,
                              /*negate=*/false, out);
        });
        return true;
      }
      default:
        return false;
    }
  }

  // Calls fn(chunk column, chunk first row, offset in chunk, rows in word,
  // bits) per 64-row word holding selected live rows with values (or, with
  // `nulls`, without values) that `candidates` (called per batch of rows
  // just before them) does not rule out.
  template <typename CandidatesFn, typename Fn>
  void ForEachWord(const Selection& selection, bool nulls,
                   CandidatesFn&& candidates, Fn&& fn) const {
    constexpr size_t kBatchWords = 32;
    const size_t chunk_rows = table_.chunk_rows();
    const std::vector<uint64_t>& words = selection.words();
    uint64_t mask[kBatchWords];
    for (size_t c = 0; c < table_.chunks.size(); ++c) {
      const Chunk& chunk = table_.chunks[c];
      const ColumnChunk& cc = chunk.columns[column_];
      const size_t first = c * chunk_rows;
      const size_t first_word = first / 64;
      // The selection may predate rows appended since: cover only its words.
      if (first_word >= words.size()) break;
      if (nulls && cc.null_count == 0) continue;
      const size_t chunk_words =
          std::min<size_t>((chunk.size + 63) / 64, words.size() - first_word);
      for (size_t b = 0; b < chunk_words; b += kBatchWords) {
        const size_t batch_words = std::min(kBatchWords, chunk_words - b);
        const bool masked = candidates(
            cc, first, b * 64,
            std::min<size_t>(batch_words * 64, chunk.size - b * 64), mask);
        for (size_t i = 0; i < batch_words; ++i) {
          const size_t w = b + i;
          uint64_t bits = words[first_word + w];
          if (masked) bits &= mask[i];
          if (!chunk.deleted.empty()) bits &= ~chunk.deleted[w];
          if (!cc.validity.empty()) {
            bits &= nulls ? ~cc.validity[w] : cc.validity[w];
          }
          if (bits == 0) continue;
          fn(cc, first, w * 64, std::min<size_t>(64, chunk.size - w * 64),
             bits);
        }
      }
    }
  }

 private:
  const TableImpl& table_;
  const std::vector<SortKey> keys_;
  const int column_;
  const bool descending_;
  const bool ids_descending_;
  const std::vector<uint64_t>& rank_;
};

absl::StatusOr<std::vector<SortKey>> ResolveKeys(
    const Table& table, absl::Span<const OrderBy> keys) {
  const TableImpl& impl = internal::ImplOf(table);
  // A table opened from a file: the ids (ties, cursors) and each key column
  // are verified before anything reads them (ranking reads the strings).
  SLICEKIT_RETURN_IF_ERROR(internal::VerifyColumn(internal::ImplOf(table),
                                                  table.schema().id_column()));
  std::vector<SortKey> resolved;
  for (const OrderBy& order : keys) {
    const std::optional<int> column = table.schema().Find(order.column);
    if (!column.has_value()) {
      const std::string closest = table.schema().ClosestName(order.column);
      return absl::NotFoundError(absl::StrCat(
          "unknown order-by column '", order.column, "'",
          closest.empty() ? ""
                          : absl::StrCat(" (did you mean '", closest, "'?)")));
    }
    for (const SortKey& earlier : resolved) {
      if (earlier.column == *column) {
        return absl::InvalidArgumentError(
            absl::StrCat("order-by column '", order.column, "' appears twice"));
      }
    }
    SLICEKIT_RETURN_IF_ERROR(
        internal::VerifyColumn(internal::ImplOf(table), *column));
    SortKey key{
        *column, table.schema().column(*column).type, order.descending, {}};
    if (key.type == ColumnType::kCategorical) {
      // Rank dictionary codes by their strings once; rows then compare ranks.
      // Ranks are odd (2i + 1), so a string the dictionary lacks (a cursor
      // made on another table) gets the even key between its neighbours.
      const internal::StringList& strings = impl.dictionaries[*column].strings;
      std::vector<uint32_t> order_of(strings.size());
      std::iota(order_of.begin(), order_of.end(), 0);
      std::sort(order_of.begin(), order_of.end(), [&](uint32_t a, uint32_t b) {
        return strings[a] < strings[b];
      });
      key.rank.resize(strings.size());
      for (size_t i = 0; i < order_of.size(); ++i) {
        key.rank[order_of[i]] = 2 * i + 1;
      }
    }
    const bool is_id = key.type == ColumnType::kId;
    resolved.push_back(std::move(key));
    if (is_id) break;  // ids are unique: no later key can matter
  }
  if (resolved.empty()) {
    resolved.push_back(
        {table.schema().id_column(), ColumnType::kId, false, {}});
  }
  return resolved;
}

// The ordered rows after `after` (if given), skipping `offset`, at most
// `limit`.
std::vector<RowIndex> OrderImpl(const Orderer& orderer,
                                const Selection& selection, size_t offset,
                                std::optional<size_t> limit,
                                const CursorPosition* after) {
  std::vector<RowIndex> result;
  if (limit.has_value() && *limit == 0) return result;
  auto before = [&orderer](const Entry& a, const Entry& b) {
    return orderer.Before(a, b);
  };
  const size_t wanted = limit.has_value() && *limit <= SIZE_MAX - offset
                            ? offset + *limit
                            : SIZE_MAX;
  // A cursor in the NULL region: every row with a value comes before it.
  const bool skip_values = after != nullptr && !after->keys[0].has_value();

  std::vector<Entry> kept;
  if (skip_values) {
    // Nothing to read.
  } else if (wanted == SIZE_MAX) {
    const uint64_t no_threshold = ~uint64_t{0};
    const std::optional<RowIndex> no_row;
    orderer.ForEachValue(selection, &no_threshold, &no_row,
                         [&](uint64_t key, RowIndex row) {
                           if (after && !orderer.After(*after, key, row)) {
                             return;
                           }
                           kept.push_back({key, row});
                         });
    std::sort(kept.begin(), kept.end(), before);
  } else {
    // `kept` is a max-heap under `before` holding the best `wanted` rows;
    // once full, rows with a key above the worst kept key never reach us.
    kept.reserve(std::min<size_t>(wanted, 1 << 16));
    uint64_t threshold = ~uint64_t{0};
    std::optional<RowIndex> threshold_row;
    orderer.ForEachValue(selection, &threshold, &threshold_row,
                         [&](uint64_t key, RowIndex row) {
                           if (after && !orderer.After(*after, key, row))
                             return;
                           const Entry entry{key, row};
                           if (kept.size() == wanted) {
                             if (!before(entry, kept.front())) return;
                             std::pop_heap(kept.begin(), kept.end(), before);
                             kept.back() = entry;
                           } else {
                             kept.push_back(entry);
                           }
                           std::push_heap(kept.begin(), kept.end(), before);
                           if (kept.size() == wanted) {
                             threshold = kept.front().key;
                             threshold_row = kept.front().row;
                           }
                         });
    std::sort_heap(kept.begin(), kept.end(), before);
  }
  // NULLs come after every value, so they are read only when they can show.
  std::vector<RowIndex> nulls;
  if (kept.size() < wanted) {
    orderer.ForEachNull(selection, [&](RowIndex row) {
      if (after && !orderer.After(*after, std::nullopt, row)) return;
      nulls.push_back(row);
    });
  }

  const size_t total = kept.size() + nulls.size();
  if (offset >= total) return result;
  const size_t end = wanted == SIZE_MAX ? total : std::min(total, wanted);
  result.reserve(end - offset);
  for (size_t i = offset; i < std::min(end, kept.size()); ++i) {
    result.push_back(kept[i].row);
  }
  if (end > kept.size()) {
    // NULL rows tie on the first key: later keys and the id order them.
    const size_t null_begin = offset > kept.size() ? offset - kept.size() : 0;
    const size_t null_end = end - kept.size();
    auto tie_before = [&orderer](RowIndex a, RowIndex b) {
      return orderer.TieBefore(a, b);
    };
    if (null_end < nulls.size()) {
      std::partial_sort(nulls.begin(), nulls.begin() + null_end, nulls.end(),
                        tie_before);
    } else {
      std::sort(nulls.begin(), nulls.end(), tie_before);
    }
    for (size_t i = null_begin; i < null_end; ++i) result.push_back(nulls[i]);
  }
  return result;
}

// The keys a cursor is valid for, e.g. "fp:desc,confidence:asc".
std::string KeySignature(const Table& table, const std::vector<SortKey>& keys) {
  std::string out;
  for (const SortKey& key : keys) {
    absl::StrAppend(&out, out.empty() ? "" : ",",
                    table.schema().column(key.column).name,
                    key.descending ? ":desc" : ":asc");
  }
  return out;
}

// `signature` as a cursor holds it: JSON keeps only UTF-8, so EncodeCursor
// writes U+FFFD for each byte of a column name that is not (names are
// bytes, e.g. from a Latin-1 CSV header). Two such orders can compare
// equal here; the check only guards against a cursor of another order.
std::string StoredSignature(const std::string& signature) {
  const nlohmann::json stored = nlohmann::json::parse(
      nlohmann::json(signature).dump(-1, ' ', false,
                                     nlohmann::json::error_handler_t::replace),
      nullptr, /*allow_exceptions=*/false);
  return stored.is_string() ? stored.get<std::string>() : std::string();
}

std::string Base64(absl::string_view bytes) {
  std::string out;
  absl::WebSafeBase64Escape(bytes, &out);
  return out;
}

// Cursor text: URL-safe base64 of JSON {"v":1,"keys":SIGNATURE,
// "values":[...],"id":ID}; values hold the last row's raw values (float
// bits, integers, base64 of category strings; null for NULL), so the
// cursor means the same position after the table changes. Strings are
// base64 because ids and categories are arbitrary bytes, not UTF-8.
std::string EncodeCursor(const Table& table, const std::vector<SortKey>& keys,
                         RowIndex row) {
  const TableImpl& impl = internal::ImplOf(table);
  nlohmann::json values = nlohmann::json::array();
  for (const SortKey& key : keys) {
    size_t offset;
    const ColumnChunk& cc = impl.Cell(row, key.column, &offset);
    if (key.type == ColumnType::kId || !cc.IsValid(offset)) {
      values.push_back(nullptr);
      continue;
    }
    switch (key.type) {
      case ColumnType::kFloat: {
        uint32_t bits;
        std::memcpy(&bits, &cc.floats[offset], sizeof(bits));
        values.push_back(bits);
        break;
      }
      case ColumnType::kInt:
        values.push_back(cc.IntAt(offset));
        break;
      default:
        values.push_back(
            Base64(impl.dictionaries[key.column].strings[cc.IntAt(offset)]));
        break;
    }
  }
  const nlohmann::json cursor = {{"v", 1},
                                 {"keys", KeySignature(table, keys)},
                                 {"values", std::move(values)},
                                 {"id", Base64(impl.RowId(row))}};
  std::string out;
  absl::WebSafeBase64Escape(
      cursor.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
      &out);
  return out;
}

absl::StatusOr<CursorPosition> DecodeCursor(const Table& table,
                                            const std::vector<SortKey>& keys,
                                            absl::string_view text) {
  auto bad = [](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("malformed cursor: ", why));
  };
  std::string raw;
  if (!absl::WebSafeBase64Unescape(text, &raw)) return bad("not base64");
  const nlohmann::json cursor =
      nlohmann::json::parse(raw, nullptr, /*allow_exceptions=*/false);
  if (!cursor.is_object() || !cursor.contains("v") || cursor["v"] != 1 ||
      !cursor.contains("keys") || !cursor["keys"].is_string() ||
      !cursor.contains("values") || !cursor["values"].is_array() ||
      !cursor.contains("id") || !cursor["id"].is_string()) {
    return bad("unexpected content");
  }
  const std::string signature = KeySignature(table, keys);
  const std::string& made_for = cursor["keys"].get_ref<const std::string&>();
  if (made_for != StoredSignature(signature)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cursor was made for order '", internal::EscapeForMessage(made_for),
        "', not '", internal::EscapeForMessage(signature), "'"));
  }
  const nlohmann::json& values = cursor["values"];
  if (values.size() != keys.size()) return bad("wrong number of values");
  CursorPosition position;
  if (!absl::WebSafeBase64Unescape(cursor["id"].get<std::string>(),
                                   &position.id)) {
    return bad("id is not base64");
  }
  for (size_t k = 0; k < keys.size(); ++k) {
    const SortKey& key = keys[k];
    const nlohmann::json& v = values[k];
    const uint64_t flip = key.descending ? ~uint64_t{0} : 0;
    if (key.type == ColumnType::kId) {
      position.keys.push_back(0);
    } else if (v.is_null()) {
      position.keys.push_back(std::nullopt);
    } else if (key.type == ColumnType::kFloat && v.is_number_unsigned() &&
               v.get<uint64_t>() <= 0xffffffffu) {
      const uint32_t bits = static_cast<uint32_t>(v.get<uint64_t>());
      float f;
      std::memcpy(&f, &bits, sizeof(f));
      if (!std::isfinite(f)) return bad("not a finite float");
      position.keys.push_back(FloatKey(f) ^ flip);
    } else if (key.type == ColumnType::kInt && v.is_number_integer()) {
      position.keys.push_back(
          (static_cast<uint64_t>(v.get<int64_t>()) ^ (uint64_t{1} << 63)) ^
          flip);
    } else if (key.type == ColumnType::kCategorical && v.is_string()) {
      const internal::Dictionary& dict =
          internal::ImplOf(table).dictionaries[key.column];
      std::string category;
      if (!absl::WebSafeBase64Unescape(v.get<std::string>(), &category)) {
        return bad("category is not base64");
      }
      const std::optional<int64_t> code = dict.Find(category);
      if (code.has_value()) {
        position.keys.push_back(key.rank[*code] ^ flip);
      } else {
        // A cursor made on another table (a partition of the same run, a
        // reloaded copy): the string sorts between two of this table's, at
        // the even key below the rank of the first greater one.
        uint64_t smaller = 0;
        for (size_t i = 0; i < dict.strings.size(); ++i) {
          smaller += dict.strings[i] < absl::string_view(category);
        }
        position.keys.push_back((2 * smaller) ^ flip);
      }
    } else {
      return bad("value of the wrong type");
    }
  }
  return position;
}

}  // namespace

absl::StatusOr<std::vector<RowIndex>> OrderRows(const Table& table,
                                                const Selection& selection,
                                                absl::Span<const OrderBy> keys,
                                                size_t offset,
                                                std::optional<size_t> limit) {
  SLICEKIT_RETURN_IF_ERROR(
      internal::CheckGeneration(internal::ImplOf(table), selection));
  SLICEKIT_ASSIGN_OR_RETURN(std::vector<SortKey> resolved,
                            ResolveKeys(table, keys));
  const Orderer orderer(internal::ImplOf(table), std::move(resolved));
  return OrderImpl(orderer, selection, offset, limit, nullptr);
}

absl::StatusOr<std::vector<RowIndex>> OrderRows(const Table& table,
                                                const Selection& selection,
                                                const OrderBy& order,
                                                size_t offset,
                                                std::optional<size_t> limit) {
  return OrderRows(table, selection, absl::MakeConstSpan(&order, 1), offset,
                   limit);
}

absl::StatusOr<std::string> OrderCursor(const Table& table,
                                        absl::Span<const OrderBy> keys,
                                        RowIndex row) {
  SLICEKIT_ASSIGN_OR_RETURN(std::vector<SortKey> resolved,
                            ResolveKeys(table, keys));
  if (row >= table.num_rows()) {
    return absl::InvalidArgumentError(
        absl::StrCat("row ", row, " is out of range; the table has ",
                     table.num_rows(), " rows"));
  }
  return EncodeCursor(table, resolved, row);
}

absl::StatusOr<OrderedPage> OrderPage(const Table& table,
                                      const Selection& selection,
                                      absl::Span<const OrderBy> keys,
                                      absl::string_view cursor, size_t limit) {
  SLICEKIT_RETURN_IF_ERROR(
      internal::CheckGeneration(internal::ImplOf(table), selection));
  SLICEKIT_ASSIGN_OR_RETURN(std::vector<SortKey> resolved,
                            ResolveKeys(table, keys));
  if (limit == 0 || limit == SIZE_MAX) {
    return absl::InvalidArgumentError(
        absl::StrCat("page limit ", limit, " is out of range"));
  }
  std::optional<CursorPosition> after;
  if (!cursor.empty()) {
    SLICEKIT_ASSIGN_OR_RETURN(after, DecodeCursor(table, resolved, cursor));
  }
  const Orderer orderer(internal::ImplOf(table), resolved);
  OrderedPage page;
  // One row more than asked tells whether another page follows.
  page.rows = OrderImpl(orderer, selection, 0, limit + 1,
                        after.has_value() ? &*after : nullptr);
  if (page.rows.size() > limit) {
    page.rows.pop_back();
    page.next_cursor = EncodeCursor(table, resolved, page.rows.back());
  }
  return page;
}

}  // namespace slicekit
