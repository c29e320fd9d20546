# The Asio implementation that tests, examples and benchmarks share: one
# compiled copy of Asio (BOOST_ASIO_SEPARATE_COMPILATION, from
# test/asio_impl.cpp) to keep builds fast on small machines, one per
# language standard so a C++20 program never links Asio compiled with C++17
# settings:
#   asio_ipv4_asio_impl    C++17
#   asio_ipv4_asio_impl20  C++20
# Both link asio_ipv4. The b2 Jamfile builds the same two libraries.
foreach(std 17 20)
  if(std EQUAL 17)
    set(target asio_ipv4_asio_impl)
  else()
    set(target asio_ipv4_asio_impl${std})
  endif()
  add_library(${target} STATIC ${PROJECT_SOURCE_DIR}/test/asio_impl.cpp)
  target_compile_definitions(${target} PUBLIC BOOST_ASIO_SEPARATE_COMPILATION
    BOOST_ASIO_NO_DEPRECATED)
  target_link_libraries(${target} PUBLIC asio_ipv4 Boost::headers Threads::Threads)
  set_target_properties(${target} PROPERTIES CXX_STANDARD ${std})
  target_compile_features(${target} PUBLIC cxx_std_${std})
endforeach()
