# fixtures.cmake — `hookstack test` over every fixture case of test-fixtures/, plainly and with the
# ASan+UBSan runner and modules. Included from CMakeLists.txt after tests/tests.cmake (which
# defines HS_TEST_ENV).
add_test(NAME fixtures/test-fixtures
         COMMAND hookstack test ${CMAKE_SOURCE_DIR}/test-fixtures -q
                 --modules ${CMAKE_BINARY_DIR}/modules)
set_tests_properties(fixtures/test-fixtures PROPERTIES ENVIRONMENT "${HS_TEST_ENV}"
                     TIMEOUT 900 LABELS "fixtures;plain")
if(HS_SANITIZERS)
  add_test(NAME asan/fixtures/test-fixtures
           COMMAND hookstack-asan test ${CMAKE_SOURCE_DIR}/test-fixtures -q
                   --modules ${CMAKE_BINARY_DIR}/modules-asan)
  set_tests_properties(asan/fixtures/test-fixtures PROPERTIES ENVIRONMENT "${HS_TEST_ENV}"
                       TIMEOUT 900 LABELS "fixtures;asan")
endif()
