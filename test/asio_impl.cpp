// The one translation unit that compiles Asio for the tests, examples and
// benchmarks (BOOST_ASIO_SEPARATE_COMPILATION).
#include <boost/asio/impl/src.hpp>
