# tests.cmake — registers every test with ctest, twice: plain and ASan+UBSan ("asan/" prefix).
#
# tests/unit/test_<name>.c        one cmocka binary each, linked against the runner core
# tests/integration/test_<name>.c one binary each; starts the real server (HOOKSTACK_BIN) on loopback
#                                  and talks HTTP with libcurl; tests/integration/harness.c is shared
# tests/fuzz/fuzz_<name>.c        libFuzzer targets; here they replay tests/fuzz/corpus/<name>/
#
# Tests never load build/modules/ (the user's hooks) as a whole: HS_MODULES_DIR is
# build/protocol-modules/ (the conformance module alone, from tests/modules/conformance/),
# HS_TEST_MODULES_DIR build/test-modules/ (the other tests/modules/), and HS_HOOK_MODULES_DIR
# build/modules/, from which a product module's test links its one module (harness.h:
# hst_hook_module_dir); each with its -asan twin for the asan/ tests.
set(HS_TEST_ENV
  "HS_SOURCE_DIR=${CMAKE_SOURCE_DIR}"
  "HS_BUILD_DIR=${CMAKE_BINARY_DIR}"
  "HS_SHARED_DIR=${CMAKE_SOURCE_DIR}/../shared"
  "HS_BUILD_TYPE=${CMAKE_BUILD_TYPE}"
  "ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:detect_stack_use_after_return=0"
  "UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1"
  "LSAN_OPTIONS=suppressions=${CMAKE_SOURCE_DIR}/tests/suppressions/lsan.supp")

