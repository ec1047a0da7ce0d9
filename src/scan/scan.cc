// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// The vectorized scanner: per chunk, zone maps decide whether the filter
// can match none, all or some rows; only "some" chunks are evaluated, batch
// by batch, each leaf a branch-free kernel over a contiguous array writing
// 64 results per word, AND/OR combining words and skipping decided batches.
#include "slicekit/scan.h"

#include <algorithm>
#include <cstring>
#include <thread>
#include <vector>

#include "src/scan/bound_program.h"
#include "src/scan/kernels.h"
#include "src/table/table_impl.h"

namespace slicekit {
namespace {

using internal::BoundNode;
using internal::BoundProgram;
using internal::Chunk;
using internal::ColumnChunk;
using internal::NodeKind;
using internal::TableImpl;

constexpr size_t kBatchRows = 2048;

// What a node's TRUE set is within one chunk, from the zone maps alone.
enum class ChunkState : uint8_t {
  kNone,   // no row
  kAll,    // every row
  kValid,  // exactly the rows whose value is present (leaves only)
  kSome,   // must evaluate
};

// Per-scan data for leaves whose inputs may have grown since Bind():
// dictionary lookup tables and id row lists.
struct LeafData {
  std::vector<uint8_t> lut;  // kCodeSet, over the current dictionary
  int64_t single_code = -1;  // kCodeSet with exactly one matching code
  bool single_negated = false;
  std::vector<RowIndex> rows;  // kIdSet: live rows with a listed id
};

class ScanState {
 public:
  ScanState(const BoundProgram& program) : program_(program) {
    leaves_.resize(program.num_nodes);
    Prepare(program.root);
  }
  const LeafData& leaf(const BoundNode& node) const {
    return leaves_[node.node_index];
  }

 private:
  void Prepare(const BoundNode& node) {
    for (const BoundNode& child : node.children) Prepare(child);
    LeafData& data = leaves_[node.node_index];
    const TableImpl& table = *program_.table;
    if (node.kind == NodeKind::kCodeSet) {
      const internal::Dictionary& dict = table.dictionaries[node.column];
      data.lut = node.lut;
      // Strings first seen after Bind() get their verdict now.
      for (size_t code = data.lut.size(); code < dict.strings.size(); ++code) {
        data.lut.push_back(node.strings.Matches(dict.strings[code]) !=
                           node.negate);
      }
      size_t ones = 0;
      int64_t one = -1, zero = -1;
      for (size_t code = 0; code < data.lut.size(); ++code) {
        if (data.lut[code]) {
          ++ones;
          one = static_cast<int64_t>(code);
        } else {
          zero = static_cast<int64_t>(code);
        }
      }
      if (ones == 1) {
        data.single_code = one;
      } else if (ones + 1 == data.lut.size() && ones > 0) {
        data.single_code = zero;
        data.single_negated = true;
      }
    } else if (node.kind == NodeKind::kIdSet) {
      for (const std::string& id : node.strings.values) {
        if (std::optional<RowIndex> row = table.FindLive(id)) {
          data.rows.push_back(*row);
        }
      }
      std::sort(data.rows.begin(), data.rows.end());
    }
  }

  const BoundProgram& program_;
  std::vector<LeafData> leaves_;
};

ChunkState PresentState(const ColumnChunk& c, uint32_t size) {
  if (c.null_count == 0) return ChunkState::kAll;
  if (c.null_count == size) return ChunkState::kNone;
  return ChunkState::kValid;
}

// For a leaf whose condition holds for no value / every value in the chunk.
ChunkState Decided(bool holds_for_all, bool negate, const ColumnChunk& c,
                   uint32_t size) {
  return holds_for_all != negate ? PresentState(c, size) : ChunkState::kNone;
}

class ChunkScanner {
 public:
  ChunkScanner(const BoundProgram& program, const ScanState& state)
      : program_(program),
        state_(state),
        states_(program.num_nodes),
        scratch_((program.depth + 1) * (kBatchRows / 64)) {}

  // Writes the chunk's result into `out` (its first word).
  void ScanChunk(const Chunk& chunk, uint64_t* out) {
    chunk_ = &chunk;
    const size_t words = (chunk.size + 63) / 64;
    const ChunkState root = Classify(program_.root);
    if (root == ChunkState::kNone) {
      std::fill(out, out + words, 0);
    } else if (root == ChunkState::kAll) {
      FillOnes(out, chunk.size);
    } else {
      for (size_t begin = 0; begin < chunk.size; begin += kBatchRows) {
        const size_t n = std::min<size_t>(kBatchRows, chunk.size - begin);
        Eval(program_.root, begin, n, out + begin / 64, 0);
      }
    }
    if (!chunk.deleted.empty()) {
      for (size_t w = 0; w < words; ++w) out[w] &= ~chunk.deleted[w];
    }
  }

