# Finds freeDiameter (Debian's libfreediameter-dev ships neither CMake nor pkg-config files).
# Defines FreeDiameter_FOUND, FreeDiameter_INCLUDE_DIR and the imported targets FreeDiameter::fdproto
# (messages, dictionary; no sockets) and FreeDiameter::fdcore (peers, routing; links fdproto).
# Include <freeDiameter/freeDiameter-host.h> before the library headers.
find_path(FreeDiameter_INCLUDE_DIR NAMES freeDiameter/libfdcore.h)
find_library(FreeDiameter_fdproto_LIBRARY NAMES fdproto)
find_library(FreeDiameter_fdcore_LIBRARY NAMES fdcore)

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(FreeDiameter
  REQUIRED_VARS FreeDiameter_fdcore_LIBRARY FreeDiameter_fdproto_LIBRARY FreeDiameter_INCLUDE_DIR)
mark_as_advanced(FreeDiameter_INCLUDE_DIR FreeDiameter_fdproto_LIBRARY FreeDiameter_fdcore_LIBRARY)

if(FreeDiameter_FOUND AND NOT TARGET FreeDiameter::fdproto)
  add_library(FreeDiameter::fdproto UNKNOWN IMPORTED)
  set_target_properties(FreeDiameter::fdproto PROPERTIES
    IMPORTED_LOCATION "${FreeDiameter_fdproto_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${FreeDiameter_INCLUDE_DIR}")
  add_library(FreeDiameter::fdcore UNKNOWN IMPORTED)
  set_target_properties(FreeDiameter::fdcore PROPERTIES
    IMPORTED_LOCATION "${FreeDiameter_fdcore_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${FreeDiameter_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES FreeDiameter::fdproto)
endif()
