# modules.cmake — builds the hook modules, each twice (plain, and ASan+UBSan for the sanitized
# runner), from four kinds of folders, and keeps every output folder equal to its sources:
#
#   source folder                 output (plain / sanitized)                    who loads it
#   hooks/<name>/                 build/modules/, build/modules-asan/          make run, production
#   examples/hooks/<name>/        build/example-modules/ (+ -asan)             examples' fixtures
#   tests/modules/conformance/    build/protocol-modules/ (+ -asan)            the project's tests
#   tests/modules/<name>/         build/test-modules/ (+ -asan)                the project's tests
#
# A folder is a module when it holds .c files or a module.cmake. Without module.cmake a module is
# every .c file directly in its folder, compiled as C11 with -Wall -Wextra -Werror against
# include/hookstack.h and linked with -lm. module.cmake (optional) calls hookstack_module() once
# to change that; see hooks/README.md. lib/<name>/ folders are static libraries that the runner
# links and a module may link too (code shared by a module and a runner command).
#
# After every build, any .so in an output folder that no source folder produces is deleted
# (cmake/prune_modules.cmake), so a deleted hooks/<name>/ is no longer served.

set(HS_MODULE_FOLDERS modules example-modules protocol-modules test-modules)

# hookstack_module([SOURCES glob...] [INCLUDE_DIRS dir...] [LIBRARIES name...]
#                  [PKG_CONFIG package...] [PROJECT_LIBRARIES name...]
#                  [COMPILE_OPTIONS flag...] [LINK_OPTIONS flag...])
# Called from a module's module.cmake. Globs and folders are relative to the module's folder.
function(hookstack_module)
  set(lists SOURCES INCLUDE_DIRS LIBRARIES PKG_CONFIG PROJECT_LIBRARIES COMPILE_OPTIONS
      LINK_OPTIONS)
  cmake_parse_arguments(PARSE_ARGV 0 A "" "" "${lists}")
  if(A_UNPARSED_ARGUMENTS)
    string(REPLACE ";" " " bad "${A_UNPARSED_ARGUMENTS}")
    string(REPLACE ";" ", " known "${lists}")
    message(FATAL_ERROR "${HS_MODULE_FILE}: hookstack_module(): unknown argument(s) '${bad}' "
      "before the first keyword (keywords: ${known})")
  endif()
  if(HS_M_DECLARED)
    message(FATAL_ERROR "${HS_MODULE_FILE}: hookstack_module() is called more than once")
  endif()
  set(HS_M_DECLARED TRUE PARENT_SCOPE)
  foreach(l ${lists})
    if(DEFINED A_${l})
      set(HS_M_${l} ${A_${l}} PARENT_SCOPE)
    endif()
  endforeach()
endfunction()

