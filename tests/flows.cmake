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
