// SmallVector: a list of plain values with room for N inside the object, on the heap only beyond
// that. The account's per-service counters use it (P5): a plan rates a few services, so `used` and
// `period_allowance` cost no allocation of their own. The interface is the part of std::vector the
// engine uses.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>
#include <vector>

namespace gyrate::engine {

template <typename T, uint32_t N>
class SmallVector {
  static_assert(std::is_trivially_copyable_v<T>, "elements are copied as bytes");

 public:
  using value_type = T;
  using iterator = T*;
  using const_iterator = const T*;

  SmallVector() = default;
  // Implicit both ways, like CompactVector: code that builds a std::vector assigns it.
  SmallVector(const std::vector<T>& items) { assign(items.begin(), items.end()); }
  SmallVector(const SmallVector& other) { assign(other.begin(), other.end()); }
  SmallVector(SmallVector&& other) noexcept { take(other); }
  SmallVector& operator=(const SmallVector& other) {
    if (this != &other) assign(other.begin(), other.end());
    return *this;
  }
  SmallVector& operator=(SmallVector&& other) noexcept {
    if (this != &other) {
      release();
      take(other);
    }
    return *this;
  }
  ~SmallVector() { release(); }

  operator std::vector<T>() const { return std::vector<T>(begin(), end()); }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T* data() { return on_heap() ? heap_ : inline_; }
  const T* data() const { return on_heap() ? heap_ : inline_; }
  T* begin() { return data(); }
  T* end() { return data() + size_; }
  const T* begin() const { return data(); }
  const T* end() const { return data() + size_; }
  T& operator[](size_t i) { return data()[i]; }
  const T& operator[](size_t i) const { return data()[i]; }

  void clear() {
    release();
    size_ = 0;
  }
  void assign(size_t n, const T& value) {
    reserve_exactly(n);
    std::fill_n(data(), n, value);
    size_ = static_cast<uint32_t>(n);
  }
  template <typename It>
    requires(!std::is_integral_v<It>)  // assign(3, 0) is a count and a value
  void assign(It first, It last) {
    size_t n = static_cast<size_t>(std::distance(first, last));
    reserve_exactly(n);
    std::copy(first, last, data());
    size_ = static_cast<uint32_t>(n);
  }
  void resize(size_t n, const T& value) {
    if (n > capacity_) {
      SmallVector grown;
      grown.reserve_exactly(n);
      std::copy(begin(), end(), grown.data());
      grown.size_ = size_;
      *this = std::move(grown);
    }
    if (n > size_) std::fill(end(), data() + n, value);
    size_ = static_cast<uint32_t>(n);
  }

  friend bool operator==(const SmallVector& a, const SmallVector& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
  }

 private:
  bool on_heap() const { return capacity_ > N; }

  // Drops the contents; afterwards there is room for n.
  void reserve_exactly(size_t n) {
    if (n <= capacity_) return;
    release();
    heap_ = new T[n];
    capacity_ = static_cast<uint32_t>(n);
  }
  void release() {
    if (on_heap()) delete[] heap_;
    capacity_ = N;
  }
  void take(SmallVector& other) {
    size_ = other.size_;
    capacity_ = other.capacity_;
    if (other.on_heap()) {
      heap_ = other.heap_;
    } else {
      std::memcpy(inline_, other.inline_, sizeof(inline_));
    }
    other.size_ = 0;
    other.capacity_ = N;
  }

  uint32_t size_ = 0;
  uint32_t capacity_ = N;
  union {
    T inline_[N]{};
    T* heap_;
  };
};

}  // namespace gyrate::engine
