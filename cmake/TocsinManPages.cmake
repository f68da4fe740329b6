# Manual pages, written at build time by the built programs themselves
# (--help-man), so they say what --help says. Included by the top-level
# CMakeLists.txt after every program is defined.

# build/man/man1, so that `man -M build/man tocsin-relay` reads them.
set(TOCSIN_MAN_DIR ${PROJECT_BINARY_DIR}/man/man1)
set(TOCSIN_MAN_PAGES)
foreach(prog tocsin-relay tocsin-watchdog)
  if(TARGET ${prog})
    add_custom_command(OUTPUT ${TOCSIN_MAN_DIR}/${prog}.1
      COMMAND ${CMAKE_COMMAND} -DPROGRAM=$<TARGET_FILE:${prog}>
              -DOUTPUT=${TOCSIN_MAN_DIR}/${prog}.1
              -P ${PROJECT_SOURCE_DIR}/cmake/TocsinManPage.cmake
      DEPENDS ${prog} ${PROJECT_SOURCE_DIR}/cmake/TocsinManPage.cmake
      COMMENT "Writing ${prog}.1"
      VERBATIM)
    list(APPEND TOCSIN_MAN_PAGES ${TOCSIN_MAN_DIR}/${prog}.1)
  endif()
endforeach()
add_custom_target(man ALL DEPENDS ${TOCSIN_MAN_PAGES})
