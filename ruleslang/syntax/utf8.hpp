// Decoding one UTF-8 sequence, shared by the prescan (which names non-ASCII characters) and the
// renderer (which echoes them).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace gyrate::lang {

// Decodes the UTF-8 sequence at text[i]; returns its length in bytes and sets cp, or returns 0
// when the bytes there are not well-formed UTF-8 (a stray continuation, a truncated sequence, an
// overlong form or a surrogate).
inline size_t decode_utf8(std::string_view text, size_t i, uint32_t& cp) {
  const auto lead = static_cast<unsigned char>(text[i]);
  size_t len = 0;
  if (lead >= 0xc2 && lead <= 0xdf) {
    len = 2;
    cp = lead & 0x1fu;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    len = 3;
    cp = lead & 0x0fu;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    len = 4;
    cp = lead & 0x07u;
  } else {
    return 0;
  }
  if (i + len > text.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    const auto c = static_cast<unsigned char>(text[i + k]);
    if ((c & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (c & 0x3fu);
  }
  const bool overlong = (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
  if (overlong || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return len;
}

}  // namespace gyrate::lang
