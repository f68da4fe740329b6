# Run by `cmake --install` (see TocsinInstall.cmake): the example configs to
# SYSCONFDIR/tocsin and the systemd units to lib/systemd/system, with the
# units' /usr/bin and /etc/tocsin paths rewritten for the install prefix.

# GNUInstallDirs' rule for SYSCONFDIR, applied to the install-time prefix:
# /usr (and /) keep their configuration in /etc, /opt/<pkg> in /etc/opt/<pkg>.
if(IS_ABSOLUTE "${TOCSIN_SYSCONFDIR}")
  set(etc "${TOCSIN_SYSCONFDIR}")
elseif(CMAKE_INSTALL_PREFIX MATCHES "^/(usr/?)?$")
  set(etc "/etc")
elseif(CMAKE_INSTALL_PREFIX MATCHES "^/opt/(.+)$")
  set(etc "/etc/opt/${CMAKE_MATCH_1}")
else()
  set(etc "${CMAKE_INSTALL_PREFIX}/${TOCSIN_SYSCONFDIR}")
endif()
if(IS_ABSOLUTE "${TOCSIN_BINDIR}")
  set(bindir "${TOCSIN_BINDIR}")
else()
  string(REGEX REPLACE "/$" "" prefix "${CMAKE_INSTALL_PREFIX}")
  set(bindir "${prefix}/${TOCSIN_BINDIR}")
endif()

file(INSTALL DESTINATION "${etc}/tocsin" TYPE FILE FILES ${TOCSIN_ETC_FILES})

file(REMOVE_RECURSE "${TOCSIN_UNIT_STAGE}")
set(units)
foreach(src ${TOCSIN_UNIT_FILES})
  get_filename_component(name "${src}" NAME)
  file(READ "${src}" text)
  string(REPLACE "/usr/bin/tocsin-" "${bindir}/tocsin-" text "${text}")
  string(REPLACE "/etc/tocsin/" "${etc}/tocsin/" text "${text}")
  file(WRITE "${TOCSIN_UNIT_STAGE}/${name}" "${text}")
  list(APPEND units "${TOCSIN_UNIT_STAGE}/${name}")
endforeach()
if(units)
  file(INSTALL DESTINATION "${CMAKE_INSTALL_PREFIX}/lib/systemd/system" TYPE FILE
    FILES ${units})
endif()