 private:
  static void FillOnes(uint64_t* out, size_t n) {
    const size_t full = n / 64;
    std::fill(out, out + full, ~uint64_t{0});
    if (n % 64 != 0) out[full] = (uint64_t{1} << (n % 64)) - 1;
  }

  ChunkState Classify(const BoundNode& node) {
    ChunkState s = ClassifyNode(node);
    if (s == ChunkState::kValid &&
        chunk_->columns[node.column].null_count == 0) {
      s = ChunkState::kAll;
    }
    states_[node.node_index] = s;
    return s;
  }

  ChunkState ClassifyNode(const BoundNode& node) {
    const uint32_t size = chunk_->size;
    switch (node.kind) {
      case NodeKind::kTrue:
        return ChunkState::kAll;
      case NodeKind::kFalse:
        return ChunkState::kNone;
      case NodeKind::kAnd:
      case NodeKind::kOr: {
        const bool is_and = node.kind == NodeKind::kAnd;
        bool all = true, none = true;
        for (const BoundNode& child : node.children) {
          const ChunkState s = Classify(child);
          if (s != ChunkState::kAll) all = false;
          if (s != ChunkState::kNone) none = false;
          if (is_and && s == ChunkState::kNone) return ChunkState::kNone;
          if (!is_and && s == ChunkState::kAll) return ChunkState::kAll;
        }
        if (all) return ChunkState::kAll;
        if (none) return ChunkState::kNone;
        return ChunkState::kSome;
      }
      case NodeKind::kComplement:
        switch (Classify(node.children[0])) {
          case ChunkState::kNone:
            return ChunkState::kAll;
          case ChunkState::kAll:
            return ChunkState::kNone;
          default:
            return ChunkState::kSome;
        }
      default:
        break;
    }
    const ColumnChunk& c = chunk_->columns[node.column];
    switch (node.kind) {
      case NodeKind::kIsNull:
        if (c.null_count == 0) return ChunkState::kNone;
        if (c.null_count == size) return ChunkState::kAll;
        return ChunkState::kSome;
      case NodeKind::kIsNotNull:
        return PresentState(c, size);
      case NodeKind::kFloatRange: {
        if (c.float_min > c.float_max) return ChunkState::kNone;
        if (c.float_max < node.float_lo || c.float_min > node.float_hi) {
          return Decided(false, node.negate, c, size);
        }
        if (node.float_lo <= c.float_min && c.float_max <= node.float_hi) {
          return Decided(true, node.negate, c, size);
        }
        return ChunkState::kSome;
      }
      case NodeKind::kFloatIn: {
        if (c.float_min > c.float_max) return ChunkState::kNone;
        for (float v : node.float_values) {
          if (v >= c.float_min && v <= c.float_max) return ChunkState::kSome;
        }
        return Decided(false, node.negate, c, size);
      }
      case NodeKind::kIntRange: {
        if (!c.has_values()) return ChunkState::kNone;
        if (c.int_max < node.int_lo || c.int_min > node.int_hi) {
          return Decided(false, node.negate, c, size);
        }
        if (node.int_lo <= c.int_min && c.int_max <= node.int_hi) {
          return Decided(true, node.negate, c, size);
        }
        return ChunkState::kSome;
      }
      case NodeKind::kIntIn: {
        if (!c.has_values()) return ChunkState::kNone;
        for (int64_t v : node.int_values) {
          if (v >= c.int_min && v <= c.int_max) return ChunkState::kSome;
        }
        return Decided(false, node.negate, c, size);
      }
      case NodeKind::kCodeSet: {
        if (!c.has_values()) return ChunkState::kNone;
        const std::vector<uint8_t>& lut = state_.leaf(node).lut;
        // Only worth checking when the chunk's code range is small.
        if (c.int_max - c.int_min > 4096) return ChunkState::kSome;
        bool any = false, all = true;
        for (int64_t code = c.int_min; code <= c.int_max; ++code) {
          any |= lut[code] != 0;
          all &= lut[code] != 0;
        }
        if (!any) return ChunkState::kNone;
        if (all) return PresentState(c, size);
        return ChunkState::kSome;
      }
      case NodeKind::kIdSet: {
        const std::vector<RowIndex>& rows = state_.leaf(node).rows;
        const RowIndex first = static_cast<RowIndex>(ChunkFirstRow());
        auto it = std::lower_bound(rows.begin(), rows.end(), first);
        const bool any = it != rows.end() && *it < first + size;
        if (!any) return node.negate ? ChunkState::kAll : ChunkState::kNone;
        return ChunkState::kSome;
      }
      case NodeKind::kIdCompare:
        return ChunkState::kSome;
      default:
        return ChunkState::kSome;
    }
  }

