# The `docs` target: the Doxygen HTML reference (doc/Doxyfile.in) of every
# public name, with the Markdown pages as pages of the same site. Any Doxygen
# warning (an undocumented public name, a broken reference) fails the target.
find_package(Doxygen)
find_package(Python3 COMPONENTS Interpreter)
if(NOT DOXYGEN_FOUND OR NOT Python3_Interpreter_FOUND)
  message(STATUS "Doxygen or python3 not found: no `docs` target")
  return()
endif()

# The main page first, then the guides, the CLI's pages and the top-level
# files, whichever exist: a page another branch adds later (doc/cli.md, the
# man page source in cli/) joins the site without editing this list.
file(GLOB ASIO_IPV4_DOC_PAGES CONFIGURE_DEPENDS
  ${PROJECT_SOURCE_DIR}/doc/*.md ${PROJECT_SOURCE_DIR}/cli/*.md)
list(REMOVE_ITEM ASIO_IPV4_DOC_PAGES ${PROJECT_SOURCE_DIR}/doc/README.md)
set(ASIO_IPV4_DOXYGEN_INPUT ${PROJECT_SOURCE_DIR}/doc/README.md ${ASIO_IPV4_DOC_PAGES})
foreach(page README.md CHANGELOG.md)
  if(EXISTS ${PROJECT_SOURCE_DIR}/${page})
    list(APPEND ASIO_IPV4_DOXYGEN_INPUT ${PROJECT_SOURCE_DIR}/${page})
  endif()
endforeach()
list(APPEND ASIO_IPV4_DOXYGEN_INPUT ${PROJECT_SOURCE_DIR}/include)
list(TRANSFORM ASIO_IPV4_DOXYGEN_INPUT PREPEND "\"")
list(TRANSFORM ASIO_IPV4_DOXYGEN_INPUT APPEND "\"")
list(JOIN ASIO_IPV4_DOXYGEN_INPUT " \\\n    " ASIO_IPV4_DOXYGEN_INPUT)

set(ASIO_IPV4_DOXYGEN_OUTPUT ${PROJECT_BINARY_DIR}/doc)
configure_file(${PROJECT_SOURCE_DIR}/doc/Doxyfile.in ${ASIO_IPV4_DOXYGEN_OUTPUT}/Doxyfile @ONLY)
add_custom_target(docs
  COMMAND Doxygen::doxygen ${ASIO_IPV4_DOXYGEN_OUTPUT}/Doxyfile
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
  COMMENT "Doxygen: ${ASIO_IPV4_DOXYGEN_OUTPUT}/html/index.html"
  VERBATIM)
