# flows.cmake — `hookstack flows validate` on the repository's flows/ (docs/flows.md), plainly and
# with the ASan+UBSan runner, against the modules of hooks/ (build/modules/), so `make test` fails
# when a flow names a hook that is gone or of the wrong kind. Included from CMakeLists.txt after
# tests/tests.cmake (which defines HS_TEST_ENV).
set(variants plain)
if(HS_SANITIZERS)
  list(APPEND variants asan)
endif()
foreach(v ${variants})
  if(v STREQUAL plain)
    set(tname flows/validate)
    set(bin hookstack)
    set(mods ${CMAKE_BINARY_DIR}/modules)
  else()
    set(tname asan/flows/validate)
    set(bin hookstack-asan)
    set(mods ${CMAKE_BINARY_DIR}/modules-asan)
  endif()
  add_test(NAME ${tname} COMMAND ${bin} flows validate ${CMAKE_SOURCE_DIR}/flows --modules ${mods})
  set_tests_properties(${tname} PROPERTIES ENVIRONMENT "${HS_TEST_ENV}" TIMEOUT 300
                       LABELS "flows;${v}")
endforeach()

# Golden runs of `hookstack flows run` (tests/flows-golden/golden.sh): every case folder runs its
# flow of flows/ on its input and compares each stage's records and the output (or the error of a
# bad input), plainly and with the ASan+UBSan runner.
file(GLOB HS_FLOWS_GOLDEN_CASES LIST_DIRECTORIES true CONFIGURE_DEPENDS
     ${CMAKE_SOURCE_DIR}/tests/flows-golden/*)
foreach(dir ${HS_FLOWS_GOLDEN_CASES})
  if(NOT IS_DIRECTORY ${dir})
    continue()
  endif()
  get_filename_component(case ${dir} NAME)
  foreach(v ${variants})
    if(v STREQUAL plain)
      set(tname flows/golden/${case})
      set(bin ${CMAKE_BINARY_DIR}/hookstack)
      set(mods ${CMAKE_BINARY_DIR}/modules)
    else()
      set(tname asan/flows/golden/${case})
      set(bin ${CMAKE_BINARY_DIR}/hookstack-asan)
      set(mods ${CMAKE_BINARY_DIR}/modules-asan)
    endif()
    add_test(NAME ${tname} COMMAND sh ${CMAKE_SOURCE_DIR}/tests/flows-golden/golden.sh ${bin}
                                   ${mods} ${CMAKE_SOURCE_DIR} ${case})
    set_tests_properties(${tname} PROPERTIES ENVIRONMENT "${HS_TEST_ENV}" TIMEOUT 300
                         LABELS "flows;${v}")
  endforeach()
endforeach()

# mapcheck.sh (run by every golden case above) must fail where it must: on the items flow as it
# was before its imports read the keys sfnsItemsToPricebook writes.
add_test(NAME flows/mapcheck-selftest COMMAND sh ${CMAKE_SOURCE_DIR}/tests/flows-mapcheck/selftest.sh
                                              ${CMAKE_SOURCE_DIR})
set_tests_properties(flows/mapcheck-selftest PROPERTIES TIMEOUT 120 LABELS "flows;plain")
