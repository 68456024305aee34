// CompactVector: a vector of one pointer for the account's lists (P5, bytes per subscriber).
// Size and capacity live in the heap block before the elements, and an empty list allocates
// nothing, so a list the account never fills (identities, reservations, windows, ...) costs 8
// bytes instead of std::vector's 24, and a filled one one allocation instead of std::vector's
// object plus its buffer. The interface is the part of std::vector the engine uses.
#pragma once

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace gyrate::engine {

template <typename T>
class CompactVector {
  static_assert(alignof(T) <= 8, "elements follow an 8-byte header");

 public:
  using value_type = T;
  using size_type = size_t;
  using iterator = T*;
  using const_iterator = const T*;
  using reference = T&;
  using const_reference = const T&;

  CompactVector() = default;
  CompactVector(std::initializer_list<T> items) { append_copies(items.begin(), items.end()); }
  // Implicit both ways: the engine's public structs (Balances, ProvisionSpec) keep std::vector.
  CompactVector(const std::vector<T>& items) { append_copies(items.begin(), items.end()); }
  CompactVector(std::vector<T>&& items) {
    reserve(items.size());
    for (T& x : items) push_back(std::move(x));
  }
  template <typename It>
    requires(!std::is_integral_v<It>)
  CompactVector(It first, It last) {
    append_copies(first, last);
  }
  CompactVector(const CompactVector& other) { append_copies(other.begin(), other.end()); }
  CompactVector(CompactVector&& other) noexcept : block_(std::exchange(other.block_, nullptr)) {}
  CompactVector& operator=(const CompactVector& other) {
    if (this != &other) {
      CompactVector copy(other);
      swap(copy);
    }
    return *this;
  }
  CompactVector& operator=(CompactVector&& other) noexcept {
    CompactVector taken(std::move(other));
    swap(taken);
    return *this;
  }
  ~CompactVector() { release(); }

  operator std::vector<T>() const& { return std::vector<T>(begin(), end()); }
  operator std::vector<T>() && {
    std::vector<T> out(std::make_move_iterator(begin()), std::make_move_iterator(end()));
    release();
    return out;
  }

  void swap(CompactVector& other) noexcept { std::swap(block_, other.block_); }

  size_t size() const { return block_ ? block_->size : 0; }
  size_t capacity() const { return block_ ? block_->capacity : 0; }
  bool empty() const { return size() == 0; }

  T* data() { return block_ ? elements() : nullptr; }
  const T* data() const { return block_ ? elements() : nullptr; }
  T* begin() { return data(); }
  T* end() { return data() + size(); }
  const T* begin() const { return data(); }
  const T* end() const { return data() + size(); }
  T& operator[](size_t i) { return elements()[i]; }
  const T& operator[](size_t i) const { return elements()[i]; }
  T& front() { return elements()[0]; }
  const T& front() const { return elements()[0]; }
  T& back() { return elements()[size() - 1]; }
  const T& back() const { return elements()[size() - 1]; }

  void reserve(size_t n) {
    if (n > capacity()) grow_to(n);
  }
  void push_back(const T& x) { emplace_back(x); }
  void push_back(T&& x) { emplace_back(std::move(x)); }
  template <typename... Args>
  T& emplace_back(Args&&... args) {
    if (size() == capacity()) {
      // Built before the move: an argument may refer to an element of this list.
      T made(std::forward<Args>(args)...);
      grow_to(capacity() == 0 ? 1 : capacity() * 2);
      return *new (elements() + block_->size++) T(std::move(made));
    }
    return *new (elements() + block_->size++) T(std::forward<Args>(args)...);
  }
  T* insert(const T* position, T x) {
    size_t at = static_cast<size_t>(position - begin());
    emplace_back(std::move(x));
    std::rotate(begin() + at, end() - 1, end());
    return begin() + at;
  }
  void resize(size_t n, const T& value) {
    if (n < size()) {
      erase(begin() + n, end());
      return;
    }
    reserve(n);
    while (size() < n) push_back(value);
  }
  void pop_back() {
    std::destroy_at(&back());
    --block_->size;
  }

  T* erase(const T* position) { return erase(position, position + 1); }
  T* erase(const T* first, const T* last) {
    T* from = begin() + (first - begin());
    if (first == last) return from;
    T* moved_end = std::move(from + (last - first), end(), from);
    std::destroy(moved_end, end());
    block_->size = static_cast<uint32_t>(moved_end - begin());
    return from;
  }
  // Frees the block: an emptied list costs what a never-filled one does.
  void clear() { release(); }
  void assign(size_t n, const T& value) {
    clear();
    reserve(n);
    for (size_t i = 0; i < n; ++i) push_back(value);
  }
  template <typename It>
    requires(!std::is_integral_v<It>)  // assign(3, 0) is a count and a value
  void assign(It first, It last) {
    clear();
    append_copies(first, last);
  }

  friend bool operator==(const CompactVector& a, const CompactVector& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
  }

 private:
  struct Header {
    uint32_t size;
    uint32_t capacity;
  };

  T* elements() const { return reinterpret_cast<T*>(block_ + 1); }

  template <typename It>
  void append_copies(It first, It last) {
    if constexpr (std::is_base_of_v<std::forward_iterator_tag,
                                    typename std::iterator_traits<It>::iterator_category>) {
      reserve(size() + static_cast<size_t>(std::distance(first, last)));
    }
    for (; first != last; ++first) emplace_back(*first);
  }

  void grow_to(size_t n) {
    void* memory = ::operator new(sizeof(Header) + n * sizeof(T));
    auto* grown = new (memory) Header{static_cast<uint32_t>(size()), static_cast<uint32_t>(n)};
    if (block_) {
      std::uninitialized_move(begin(), end(), reinterpret_cast<T*>(grown + 1));
      std::destroy(begin(), end());
      ::operator delete(block_);
    }
    block_ = grown;
  }

  void release() {
    if (!block_) return;
    std::destroy(begin(), end());
    ::operator delete(block_);
    block_ = nullptr;
  }

  Header* block_ = nullptr;
};

// std::erase_if for CompactVector (found by argument-dependent lookup).
template <typename T, typename Pred>
size_t erase_if(CompactVector<T>& v, Pred pred) {
  T* kept = std::remove_if(v.begin(), v.end(), pred);
  size_t removed = static_cast<size_t>(v.end() - kept);
  v.erase(kept, v.end());
  if (v.empty()) v.clear();
  return removed;
}

}  // namespace gyrate::engine