  size_t ChunkFirstRow() const {
    return static_cast<size_t>(chunk_ - program_.table->chunks.data()) *
           program_.table->chunk_rows();
  }

  // Evaluates `node` over rows [begin, begin + n) of the chunk into `out`.
  void Eval(const BoundNode& node, size_t begin, size_t n, uint64_t* out,
            int depth) {
    const size_t words = (n + 63) / 64;
    switch (states_[node.node_index]) {
      case ChunkState::kNone:
        std::fill(out, out + words, 0);
        return;
      case ChunkState::kAll:
        FillOnes(out, n);
        return;
      case ChunkState::kValid: {
        const uint64_t* valid =
            chunk_->columns[node.column].validity.data() + begin / 64;
        std::copy(valid, valid + words, out);
        return;
      }
      case ChunkState::kSome:
        break;
    }
    if (node.kind == NodeKind::kAnd || node.kind == NodeKind::kOr) {
      EvalCombination(node, begin, n, out, depth);
      return;
    }
    if (node.kind == NodeKind::kComplement) {
      Eval(node.children[0], begin, n, out, depth + 1);
      Invert(out, n);
      return;
    }
    EvalLeaf(node, begin, n, out, depth);
    if (node.kind != NodeKind::kIsNull) {
      const internal::Buffer<uint64_t>& validity =
          chunk_->columns[node.column].validity;
      if (!validity.empty()) {
        const uint64_t* valid = validity.data() + begin / 64;
        for (size_t w = 0; w < words; ++w) out[w] &= valid[w];
      }
    }
  }

  void EvalCombination(const BoundNode& node, size_t begin, size_t n,
                       uint64_t* out, int depth) {
    const size_t words = (n + 63) / 64;
    const bool is_and = node.kind == NodeKind::kAnd;
    uint64_t* tmp = scratch_.data() + depth * (kBatchRows / 64);
    bool first = true;
    for (const BoundNode& child : node.children) {
      const ChunkState s = states_[child.node_index];
      // Identity children change nothing.
      if (is_and && s == ChunkState::kAll) continue;
      if (!is_and && s == ChunkState::kNone) continue;
      if (first) {
        Eval(child, begin, n, out, depth + 1);
        first = false;
      } else {
        Eval(child, begin, n, tmp, depth + 1);
        if (is_and) {
          for (size_t w = 0; w < words; ++w) out[w] &= tmp[w];
        } else {
          for (size_t w = 0; w < words; ++w) out[w] |= tmp[w];
        }
      }
      if (Settled(out, n, is_and)) return;
    }
    if (first) {
      // Every child was an identity.
      if (is_and) {
        FillOnes(out, n);
      } else {
        std::fill(out, out + words, 0);
      }
    }
  }

  // True when an AND result is all zero or an OR result all ones.
  static bool Settled(const uint64_t* out, size_t n, bool is_and) {
    const size_t words = (n + 63) / 64;
    if (is_and) {
      uint64_t any = 0;
      for (size_t w = 0; w < words; ++w) any |= out[w];
      return any == 0;
    }
    uint64_t all = ~uint64_t{0};
    for (size_t w = 0; w + 1 < words; ++w) all &= out[w];
    const uint64_t last_mask =
        n % 64 == 0 ? ~uint64_t{0} : (uint64_t{1} << (n % 64)) - 1;
    return all == ~uint64_t{0} && (out[words - 1] & last_mask) == last_mask;
  }

  template <typename Fn>
  static void WithValues(const ColumnChunk& c, size_t begin, Fn&& fn) {
    switch (c.width) {
      case 1:
        fn(c.u8.data() + begin);
        break;
      case 2:
        fn(c.u16.data() + begin);
        break;
      case 4:
        fn(c.u32.data() + begin);
        break;
      default:
        fn(c.u64.data() + begin);
        break;
    }
  }

  static uint64_t Relative(const ColumnChunk& c, int64_t v) {
    return static_cast<uint64_t>(v) - static_cast<uint64_t>(c.base);
  }

