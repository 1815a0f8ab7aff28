# fixtures.cmake — `hookstack test` over the fixture cases, plainly and with the ASan+UBSan runner
# and modules, each folder of cases against the output folder of the modules it tests:
#
#   fixtures/hooks/<m>       test-fixtures/<m>/            build/modules/ (hooks/, the user's hooks)
#   fixtures/examples/<m>    examples/test-fixtures/<m>/   build/example-modules/ (examples/hooks/)
#   fixtures/conformance     tests/fixtures/conformance/   build/protocol-modules/
#   fixtures/kinds           tests/fixtures/kindcheck/     build/test-modules/ (tests/modules/kindcheck)
#   fixtures/money           tests/fixtures/moneycheck/    build/test-modules/ (tests/modules/moneycheck)
#   fixtures/abi10           tests/fixtures/abi10/         build/test-modules/ (tests/modules/abi10,
#                                                          built against tests/abi/hookstack_1_0.h)
#
# One test per module folder, so `ctest -R fixtures/hooks/acme` runs one module's cases and a
# module without cases adds no test. Included from CMakeLists.txt after tests/tests.cmake (which
# defines HS_TEST_ENV).
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

# Every <root>/<m>/ folder as fixtures/<prefix>/<m>.
function(hs_fixture_tree root prefix moddir)
  file(GLOB dirs CONFIGURE_DEPENDS LIST_DIRECTORIES true ${CMAKE_SOURCE_DIR}/${root}/*)
  foreach(dir ${dirs})
    if(IS_DIRECTORY ${dir})
      get_filename_component(m ${dir} NAME)
      hs_fixture_test(${prefix}/${m} ${dir} ${moddir})
    endif()
  endforeach()
endfunction()

hs_fixture_tree(test-fixtures hooks modules)
hs_fixture_tree(examples/test-fixtures examples example-modules)
hs_fixture_test(conformance ${CMAKE_SOURCE_DIR}/tests/fixtures/conformance protocol-modules)
hs_fixture_test(kinds ${CMAKE_SOURCE_DIR}/tests/fixtures/kindcheck test-modules)
hs_fixture_test(money ${CMAKE_SOURCE_DIR}/tests/fixtures/moneycheck test-modules)
hs_fixture_test(abi10 ${CMAKE_SOURCE_DIR}/tests/fixtures/abi10 test-modules)
