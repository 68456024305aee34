# The Redis Cluster store's tests (label cluster), included by tests/cluster/CMakeLists.txt: the
# FUNCTION library against a real one-master cluster, RedisStore and the CDR exporter over
# LocalCluster and the cluster client. They reach the engine tests' catalog helpers and the
# engine's private account codec.
add_executable(gyrate_store_cluster_tests
  ${CMAKE_CURRENT_LIST_DIR}/functions_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/store_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/store_sharded_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/store_nodes_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/export_test.cpp)
target_include_directories(gyrate_store_cluster_tests PRIVATE ${PROJECT_SOURCE_DIR}/tests/engine
  ${PROJECT_SOURCE_DIR}/engine)
target_link_libraries(gyrate_store_cluster_tests PRIVATE gyrate_local_cluster gyrate_redis
  gyrate_engine gyrate_warnings GTest::gtest_main)
target_compile_definitions(gyrate_store_cluster_tests PRIVATE GYRATE_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
gtest_discover_tests(gyrate_store_cluster_tests PROPERTIES LABELS cluster TIMEOUT 90
  DISCOVERY_TIMEOUT 60)