  // Ors equality matches of each value into `out` (cleared first).
  template <typename T>
  void OrEquals(const T* values, size_t n, const ColumnChunk& c,
                const std::vector<int64_t>& targets, uint64_t* out,
                uint64_t* tmp) {
    const size_t words = (n + 63) / 64;
    std::fill(out, out + words, 0);
    for (int64_t v : targets) {
      if (v < c.int_min || v > c.int_max) continue;
      const uint64_t r = Relative(c, v);
      internal::UintRange(values, n, r, r, false, tmp);
      for (size_t w = 0; w < words; ++w) out[w] |= tmp[w];
    }
  }

  void EvalLeaf(const BoundNode& node, size_t begin, size_t n, uint64_t* out,
                int depth) {
    const size_t words = (n + 63) / 64;
    const ColumnChunk& c = chunk_->columns[node.column];
    uint64_t* tmp = scratch_.data() + depth * (kBatchRows / 64);
    switch (node.kind) {
      case NodeKind::kIsNull: {
        const uint64_t* valid = c.validity.data() + begin / 64;
        for (size_t w = 0; w < words; ++w) out[w] = ~valid[w];
        if (n % 64 != 0) out[words - 1] &= (uint64_t{1} << (n % 64)) - 1;
        return;
      }
      case NodeKind::kIsNotNull: {
        const uint64_t* valid = c.validity.data() + begin / 64;
        std::copy(valid, valid + words, out);
        return;
      }
      case NodeKind::kFloatRange:
        internal::FloatRange(c.floats.data() + begin, n, node.float_lo,
                             node.float_hi, node.negate, out);
        return;
      case NodeKind::kFloatIn: {
        std::fill(out, out + words, 0);
        for (float v : node.float_values) {
          if (v < c.float_min || v > c.float_max) continue;
          internal::FloatRange(c.floats.data() + begin, n, v, v, false, tmp);
          for (size_t w = 0; w < words; ++w) out[w] |= tmp[w];
        }
        if (node.negate) Invert(out, n);
        return;
      }
      case NodeKind::kIntRange: {
        const int64_t lo = std::max(node.int_lo, c.int_min);
        const int64_t hi = std::min(node.int_hi, c.int_max);
        WithValues(c, begin, [&](const auto* values) {
          internal::UintRange(values, n, Relative(c, lo), Relative(c, hi),
                              node.negate, out);
        });
        return;
      }
      case NodeKind::kIntIn:
        WithValues(c, begin, [&](const auto* values) {
          OrEquals(values, n, c, node.int_values, out, tmp);
        });
        if (node.negate) Invert(out, n);
        return;
      case NodeKind::kCodeSet: {
        const LeafData& data = state_.leaf(node);
        if (data.single_code >= 0) {
          const int64_t code = data.single_code;
          if (code < c.int_min || code > c.int_max) {
            // Not in this chunk: `= code` matches nothing, `!= code` all.
            std::fill(out, out + words, 0);
            if (data.single_negated) FillOnes(out, n);
            return;
          }
          WithValues(c, begin, [&](const auto* values) {
            const uint64_t r = Relative(c, code);
            internal::UintRange(values, n, r, r, data.single_negated, out);
          });
          return;
        }
        const uint8_t* lut = data.lut.data() + c.base;
        WithValues(c, begin, [&](const auto* values) {
          internal::UintLookup(values, n, lut, out);
        });
        return;
      }
      case NodeKind::kIdSet: {
        const std::vector<RowIndex>& rows = state_.leaf(node).rows;
        if (node.negate) {
          FillOnes(out, n);
        } else {
          std::fill(out, out + words, 0);
        }
        const size_t first = ChunkFirstRow() + begin;
        for (auto it = std::lower_bound(rows.begin(), rows.end(),
                                        static_cast<RowIndex>(first));
             it != rows.end() && *it < first + n; ++it) {
          const size_t i = *it - first;
          out[i / 64] ^= uint64_t{1} << (i % 64);
        }
        return;
      }
      case NodeKind::kIdCompare: {
        std::fill(out, out + words, 0);
        for (size_t i = 0; i < n; ++i) {
          const bool match = node.strings.Matches(c.IdAt(begin + i));
          if (match != node.negate) out[i / 64] |= uint64_t{1} << (i % 64);
        }
        return;
      }
      default:
        std::fill(out, out + words, 0);
        return;
    }
  }

  static void Invert(uint64_t* out, size_t n) {
    const size_t words = (n + 63) / 64;
    for (size_t w = 0; w < words; ++w) out[w] = ~out[w];
    if (n % 64 != 0) out[words - 1] &= (uint64_t{1} << (n % 64)) - 1;
  }

