# `cmake --install`: programs, manual pages, systemd units, the default
# templates, example configs and documentation, in GNUInstallDirs' places
# under the prefix given at install time (cmake --install --prefix, CPack).
# A program and its unit are installed when the program is built here, so
# tocsin-watchdog joins the tree as soon as its target exists.

include(GNUInstallDirs)

set(TOCSIN_PROGRAMS)
foreach(prog tocsin-relay tocsin-watchdog)
  if(TARGET ${prog})
    list(APPEND TOCSIN_PROGRAMS ${prog})
    install(TARGETS ${prog} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
    install(FILES ${TOCSIN_MAN_DIR}/${prog}.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
  endif()
endforeach()

file(GLOB TOCSIN_TEMPLATE_FILES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/templates/*.tmpl)
install(FILES ${TOCSIN_TEMPLATE_FILES} DESTINATION ${CMAKE_INSTALL_DATADIR}/tocsin/templates)

file(GLOB TOCSIN_DOC_FILES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/docs/*.md)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${TOCSIN_DOC_FILES}
  DESTINATION ${CMAKE_INSTALL_DOCDIR})
# Debian's place for the licence: /usr/share/doc/PACKAGE/copyright.
install(FILES ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR}
  RENAME copyright)

# The units name /usr/bin and /etc/tocsin, and the example configs go to
# /etc/tocsin, only when the prefix is /usr: both depend on the prefix at
# install time, which CPack and `cmake --install --prefix` choose after
# configuring, so cmake/TocsinInstallConfig.cmake computes them then.
file(GLOB TOCSIN_ETC_FILES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/etc/*.yml ${PROJECT_SOURCE_DIR}/etc/README*)
set(TOCSIN_UNIT_FILES)
foreach(prog ${TOCSIN_PROGRAMS})
  if(EXISTS ${PROJECT_SOURCE_DIR}/systemd/${prog}.service)
    list(APPEND TOCSIN_UNIT_FILES ${PROJECT_SOURCE_DIR}/systemd/${prog}.service)
  endif()
endforeach()
install(CODE "
  set(TOCSIN_BINDIR \"${CMAKE_INSTALL_BINDIR}\")
  set(TOCSIN_SYSCONFDIR \"${CMAKE_INSTALL_SYSCONFDIR}\")
  set(TOCSIN_ETC_FILES \"${TOCSIN_ETC_FILES}\")
  set(TOCSIN_UNIT_FILES \"${TOCSIN_UNIT_FILES}\")
  set(TOCSIN_UNIT_STAGE \"${PROJECT_BINARY_DIR}/install-units\")
")
install(SCRIPT ${PROJECT_SOURCE_DIR}/cmake/TocsinInstallConfig.cmake)
