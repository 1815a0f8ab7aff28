# bench/bench.cmake — CMake targets of the load benchmark (bench/run.sh): the cJSON floor.
# Included from the top-level CMakeLists.txt with `include(bench/bench.cmake)`. Builds
# ${CMAKE_BINARY_DIR}/bench/cjson_floor, which run.sh uses when it is newer than its source (else
# run.sh compiles it itself). Target: bench_cjson_floor.
add_executable(bench_cjson_floor ${CMAKE_CURRENT_LIST_DIR}/cjson_floor.c)
set_target_properties(bench_cjson_floor PROPERTIES OUTPUT_NAME cjson_floor
  RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bench)
target_link_libraries(bench_cjson_floor PRIVATE PkgConfig::CJSON)