  const BoundProgram& program_;
  const ScanState& state_;
  const Chunk* chunk_ = nullptr;
  std::vector<ChunkState> states_;
  std::vector<uint64_t> scratch_;
};

}  // namespace

BoundFilter::BoundFilter(std::shared_ptr<const internal::BoundProgram> program)
    : program_(std::move(program)) {}
BoundFilter::~BoundFilter() = default;

const Expr& BoundFilter::expr() const { return program_->expr; }

std::string BoundFilter::DebugString() const {
  return internal::DebugString(*program_);
}

namespace {

// Clears the bits of `words` (one chunk's result, rows from `first`) that
// fall outside [begin, end).
void ClipToRange(uint64_t* words, size_t first, size_t rows, size_t begin,
                 size_t end) {
  for (size_t i = 0; i < rows; i += 64) {
    const size_t row = first + i;
    if (row >= begin && row + 64 <= end) continue;
    uint64_t keep = 0;
    for (size_t b = 0; b < 64; ++b) {
      const size_t r = row + b;
      if (r >= begin && r < end) keep |= uint64_t{1} << b;
    }
    words[i / 64] &= keep;
  }
}

// Scans every program over the rows in [options.begin_row, end_row) of
// their table, chunk by chunk, each chunk once for all programs, on up to
// options.threads threads. Chunks are 64-row aligned, so threads write
// disjoint words.
std::vector<Selection> ScanPrograms(
    absl::Span<const BoundProgram* const> programs,
    const ScanOptions& options) {
  std::vector<Selection> selections;
  if (programs.empty()) return selections;
  const TableImpl& table = *programs[0]->table;
  selections.reserve(programs.size());
  for (size_t i = 0; i < programs.size(); ++i) {
    selections.emplace_back(table.num_rows);
    selections.back().set_generation(table.generation);
  }
  const size_t begin = std::min<size_t>(options.begin_row, table.num_rows);
  const size_t end = std::min<size_t>(options.end_row.value_or(table.num_rows),
                                      table.num_rows);
  if (begin >= end) return selections;
  std::vector<ScanState> states;
  states.reserve(programs.size());
  for (const BoundProgram* program : programs) states.emplace_back(*program);
  const size_t chunk_rows = table.chunk_rows();
  const size_t first_chunk = begin / chunk_rows;
  const size_t last_chunk = (end - 1) / chunk_rows + 1;
  auto scan_chunks = [&](size_t first, size_t last) {
    std::vector<ChunkScanner> scanners;
    scanners.reserve(programs.size());
    for (size_t i = 0; i < programs.size(); ++i) {
      scanners.emplace_back(*programs[i], states[i]);
    }
    for (size_t c = first; c < last; ++c) {
      const Chunk& chunk = table.chunks[c];
      const size_t chunk_first = c * chunk_rows;
      const bool clip = chunk_first < begin || chunk_first + chunk.size > end;
      for (size_t i = 0; i < programs.size(); ++i) {
        uint64_t* words =
            selections[i].mutable_words().data() + chunk_first / 64;
        scanners[i].ScanChunk(chunk, words);
        if (clip) ClipToRange(words, chunk_first, chunk.size, begin, end);
      }
    }
  };
  const size_t num_chunks = last_chunk - first_chunk;
  const size_t threads =
      std::min<size_t>(std::max(options.threads, 1), num_chunks);
  if (threads <= 1) {
    scan_chunks(first_chunk, last_chunk);
    return selections;
  }
  std::vector<std::thread> workers;
  workers.reserve(threads - 1);
  for (size_t t = 1; t < threads; ++t) {
    workers.emplace_back(scan_chunks, first_chunk + t * num_chunks / threads,
                         first_chunk + (t + 1) * num_chunks / threads);
  }
  scan_chunks(first_chunk, first_chunk + num_chunks / threads);
  for (std::thread& worker : workers) worker.join();
  return selections;
}

}  // namespace

Selection BoundFilter::Scan(const ScanOptions& options) const {
  const BoundProgram* program = program_.get();
  return std::move(ScanPrograms({&program, 1}, options)[0]);
}

std::vector<Selection> ScanMany(absl::Span<const BoundFilter> filters,
                                const ScanOptions& options) {
  std::vector<const BoundProgram*> programs;
  programs.reserve(filters.size());
  for (const BoundFilter& filter : filters) {
    programs.push_back(filter.program_.get());
  }
  return ScanPrograms(programs, options);
}

}  // namespace slicekit
