# The examples, found by the rule the README states (the b2 Jamfile follows
# it too):
#   example/NAME.cpp       -> program NAME
#   example/NAME/*.cpp     -> program NAME, from all the directory's files
# asio_ipv4_examples(NAMES) sets NAMES to the program names and, for each,
# asio_ipv4_example_sources_<NAME> to its sources, in the caller's scope.
# example/CMakeLists.txt builds them; test/CMakeLists.txt makes the tests that
# run them depend on them.
function(asio_ipv4_examples names_var)
  set(dir ${PROJECT_SOURCE_DIR}/example)
  file(GLOB files CONFIGURE_DEPENDS ${dir}/*.cpp)
  file(GLOB dir_files CONFIGURE_DEPENDS ${dir}/*/*.cpp)
  set(names)
  foreach(src ${files})
    get_filename_component(name ${src} NAME_WE)
    list(APPEND names ${name})
    set(sources_${name} ${src})
  endforeach()
  foreach(src ${dir_files})
    get_filename_component(parent ${src} DIRECTORY)
    get_filename_component(name ${parent} NAME)
    list(APPEND names ${name})
    list(APPEND sources_${name} ${src})
  endforeach()
  list(REMOVE_DUPLICATES names)
  foreach(name ${names})
    set(asio_ipv4_example_sources_${name} ${sources_${name}} PARENT_SCOPE)
  endforeach()
  set(${names_var} ${names} PARENT_SCOPE)
endfunction()
