// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Ordering: every key is mapped to a uint64 whose unsigned order is the
// requested order, so the hot loop compares integers and only looks at ids
// to break exact ties. With a limit, a bounded max-heap keeps the best
// offset + limit rows; a row whose key is worse than the heap's worst is
// rejected with one compare, so the selection is never sorted as a whole.
#include <algorithm>
#include <bit>
#include <cstring>
#include <numeric>
#include <queue>
#include <vector>

#include "absl/strings/str_cat.h"
#include "slicekit/order.h"
#include "src/table_impl.h"

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
  return (bits & 0x80000000u) ? ~bits & 0xffffffffu : bits | 0x80000000u;
}

uint64_t IntKey(int64_t v) {
  return static_cast<uint64_t>(v) ^ (uint64_t{1} << 63);
}

class Orderer {
 public:
  Orderer(const TableImpl& table, int column, bool descending)
      : table_(table), column_(column), descending_(descending) {
    if (table.schema.column(column).type == ColumnType::kCategorical) {
      // Rank dictionary codes by their strings once; rows then compare ranks.
      const std::vector<std::string>& strings =
          table.dictionaries[column].strings;
      std::vector<uint32_t> order(strings.size());
      std::iota(order.begin(), order.end(), 0);
      std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
        return absl::string_view(strings[a]) < absl::string_view(strings[b]);
      });
      rank_.resize(strings.size());
      for (size_t i = 0; i < order.size(); ++i) rank_[order[i]] = i;
    }
  }

  // a before b: smaller key, then smaller id.
  bool Before(const Entry& a, const Entry& b) const {
    if (a.key != b.key) return a.key < b.key;
    return table_.RowId(a.row) < table_.RowId(b.row);
  }

  // Calls fn(key, row) for each selected live row with a value, and
  // null_fn(row) for each selected live row without one.
  template <typename Fn, typename NullFn>
  void ForEachRow(const Selection& selection, Fn&& fn, NullFn&& null_fn) const {
    const size_t chunk_rows = table_.chunk_rows();
    const std::vector<uint64_t>& words = selection.words();
    const ColumnType type = table_.schema.column(column_).type;
    const uint64_t flip = descending_ ? ~uint64_t{0} : 0;
    for (size_t c = 0; c < table_.chunks.size(); ++c) {
      const Chunk& chunk = table_.chunks[c];
      const ColumnChunk& cc = chunk.columns[column_];
      const size_t first = c * chunk_rows;
      const size_t first_word = first / 64;
      // The selection may predate rows appended since: cover only its words.
      if (first_word >= words.size()) break;
      const size_t chunk_words = std::min<size_t>((chunk.size + 63) / 64,
                                                  words.size() - first_word);
      auto visit = [&](auto key_of) {
        for (size_t w = 0; w < chunk_words; ++w) {
          uint64_t bits = words[first_word + w];
          if (!chunk.deleted.empty()) bits &= ~chunk.deleted[w];
          for (; bits != 0; bits &= bits - 1) {
            const size_t i = w * 64 + std::countr_zero(bits);
            const RowIndex row = static_cast<RowIndex>(first + i);
            if (!cc.IsValid(i)) {
              null_fn(row);
            } else {
              fn(key_of(i) ^ flip, row);
            }
          }
        }
      };
      switch (type) {
        case ColumnType::kFloat:
          visit([&](size_t i) { return FloatKey(cc.floats[i]); });
          break;
        case ColumnType::kInt:
          visit([&](size_t i) { return IntKey(cc.IntAt(i)); });
          break;
        case ColumnType::kCategorical:
          visit([&](size_t i) -> uint64_t { return rank_[cc.IntAt(i)]; });
          break;
        case ColumnType::kId:
          // The tie-break on id is the whole order.
          visit([](size_t) -> uint64_t { return 0; });
          break;
      }
    }
  }

 private:
  const TableImpl& table_;
  const int column_;
  const bool descending_;
  std::vector<uint64_t> rank_;
};

}  // namespace

absl::StatusOr<std::vector<RowIndex>> OrderRows(const Table& table,
                                                const Selection& selection,
                                                const OrderBy& order,
                                                size_t offset,
                                                std::optional<size_t> limit) {
  const std::optional<int> column = table.schema().Find(order.column);
  if (!column.has_value()) {
    const std::string closest = table.schema().ClosestName(order.column);
    return absl::NotFoundError(absl::StrCat(
        "unknown order-by column '", order.column, "'",
        closest.empty() ? "" : absl::StrCat(" (did you mean '", closest, "'?)")));
  }
  std::vector<RowIndex> result;
  if (limit.has_value() && *limit == 0) return result;
  const TableImpl& impl = table.impl();
  const Orderer orderer(impl, *column, order.descending);
  auto before = [&orderer](const Entry& a, const Entry& b) {
    return orderer.Before(a, b);
  };
  const size_t wanted = limit.has_value() && *limit <= SIZE_MAX - offset
                            ? offset + *limit
                            : SIZE_MAX;

  std::vector<Entry> kept;
  std::vector<RowIndex> nulls;
  if (wanted == SIZE_MAX) {
    orderer.ForEachRow(
        selection, [&](uint64_t key, RowIndex row) { kept.push_back({key, row}); },
        [&](RowIndex row) { nulls.push_back(row); });
    std::sort(kept.begin(), kept.end(), before);
  } else {
    // `kept` is a max-heap under `before` holding the best `wanted` rows.
    kept.reserve(std::min<size_t>(wanted, 1 << 16));
    uint64_t worst_key = 0;
    orderer.ForEachRow(
        selection,
        [&](uint64_t key, RowIndex row) {
          if (kept.size() == wanted) {
            if (key > worst_key) return;  // the common case: one compare
            const Entry entry{key, row};
            if (!before(entry, kept.front())) return;
            std::pop_heap(kept.begin(), kept.end(), before);
            kept.back() = entry;
            std::push_heap(kept.begin(), kept.end(), before);
          } else {
            kept.push_back({key, row});
            std::push_heap(kept.begin(), kept.end(), before);
          }
          if (kept.size() == wanted) worst_key = kept.front().key;
        },
        [&](RowIndex row) {
          // NULLs come after every value; keep only as many as could show.
          nulls.push_back(row);
        });
    std::sort_heap(kept.begin(), kept.end(), before);
  }

  const size_t total = kept.size() + nulls.size();
  if (offset >= total) return result;
  const size_t end = wanted == SIZE_MAX ? total : std::min(total, wanted);
  result.reserve(end - offset);
  for (size_t i = offset; i < std::min(end, kept.size()); ++i) {
    result.push_back(kept[i].row);
  }
  if (end > kept.size()) {
    // NULL rows tie on the key: they order by id alone.
    const size_t null_begin = offset > kept.size() ? offset - kept.size() : 0;
    const size_t null_end = end - kept.size();
    auto by_id = [&impl](RowIndex a, RowIndex b) {
      return impl.RowId(a) < impl.RowId(b);
    };
    if (null_end < nulls.size()) {
      std::partial_sort(nulls.begin(), nulls.begin() + null_end, nulls.end(),
                        by_id);
    } else {
      std::sort(nulls.begin(), nulls.end(), by_id);
    }
    for (size_t i = null_begin; i < null_end; ++i) result.push_back(nulls[i]);
  }
  return result;
}

}  // namespace slicekit
