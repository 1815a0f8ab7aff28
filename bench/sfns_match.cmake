# bench/sfns_match.cmake — the generator and scorer of the `hookstack sfns match` benchmark
# (bench/sfns_match.sh) and of tests/integration/test_sfns_match.c: ${CMAKE_BINARY_DIR}/bench/sfns_gen.
# Included from the top-level CMakeLists.txt. Target: bench_sfns_gen (links the runner core for its
# CSV reader).
add_executable(bench_sfns_gen ${CMAKE_CURRENT_LIST_DIR}/sfns_gen.c)
set_target_properties(bench_sfns_gen PROPERTIES OUTPUT_NAME sfns_gen
  RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bench)
target_link_libraries(bench_sfns_gen PRIVATE hs_core)
