# The Redis Cluster store's part of gyrate_redis (included by redis/CMakeLists.txt): RedisStore,
# its key names, the CDR exporter, and the FUNCTION library embedded from gyrate_functions.lua.
# It implements the engine's AccountStore, so gyrate_redis depends on gyrate_engine and reads
# the engine's private account codec (engine/account_codec.hpp).
file(READ ${CMAKE_CURRENT_LIST_DIR}/gyrate_functions.lua GYRATE_FUNCTIONS_LUA)
configure_file(${CMAKE_CURRENT_LIST_DIR}/redis_store_functions.cpp.in
  ${CMAKE_CURRENT_BINARY_DIR}/redis_store_functions_lua.cpp @ONLY)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  ${CMAKE_CURRENT_LIST_DIR}/gyrate_functions.lua)
target_sources(gyrate_redis PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/redis_store.cpp
  ${CMAKE_CURRENT_LIST_DIR}/redis_store_keys.cpp
  ${CMAKE_CURRENT_LIST_DIR}/redis_store_functions.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cdr_export.cpp
  ${CMAKE_CURRENT_BINARY_DIR}/redis_store_functions_lua.cpp)
target_include_directories(gyrate_redis PRIVATE ${PROJECT_SOURCE_DIR}/engine)
target_link_libraries(gyrate_redis PUBLIC gyrate_engine)