# hs_test(<name> <kind: unit|integration|fuzz> <sources...>)
function(hs_test name kind)
  list(GET ARGN 0 main_src)
  file(STRINGS ${main_src} uses_cjson REGEX "^#include <(cjson/)?cJSON\\.h>")
  set(variants plain)
  if(HS_SANITIZERS)
    list(APPEND variants asan)
  endif()
  foreach(v ${variants})
    if(v STREQUAL plain)
      set(tgt ${kind}_${name})
      set(core hs_core)
      set(tname ${kind}/${name})
      set(bin ${CMAKE_BINARY_DIR}/hookstack)
      set(mods ${CMAKE_BINARY_DIR}/protocol-modules)
      set(tmods ${CMAKE_BINARY_DIR}/test-modules)
      set(hmods ${CMAKE_BINARY_DIR}/modules)
      set(bmods ${CMAKE_BINARY_DIR}/bad-modules)
    else()
      set(tgt ${kind}_${name}_asan)
      set(core hs_core_asan)
      set(tname asan/${kind}/${name})
      set(bin ${CMAKE_BINARY_DIR}/hookstack-asan)
      set(mods ${CMAKE_BINARY_DIR}/protocol-modules-asan)
      set(tmods ${CMAKE_BINARY_DIR}/test-modules-asan)
      set(hmods ${CMAKE_BINARY_DIR}/modules-asan)
      set(bmods ${CMAKE_BINARY_DIR}/bad-modules-asan)
    endif()
    # Tests of the JSON engine and the arena link only the base library, so they build and run
    # while the rest of the runner is being changed.
    if(name MATCHES "^(json|arena)")
      set(core ${core}_base)
    endif()
    add_executable(${tgt} ${ARGN})
    target_link_libraries(${tgt} PRIVATE ${core} PkgConfig::CMOCKA PkgConfig::CURL)
    # cJSON (an independent JSON reader the tests check answers with) only where the test's
    # source includes it.
    if(uses_cjson)
      target_link_libraries(${tgt} PRIVATE PkgConfig::CJSON)
    endif()
    target_include_directories(${tgt} PRIVATE ${CMAKE_SOURCE_DIR}/tests)
    set_target_properties(${tgt} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
    add_test(NAME ${tname} COMMAND ${tgt})
    set_tests_properties(${tname} PROPERTIES
      ENVIRONMENT "${HS_TEST_ENV};HOOKSTACK_BIN=${bin};HS_MODULES_DIR=${mods};HS_TEST_MODULES_DIR=${tmods};HS_HOOK_MODULES_DIR=${hmods};HS_BAD_MODULES_DIR=${bmods}"
      TIMEOUT 900 LABELS "${kind};${v}")
  endforeach()
endfunction()

# Unit tests of the sfns module's plain-C helpers (no hook API: Ids, countries) link those files.
set(HS_SFNS_UNIT_SOURCES ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_sfid.c
    ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_geo.c ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_geo_data.c)
# Unit tests of the sfns files that call the hook API (money, catalog: tests/unit/
# sfns_test_ctx.h) link them and the module's settings and field readers; the runner core gives
# them the real API table.
set(HS_SFNS_API_UNIT_SOURCES ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_fx.c
    ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_alloc.c ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_catalog.c
    ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_settings.c ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_text.c)
# Unit tests of sfns files that call the hook API (routing rules, results) also link the module's
# settings and field readers; tests/unit/sfns_test_ctx.h gives them the runner's real API table.
set(HS_SFNS_ROUTE_UNIT_SOURCES ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_settings.c
    ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_text.c ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_sdk.c
    ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_strings.c ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_nserror.c
    ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_route_conf.c
    ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_route_rules.c
    ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_results_conf.c
    ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_results_errors.c)
# sfnsInvoiceStatus's rules and readers call the hook API: their tests link them with the
# module's settings, field and Id helpers, and the runner core gives them the real table.
set(HS_SFNS_INVOICE_UNIT_SOURCES ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_invoice_calc.c
    ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_invoice_read.c
    ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_invoices_conf.c
    ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_invoice_fx.c ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_fx.c
    ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_settings.c ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_text.c
    ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_sdk.c ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_sfid.c
    ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_result.c)
file(GLOB HS_UNIT_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/unit/test_*.c)
foreach(src ${HS_UNIT_TESTS})
  get_filename_component(n ${src} NAME_WE)
  string(REGEX REPLACE "^test_" "" n ${n})
  if(n STREQUAL "sfns_items")
    # The price-matrix logic calls the hook API: the runner core gives it the real table.
    hs_test(${n} unit ${src} ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_items_matrix.c
            ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_items_conf.c ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_fx.c
            ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_catalog.c
            ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_settings.c ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_text.c
            ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_sdk.c)
  elseif(n MATCHES "^sfns_(fx|alloc|catalog)$")
    hs_test(${n} unit ${src} ${HS_SFNS_API_UNIT_SOURCES})
  elseif(n MATCHES "^sfns_(route|results)$")
    hs_test(${n} unit ${src} ${HS_SFNS_UNIT_SOURCES} ${HS_SFNS_ROUTE_UNIT_SOURCES})
  elseif(n STREQUAL "sfns_invoice")
    hs_test(${n} unit ${src} ${HS_SFNS_INVOICE_UNIT_SOURCES})
  elseif(n STREQUAL "sfns_hash")
    # the sync hash: SHA-256 through mbedTLS, which the runner core links
    hs_test(${n} unit ${src} ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_hash.c)
  elseif(n MATCHES "^sfns_")
    hs_test(${n} unit ${src} ${HS_SFNS_UNIT_SOURCES})
  else()
    hs_test(${n} unit ${src})
  endif()
endforeach()

file(GLOB HS_INTEGRATION_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/integration/test_*.c)
file(GLOB HS_INTEGRATION_SUPPORT CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/integration/harness*.c)
foreach(src ${HS_INTEGRATION_TESTS})
  get_filename_component(n ${src} NAME_WE)
  string(REGEX REPLACE "^test_" "" n ${n})
  hs_test(${n} integration ${src} ${HS_INTEGRATION_SUPPORT})
endforeach()

# The sfns order files the fuzz target fuzz_sfns_orders links as a static module (tests/fuzz/run.sh
# lists the same files).
set(HS_SFNS_ORDERS_FUZZ_SOURCES ${HS_SFNS_API_UNIT_SOURCES}
    ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_opportunity.c ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_order_lines.c
    ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_orders_conf.c ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_result.c
    ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_sdk.c ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_sfid.c)

# The sfns files the fuzz target fuzz_sfns_route links as a static module: the router and the
# postSubmit with what they call (tests/fuzz/run.sh lists the same files).
set(HS_SFNS_ROUTE_FUZZ_SOURCES ${HS_SFNS_ROUTE_UNIT_SOURCES}
    ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_route.c ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_results.c
    ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_sfid.c)

# The sfns files the fuzz target fuzz_sfns_accounts links as a static module: the account,
# customer and contact preMaps with what they call (tests/fuzz/run.sh lists the same files).
set(HS_SFNS_ACCOUNTS_FUZZ_SOURCES ${HS_SFNS_UNIT_SOURCES}
    ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_account.c ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_customer.c
    ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_contact.c ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_accounts_conf.c
    ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_accounts_values.c ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_address.c
    ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_hash.c ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_settings.c
    ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_text.c ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_sdk.c
    ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_strings.c ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_own.c
    ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_result.c)

# Fuzz targets replay their corpus as regression tests (make fuzz runs them for real).
file(GLOB HS_FUZZ_TARGETS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_*.c)
foreach(src ${HS_FUZZ_TARGETS})
  get_filename_component(n ${src} NAME_WE)
  string(REGEX REPLACE "^fuzz_" "" n ${n})
  if(n STREQUAL "sfns_orders")
    hs_test(${n} fuzz ${src} ${CMAKE_SOURCE_DIR}/tests/fuzz/replay_main.c
            ${HS_SFNS_ORDERS_FUZZ_SOURCES})
  elseif(n STREQUAL "sfns_case")
    # the target includes sfns_case.c (the function) and links the files it calls
    hs_test(${n} fuzz ${src} ${CMAKE_SOURCE_DIR}/tests/fuzz/replay_main.c
            ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_cases_conf.c ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_settings.c
            ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_text.c ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_sfid.c
            ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_result.c)
  elseif(n STREQUAL "sfns_items")
    # the target includes the matrix reader; the currency and catalog code it calls are linked
    hs_test(${n} fuzz ${src} ${CMAKE_SOURCE_DIR}/tests/fuzz/replay_main.c
            ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_fx.c ${CMAKE_SOURCE_DIR}/hooks/sfns/sfns_catalog.c)
  elseif(n STREQUAL "sfns_accounts")
    hs_test(${n} fuzz ${src} ${CMAKE_SOURCE_DIR}/tests/fuzz/replay_main.c
            ${HS_SFNS_ACCOUNTS_FUZZ_SOURCES})
  elseif(n STREQUAL "sfns_route")
    hs_test(${n} fuzz ${src} ${CMAKE_SOURCE_DIR}/tests/fuzz/replay_main.c
            ${HS_SFNS_ROUTE_FUZZ_SOURCES})
  elseif(n STREQUAL "sfns_invoice")
    # the target includes sfns_invoice.c (the function) and links the files it calls
    hs_test(${n} fuzz ${src} ${CMAKE_SOURCE_DIR}/tests/fuzz/replay_main.c
            ${HS_SFNS_INVOICE_UNIT_SOURCES})
  else()
    hs_test(${n} fuzz ${src} ${CMAKE_SOURCE_DIR}/tests/fuzz/replay_main.c)
  endif()
  foreach(t fuzz/${n} asan/fuzz/${n})
    if(TEST ${t})
      set_tests_properties(${t} PROPERTIES WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus/${n})
    endif()
  endforeach()
endforeach()

# docs/internals/tree.md names every file of runner/ and no file that does not exist.
add_test(NAME docs/tree_map COMMAND ${CMAKE_COMMAND} -DSRC=${CMAKE_SOURCE_DIR}
         -P ${CMAKE_SOURCE_DIR}/tests/tools/tree_map.cmake)
