# The Asio implementation that tests, examples and benchmarks share: one
# compiled copy of Asio (BOOST_ASIO_SEPARATE_COMPILATION, from
# test/asio_impl.cpp) to keep builds fast on small machines, one per
# language standard so a C++20 program never links Asio compiled with C++17
# settings:
#   asio_ipv4_asio_impl    C++17
#   asio_ipv4_asio_impl20  C++20
# Both link asio_ipv4. The b2 Jamfile builds the same two libraries.
#
# Windows: both are header-only Asio instead. The library's own objects hold
# Asio's inline functions (address_v4::to_string...) as COMDAT "select any"
# definitions, and a PE/COFF linker refuses those next to the strong
# definitions of a separately compiled Asio ("multiple definition"); ELF and
# Mach-O linkers let the strong one win.
foreach(std 17 20)
  if(std EQUAL 17)
    set(target asio_ipv4_asio_impl)
  else()
    set(target asio_ipv4_asio_impl${std})
  endif()
  if(WIN32)
    add_library(${target} INTERFACE)
    target_link_libraries(${target} INTERFACE asio_ipv4 Boost::headers Threads::Threads)
    target_compile_definitions(${target} INTERFACE BOOST_ASIO_NO_DEPRECATED)
    target_compile_features(${target} INTERFACE cxx_std_${std})
    continue()
  endif()
  add_library(${target} STATIC ${PROJECT_SOURCE_DIR}/test/asio_impl.cpp)
  target_compile_definitions(${target} PUBLIC BOOST_ASIO_SEPARATE_COMPILATION
    BOOST_ASIO_NO_DEPRECATED)
  target_link_libraries(${target} PUBLIC asio_ipv4 Boost::headers Threads::Threads)
  set_target_properties(${target} PROPERTIES CXX_STANDARD ${std})
  target_compile_features(${target} PUBLIC cxx_std_${std})
endforeach()
