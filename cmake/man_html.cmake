# cmake -DIN=<man page> -DOUT=<html> -DMANDOC=<mandoc> -P man_html.cmake
# Renders a man page as an HTML fragment for the reference (the docs target);
# a mandoc warning fails, as Doxygen's do.
execute_process(COMMAND ${MANDOC} -Thtml -Ofragment -Wwarning ${IN}
  OUTPUT_FILE ${OUT} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "mandoc: ${IN}: warnings or errors (exit ${rc})")
endif()
