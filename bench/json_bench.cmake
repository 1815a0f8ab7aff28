# bench/json_bench.cmake — the JSON engine's micro-benchmark against cJSON (bench/json_bench.c):
# ${CMAKE_BINARY_DIR}/bench/json_bench. Included from the top-level CMakeLists.txt with
# `include(bench/json_bench.cmake)`. Target: bench_json.
add_executable(bench_json ${CMAKE_CURRENT_LIST_DIR}/json_bench.c)
set_target_properties(bench_json PROPERTIES OUTPUT_NAME json_bench
  RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bench)
target_link_libraries(bench_json PRIVATE hs_core_base PkgConfig::CJSON)
