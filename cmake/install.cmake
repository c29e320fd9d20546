include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS asio_ipv4 EXPORT asio_ipv4Targets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

set(ASIO_IPV4_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/asio_ipv4)
install(EXPORT asio_ipv4Targets NAMESPACE asio_ipv4:: DESTINATION ${ASIO_IPV4_CMAKE_DIR})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/asio_ipv4Config.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/asio_ipv4Config.cmake INSTALL_DESTINATION ${ASIO_IPV4_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/asio_ipv4ConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/asio_ipv4Config.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/asio_ipv4ConfigVersion.cmake DESTINATION ${ASIO_IPV4_CMAKE_DIR})

# asio_ipv4.pc beside the CMake package, in <libdir>/pkgconfig. The prefix is
# the one of the install (cmake --install --prefix may differ from the
# configured one), so the file is finished at install time; absolute paths
# let pkg-config drop the system directories. Boost is header-only here: its
# include directory goes into Cflags unless the compiler searches it anyway;
# the threads library (nothing on glibc 2.34 and later) goes into Libs.
foreach(dir INCLUDEDIR LIBDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${dir}}")
    set(ASIO_IPV4_PC_${dir} "${CMAKE_INSTALL_${dir}}")
  else()
    set(ASIO_IPV4_PC_${dir} "\${prefix}/${CMAKE_INSTALL_${dir}}")
  endif()
endforeach()
set(ASIO_IPV4_PC_CFLAGS "")
get_target_property(_asio_ipv4_boost_includes Boost::headers INTERFACE_INCLUDE_DIRECTORIES)
foreach(dir IN LISTS _asio_ipv4_boost_includes)
  if(NOT dir IN_LIST CMAKE_CXX_IMPLICIT_INCLUDE_DIRECTORIES)
    string(APPEND ASIO_IPV4_PC_CFLAGS " -I${dir}")
  endif()
endforeach()
set(ASIO_IPV4_PC_LIBS "")
if(CMAKE_THREAD_LIBS_INIT)
  string(APPEND ASIO_IPV4_PC_LIBS " ${CMAKE_THREAD_LIBS_INIT}")
endif()
if(WIN32)
  string(APPEND ASIO_IPV4_PC_LIBS " -lws2_32 -lmswsock -liphlpapi")
endif()
set(ASIO_IPV4_PC_PREFIX "@ASIO_IPV4_PC_PREFIX@")   # kept for the install step
configure_file(${CMAKE_CURRENT_LIST_DIR}/asio_ipv4.pc.in ${PROJECT_BINARY_DIR}/asio_ipv4.pc.in @ONLY)
install(CODE "set(ASIO_IPV4_PC_PREFIX \"\${CMAKE_INSTALL_PREFIX}\")
  configure_file(\"${PROJECT_BINARY_DIR}/asio_ipv4.pc.in\" \"${PROJECT_BINARY_DIR}/asio_ipv4.pc\" @ONLY)")
install(FILES ${PROJECT_BINARY_DIR}/asio_ipv4.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
