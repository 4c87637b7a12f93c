# Read by cpack (CPACK_PROJECT_CONFIG_FILE): a Debian package installs in /usr.
if(CPACK_GENERATOR STREQUAL "DEB" AND NOT CPACK_PACKAGING_INSTALL_PREFIX STREQUAL "/usr")
  message(FATAL_ERROR "swarmform: the Debian package installs in /usr, but this build is configured for "
                      "${CPACK_PACKAGING_INSTALL_PREFIX}: configure it with -DCMAKE_INSTALL_PREFIX=/usr")
endif()
