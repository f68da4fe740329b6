# `cpack -G DEB` from a build directory: the install tree of TocsinInstall.cmake
# as a Debian package named tocsin, installed under /usr (configs in
# /etc/tocsin, marked as conffiles so that upgrades keep local edits).
# Depends come from dpkg-shlibdeps (dpkg-dev). No maintainer scripts: the
# units run as a DynamicUser, so there is no user to create.

set(TOCSIN_PACKAGE_MAINTAINER "tocsin maintainers <tocsin@localhost>" CACHE STRING
  "Maintainer field of the Debian package")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME tocsin)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "Alertmanager-compatible notification relay and dead-man's switch")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://github.com/tocsin/tocsin")
# The configs go to an absolute /etc, which CPack stages only through
# DESTDIR; with DESTDIR, CPack installs under CPACK_INSTALL_PREFIX.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${TOCSIN_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "prometheus-alertmanager")
# The extended description; CPack puts the summary above it and indents it.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
  "tocsin-relay receives Alertmanager webhook notifications, routes every alert
through an Alertmanager route tree, renders messages with
Alertmanager-compatible templates and delivers them to Telegram, Slack,
e-mail and webhooks through a durable queue with retries, rate limits and
de-duplication.")
if(TARGET tocsin-watchdog)
  string(APPEND CPACK_DEBIAN_PACKAGE_DESCRIPTION "
tocsin-watchdog is the dead-man's switch: it notifies when heartbeats,
pings or Prometheus metrics stop arriving.")
endif()

# Every example config is a conffile.
set(conffiles "")
foreach(f ${TOCSIN_ETC_FILES})
  get_filename_component(name ${f} NAME)
  string(APPEND conffiles "/etc/tocsin/${name}\n")
endforeach()
file(WRITE ${PROJECT_BINARY_DIR}/debian/conffiles "${conffiles}")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${PROJECT_BINARY_DIR}/debian/conffiles)

include(CPack)
