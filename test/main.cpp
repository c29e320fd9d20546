// Boost.Test entry point shared by the unit and network test programs.
#define BOOST_TEST_MODULE asio_ipv4
#include <boost/test/unit_test.hpp>
