# bench/catalog.cmake — the generator and scorer of the `hookstack sfns catalog` benchmark
# (bench/sfns_catalog.sh) and of tests/integration/test_sfns_catalog.c:
# ${CMAKE_BINARY_DIR}/bench/catalog_gen. Included from the top-level CMakeLists.txt. Target:
# bench_catalog_gen (links the runner core for its CSV reader).
add_executable(bench_catalog_gen ${CMAKE_CURRENT_LIST_DIR}/catalog_gen.c)
set_target_properties(bench_catalog_gen PROPERTIES OUTPUT_NAME catalog_gen
  RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bench)
target_link_libraries(bench_catalog_gen PRIVATE hs_core)
