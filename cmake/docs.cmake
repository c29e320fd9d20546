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
set(ASIO_IPV4_DOXYGEN_OUTPUT ${PROJECT_BINARY_DIR}/doc)

# Man pages (cli/*.1, from the CLI's branch) become pages of the site too:
# mandoc renders each to HTML, which a generated page includes.
file(GLOB ASIO_IPV4_MAN_PAGES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/cli/*.[1-9])
find_program(ASIO_IPV4_MANDOC mandoc)
if(ASIO_IPV4_MAN_PAGES AND NOT ASIO_IPV4_MANDOC)
  message(STATUS "mandoc not found: the man pages are left out of the reference")
  set(ASIO_IPV4_MAN_PAGES "")
endif()
set(ASIO_IPV4_MAN_COMMANDS "")
foreach(page IN LISTS ASIO_IPV4_MAN_PAGES)
  get_filename_component(name ${page} NAME)
  string(REGEX REPLACE "\\.([1-9])$" "(\\1)" title ${name})
  string(MAKE_C_IDENTIFIER ${name} label)
  set(html ${ASIO_IPV4_DOXYGEN_OUTPUT}/man/${name}.html)
  file(WRITE ${ASIO_IPV4_DOXYGEN_OUTPUT}/man/${name}.md
    "# ${title} {#man_${label}}\n\nThe manual page, from `cli/${name}`.\n\n\\htmlinclude \"${html}\"\n")
  list(APPEND ASIO_IPV4_DOXYGEN_INPUT ${ASIO_IPV4_DOXYGEN_OUTPUT}/man/${name}.md)
  list(APPEND ASIO_IPV4_MAN_COMMANDS COMMAND ${CMAKE_COMMAND} -DIN=${page} -DOUT=${html}
    -DMANDOC=${ASIO_IPV4_MANDOC} -P ${PROJECT_SOURCE_DIR}/cmake/man_html.cmake)
endforeach()

list(APPEND ASIO_IPV4_DOXYGEN_INPUT ${PROJECT_SOURCE_DIR}/include)
list(TRANSFORM ASIO_IPV4_DOXYGEN_INPUT PREPEND "\"")
list(TRANSFORM ASIO_IPV4_DOXYGEN_INPUT APPEND "\"")
list(JOIN ASIO_IPV4_DOXYGEN_INPUT " \\\n    " ASIO_IPV4_DOXYGEN_INPUT)

configure_file(${PROJECT_SOURCE_DIR}/doc/Doxyfile.in ${ASIO_IPV4_DOXYGEN_OUTPUT}/Doxyfile @ONLY)
add_custom_target(docs
  ${ASIO_IPV4_MAN_COMMANDS}
  COMMAND Doxygen::doxygen ${ASIO_IPV4_DOXYGEN_OUTPUT}/Doxyfile
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
  COMMENT "Doxygen: ${ASIO_IPV4_DOXYGEN_OUTPUT}/html/index.html"
  VERBATIM)
