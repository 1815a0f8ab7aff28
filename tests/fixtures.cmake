# fixtures.cmake — `hookstack test` over the fixture cases, plainly and with the ASan+UBSan runner
# and modules: test-fixtures/ (every hook module's cases) against build/modules, and
# tests/fixtures/ (the kind contracts, through the test-only module tests/modules/kindcheck; money
# and dates, through tests/modules/moneycheck) against build/test-modules. Included from
# CMakeLists.txt after tests/tests.cmake (which defines
# HS_TEST_ENV).
function(hs_fixture_test name dir moddir)
  set(variants plain)
  if(HS_SANITIZERS)
    list(APPEND variants asan)
  endif()
  foreach(v ${variants})
    if(v STREQUAL plain)
      set(tname fixtures/${name})
      set(bin hookstack)
      set(mods ${CMAKE_BINARY_DIR}/${moddir})
    else()
      set(tname asan/fixtures/${name})
      set(bin hookstack-asan)
      set(mods ${CMAKE_BINARY_DIR}/${moddir}-asan)
    endif()
    add_test(NAME ${tname} COMMAND ${bin} test ${dir} -q --modules ${mods})
    set_tests_properties(${tname} PROPERTIES ENVIRONMENT "${HS_TEST_ENV}" TIMEOUT 900
                         LABELS "fixtures;${v}")
  endforeach()
endfunction()

hs_fixture_test(test-fixtures ${CMAKE_SOURCE_DIR}/test-fixtures modules)
hs_fixture_test(kinds ${CMAKE_SOURCE_DIR}/tests/fixtures/kindcheck test-modules)
hs_fixture_test(money ${CMAKE_SOURCE_DIR}/tests/fixtures/moneycheck test-modules)
