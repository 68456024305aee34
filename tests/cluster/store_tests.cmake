# The Redis Cluster store's tests (label cluster): the FUNCTION library against a real one-node
# cluster, RedisStore and the CDR exporter over real redis-server processes on free ports.
find_package(PkgConfig REQUIRED)
pkg_check_modules(STORE_TEST_HIREDIS REQUIRED IMPORTED_TARGET hiredis)
add_executable(gyrate_store_cluster_tests
  ${CMAKE_CURRENT_LIST_DIR}/functions_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/store_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/export_test.cpp)
target_include_directories(gyrate_store_cluster_tests PRIVATE ${PROJECT_SOURCE_DIR}/tests/support
  ${PROJECT_SOURCE_DIR}/tests/engine ${PROJECT_SOURCE_DIR}/engine)
target_link_libraries(gyrate_store_cluster_tests PRIVATE gyrate_redis gyrate_engine
  PkgConfig::STORE_TEST_HIREDIS gyrate_warnings GTest::gtest_main)
target_compile_definitions(gyrate_store_cluster_tests PRIVATE GYRATE_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
gtest_discover_tests(gyrate_store_cluster_tests PROPERTIES LABELS cluster TIMEOUT 60
  DISCOVERY_TIMEOUT 60)
