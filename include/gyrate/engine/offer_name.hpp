// OfferName: a bucket's offer ("allowance", "rollover", a pack's or a promo's name) as 4 bytes,
// an id into a process-wide table of names that only grows (P5: a Bucket of 32 bytes instead of
// 64 with a std::string). Names come from catalogs and stored accounts, so the table stays small.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace gyrate::engine {

class OfferName {
 public:
  OfferName() = default;  // ""
  OfferName(std::string_view name);  // NOLINT: implicit, a name is an offer
  OfferName(const char* name) : OfferName(std::string_view(name)) {}
  OfferName(const std::string& name) : OfferName(std::string_view(name)) {}

  // Stays valid for the process's life.
  const std::string& str() const;
  const char* c_str() const { return str().c_str(); }
  operator const std::string&() const { return str(); }
  uint32_t id() const { return id_; }

  friend bool operator==(OfferName a, OfferName b) { return a.id_ == b.id_; }
  friend bool operator==(OfferName a, const char* b) { return a.str() == b; }
  friend bool operator==(OfferName a, const std::string& b) { return a.str() == b; }
  friend bool operator==(OfferName a, std::string_view b) { return a.str() == b; }

  // The names the engine itself gives, at fixed ids (no lookup to compare with them).
  static constexpr OfferName fixed(uint32_t id) { return OfferName(id, 0); }

 private:
  constexpr OfferName(uint32_t id, int) : id_(id) {}
  uint32_t id_ = 0;
};

inline constexpr OfferName kAllowanceOffer = OfferName::fixed(1);
inline constexpr OfferName kRolloverOffer = OfferName::fixed(2);
inline constexpr OfferName kOverrunOffer = OfferName::fixed(3);
inline constexpr OfferName kRefundOffer = OfferName::fixed(4);

}  // namespace gyrate::engine
