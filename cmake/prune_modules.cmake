# prune_modules.cmake — run at build time (cmake -DHS_BUILD_DIR=... -P): deletes every .so in a
# module output folder that no source folder produces any more (module-outputs.cmake, written by
# cmake/modules.cmake at configure time, lists what each folder keeps), so that a deleted or moved
# module is no longer loaded by `make run` or the tests.
cmake_minimum_required(VERSION 3.18)
if(NOT HS_BUILD_DIR)
  message(FATAL_ERROR "prune_modules.cmake: HS_BUILD_DIR is not set")
endif()
include(${HS_BUILD_DIR}/module-outputs.cmake)
foreach(f ${HS_MODULE_FOLDERS})
  foreach(out ${f} ${f}-asan)
    file(MAKE_DIRECTORY ${HS_BUILD_DIR}/${out})
    file(GLOB present ${HS_BUILD_DIR}/${out}/*.so)
    foreach(so ${present})
      get_filename_component(n ${so} NAME)
      if(NOT n IN_LIST HS_KEEP_${out})
        file(REMOVE ${so})
        message(STATUS "removed ${out}/${n}: no source folder builds it any more")
      endif()
    endforeach()
  endforeach()
endforeach()
