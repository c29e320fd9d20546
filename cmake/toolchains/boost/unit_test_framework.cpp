// Boost.Test's framework and main(), compiled into each program that links
// Boost::unit_test_framework from this header-only package (BoostConfig.cmake):
// it stands in for the compiled library, which no cross build has.
#include <boost/test/included/unit_test.hpp>
