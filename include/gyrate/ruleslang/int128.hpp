// The 128-bit integer used for exact intermediates (a*b of two int64 always fits), spelled once
// behind __extension__ so that -Wpedantic accepts it in every file that includes this.
#pragma once

namespace gyrate::lang {

__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 UInt128;

}  // namespace gyrate::lang