# lib/<name>/*.c -> static libraries hs_lib_<name> (and hs_lib_<name>_asan), include folder
# lib/<name>/. Returns the plain targets in HS_PROJECT_LIBS.
function(hs_project_libraries)
  set(out)
  file(GLOB dirs CONFIGURE_DEPENDS LIST_DIRECTORIES true ${CMAKE_SOURCE_DIR}/lib/*)
  foreach(dir ${dirs})
    file(GLOB srcs CONFIGURE_DEPENDS ${dir}/*.c)
    if(NOT IS_DIRECTORY ${dir} OR NOT srcs)
      continue()
    endif()
    get_filename_component(name ${dir} NAME)
    set(variants hs_lib_${name})
    if(HS_SANITIZERS)
      list(APPEND variants hs_lib_${name}_asan)
    endif()
    foreach(t ${variants})
      add_library(${t} STATIC ${srcs})
      target_include_directories(${t} PUBLIC ${dir})
      target_link_libraries(${t} PUBLIC m)
    endforeach()
    if(HS_SANITIZERS)
      target_compile_options(hs_lib_${name}_asan PRIVATE ${HS_SAN_FLAGS})
    endif()
    list(APPEND out hs_lib_${name})
  endforeach()
  set(HS_PROJECT_LIBS ${out} PARENT_SCOPE)
endfunction()

# One module folder. prefix names its targets (<prefix>_<name>, <prefix>_<name>_asan); outdir is
# the output folder under the build tree.
function(hs_module_dir dir prefix outdir)
  get_filename_component(name ${dir} NAME)
  file(RELATIVE_PATH rel ${CMAKE_SOURCE_DIR} ${dir})
  set(HS_MODULE_FILE ${rel}/module.cmake)
  set(HS_M_SOURCES *.c)
  if(EXISTS ${dir}/module.cmake)
    include(${dir}/module.cmake)
  endif()
  if(NOT name MATCHES "^[A-Za-z][A-Za-z0-9_-]*$")
    message(FATAL_ERROR "${rel}: a module folder name is letters, digits, '_' and '-', "
      "starting with a letter")
  endif()
  set(srcs)
  foreach(g ${HS_M_SOURCES})
    file(GLOB found CONFIGURE_DEPENDS ${dir}/${g})
    if(NOT found)
      message(FATAL_ERROR "${HS_MODULE_FILE}: SOURCES '${g}' matches no file")
    endif()
    list(APPEND srcs ${found})
  endforeach()
  set(incs ${CMAKE_SOURCE_DIR}/include)
  foreach(d ${HS_M_INCLUDE_DIRS})
    list(APPEND incs ${dir}/${d})
  endforeach()
  set(libs)
  foreach(l ${HS_M_LIBRARIES})
    string(MAKE_C_IDENTIFIER "HS_LIBRARY_${l}" var)
    find_library(${var} NAMES ${l})
    if(NOT ${var})
      message(FATAL_ERROR "${HS_MODULE_FILE}: library '${l}' (-l${l}) not found; install its "
        "Debian -dev package and add that package to DEPS in the Makefile")
    endif()
    list(APPEND libs ${${var}})
  endforeach()
  foreach(p ${HS_M_PKG_CONFIG})
    string(MAKE_C_IDENTIFIER "HS_PKG_${p}" var)
    pkg_check_modules(${var} IMPORTED_TARGET ${p})
    if(NOT ${var}_FOUND)
      message(FATAL_ERROR "${HS_MODULE_FILE}: pkg-config package '${p}' not found; install its "
        "Debian -dev package and add that package to DEPS in the Makefile")
    endif()
    list(APPEND libs PkgConfig::${var})
  endforeach()
  foreach(l ${HS_M_PROJECT_LIBRARIES})
    if(NOT TARGET hs_lib_${l})
      message(FATAL_ERROR "${HS_MODULE_FILE}: PROJECT_LIBRARIES '${l}': there is no lib/${l}/")
    endif()
  endforeach()

  set(variants plain)
  if(HS_SANITIZERS)
    list(APPEND variants asan)
  endif()
  foreach(v ${variants})
    if(v STREQUAL plain)
      set(t ${prefix}_${name})
      set(out ${outdir})
      set(suffix "")
    else()
      set(t ${prefix}_${name}_asan)
      set(out ${outdir}-asan)
      set(suffix _asan)
    endif()
    add_library(${t} MODULE ${srcs})
    set_target_properties(${t} PROPERTIES PREFIX "" OUTPUT_NAME ${name}
      LIBRARY_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/${out})
    target_include_directories(${t} PRIVATE ${incs})
    target_compile_options(${t} PRIVATE ${HS_M_COMPILE_OPTIONS})
    target_link_options(${t} PRIVATE ${HS_M_LINK_OPTIONS})
    set(plibs)
    foreach(l ${HS_M_PROJECT_LIBRARIES})
      list(APPEND plibs hs_lib_${l}${suffix})
    endforeach()
    target_link_libraries(${t} PRIVATE ${plibs} ${libs} m)
    if(v STREQUAL plain)
      # Every symbol resolved at link time, so a missing library fails the build, not the load.
      # (The sanitized twin cannot: its sanitizer runtime comes from hookstack-asan.)
      target_link_options(${t} PRIVATE -Wl,--no-undefined)
      add_dependencies(hs_modules ${t})
    else()
      target_compile_options(${t} PRIVATE ${HS_SAN_FLAGS})
      add_dependencies(hs_modules_asan ${t})
    endif()
    set_property(GLOBAL APPEND PROPERTY HS_KEEP_${out} ${name}.so)
  endforeach()
endfunction()

# Every module folder under root (a path relative to the source tree).
function(hs_module_tree root prefix outdir)
  file(GLOB dirs CONFIGURE_DEPENDS LIST_DIRECTORIES true ${CMAKE_SOURCE_DIR}/${root}/*)
  foreach(dir ${dirs})
    if(NOT IS_DIRECTORY ${dir})
      continue()
    endif()
    file(GLOB has_c ${dir}/*.c)
    if(NOT has_c AND NOT EXISTS ${dir}/module.cmake)
      continue()
    endif()
    get_filename_component(name ${dir} NAME)
    set(out ${outdir})
    # The protocol's test module builds alone: the project's tests load that folder as the
    # server's module set ($HS_MODULES_DIR).
    if(root STREQUAL "tests/modules" AND name STREQUAL "conformance")
      set(out protocol-modules)
    endif()
    hs_module_dir(${dir} ${prefix} ${out})
  endforeach()
endfunction()

# All module targets, the umbrella targets hs_modules / hs_modules_asan, and the pruning step.
function(hs_add_modules)
  add_custom_target(hs_modules)
  add_custom_target(hs_modules_asan)
  hs_module_tree(hooks mod modules)
  hs_module_tree(examples/hooks examplemod example-modules)
  hs_module_tree(tests/modules testmod test-modules)

  set(text "# Written by cmake/modules.cmake: the .so files each output folder keeps.\n")
  foreach(f ${HS_MODULE_FOLDERS})
    foreach(out ${f} ${f}-asan)
      get_property(keep GLOBAL PROPERTY HS_KEEP_${out})
      string(APPEND text "set(HS_KEEP_${out} \"${keep}\")\n")
      file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/${out})
    endforeach()
  endforeach()
  string(APPEND text "set(HS_MODULE_FOLDERS \"${HS_MODULE_FOLDERS}\")\n")
  file(CONFIGURE OUTPUT ${CMAKE_BINARY_DIR}/module-outputs.cmake CONTENT "${text}" @ONLY)
  add_custom_target(hs_prune_modules ALL
    COMMAND ${CMAKE_COMMAND} -DHS_BUILD_DIR=${CMAKE_BINARY_DIR}
            -P ${CMAKE_SOURCE_DIR}/cmake/prune_modules.cmake
    VERBATIM)
  add_dependencies(hs_modules hs_prune_modules)
  add_dependencies(hs_modules_asan hs_prune_modules)
endfunction()
