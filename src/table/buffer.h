// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
// Private: the array behind every column buffer of a table, either owned (a
// vector) or a read-only view of external memory (a table file's mapping).
#ifndef SLICEKIT_SRC_TABLE_BUFFER_H_
#define SLICEKIT_SRC_TABLE_BUFFER_H_

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace slicekit::internal {

// Reads go through one pointer and one size whichever the storage, so the
// scanner's loops are the same over owned and mapped pages. Any write to a
// view first copies it into an owned vector (copy on write); after every
// write the pointer is taken again from the vector.
template <typename T>
class Buffer {
 public:
  Buffer() = default;
  Buffer(const Buffer& other) : owned_(other.owned_) {
    if (other.external_) {
      View(other.data_, other.size_);
    } else {
      Sync();
    }
  }
  Buffer& operator=(const Buffer& other) {
    if (this != &other) *this = Buffer(other);
    return *this;
  }
  // Moving a vector keeps its heap block, so data_ stays valid.
  Buffer(Buffer&& other) noexcept
      : owned_(std::move(other.owned_)),
        data_(other.data_),
        size_(other.size_),
        external_(other.external_) {
    other.Reset();
  }
  Buffer& operator=(Buffer&& other) noexcept {
    owned_ = std::move(other.owned_);
    data_ = other.data_;
    size_ = other.size_;
    external_ = other.external_;
    other.Reset();
    return *this;
  }
  // An owned copy of `values`.
  explicit Buffer(std::vector<T> values) : owned_(std::move(values)) { Sync(); }

  const T* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const T& operator[](size_t i) const { return data_[i]; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }
  const T& back() const { return data_[size_ - 1]; }
  bool is_view() const { return external_; }
  // Heap bytes held: the vector's capacity, or for a view the bytes it
  // shows (mapped, paged in only as read).
  size_t HeldBytes() const {
    return (external_ ? size_ : owned_.capacity()) * sizeof(T);
  }

  // Shows `n` values at `data` (not owned; must outlive the buffer).
  void View(const T* data, size_t n) {
    owned_ = {};
    data_ = data;
    size_ = n;
    external_ = true;
  }

  // Writes, each preceded by MakeOwned().
  T* mutable_data() {
    MakeOwned();
    return owned_.data();
  }
  void resize(size_t n, T value = T{}) {
    MakeOwned();
    owned_.resize(n, value);
    Sync();
  }
  void assign(size_t n, T value) {
    MakeOwned();
    owned_.assign(n, value);
    Sync();
  }
  void push_back(T value) {
    MakeOwned();
    owned_.push_back(value);
    Sync();
  }
  void append(const T* values, size_t n) {
    MakeOwned();
    owned_.insert(owned_.end(), values, values + n);
    Sync();
  }
  void reserve(size_t n) {
    MakeOwned();
    owned_.reserve(n);
    Sync();
  }
  void shrink_to_fit() {
    if (external_) return;
    owned_.shrink_to_fit();
    Sync();
  }
  void clear() {
    Reset();
    owned_ = {};
  }
  // Copies a view into an owned vector; no-op when already owned.
  void MakeOwned() {
    if (!external_) return;
    owned_.assign(data_, data_ + size_);
    external_ = false;
    Sync();
  }

 private:
  void Sync() {
    data_ = owned_.data();
    size_ = owned_.size();
  }
  void Reset() {
    data_ = nullptr;
    size_ = 0;
    external_ = false;
  }

  std::vector<T> owned_;
  const T* data_ = nullptr;
  size_t size_ = 0;
  bool external_ = false;
};

// Strings in order (a categorical column's dictionary): concatenated bytes
// and the end offset of each, so a file can map them as they are.
class StringList {
 public:
  size_t size() const { return ends.size(); }
  bool empty() const { return ends.empty(); }
  absl::string_view operator[](size_t i) const {
    const uint64_t begin = i == 0 ? 0 : ends[i - 1];
    return absl::string_view(bytes.data() + begin, ends[i] - begin);
  }
  void push_back(absl::string_view s) {
    bytes.append(s.data(), s.size());
    ends.push_back(bytes.size());
  }
  size_t HeldBytes() const { return bytes.HeldBytes() + ends.HeldBytes(); }

  Buffer<char> bytes;
  Buffer<uint64_t> ends;
};

}  // namespace slicekit::internal

#endif  // SLICEKIT_SRC_TABLE_BUFFER_H_
