# Warning and sanitizer flags applied to gyrate's own targets (not to third-party headers).
add_library(gyrate_warnings INTERFACE)
target_compile_options(gyrate_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
  -Woverloaded-virtual)
if(GYRATE_WERROR)
  target_compile_options(gyrate_warnings INTERFACE -Werror)
endif()
if(GYRATE_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    # clang's -fsanitize=function reads a signature before every indirect callee; JIT-compiled
    # functions have none, so calls into them would be reported as type mismatches.
    add_compile_options(-fno-sanitize=function)
  endif()
endif()
