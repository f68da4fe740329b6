# cmake -DPROGRAM=... -DOUTPUT=... -P TocsinManPage.cmake: runs `PROGRAM --help-man`
# into OUTPUT, replacing it only when the program succeeded, so a failed run
# never leaves half a page that looks up to date.
get_filename_component(dir ${OUTPUT} DIRECTORY)
file(MAKE_DIRECTORY ${dir})
execute_process(COMMAND ${PROGRAM} --help-man
  OUTPUT_FILE ${OUTPUT}.tmp
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  file(REMOVE ${OUTPUT}.tmp)
  message(FATAL_ERROR "${PROGRAM} --help-man failed (${rc}): every program "
    "writes its manual page with core/daemon/flags.h's flags_man_* on --help-man")
endif()
file(RENAME ${OUTPUT}.tmp ${OUTPUT})
