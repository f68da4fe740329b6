/* tmpl_builtin.c: the embedded template files (see tmpl_builtin.h). */
#include "tmpl_builtin.h"

/* Generated from the .tmpl files by templates/CMakeLists.txt. */
extern const char tmpl_text_tocsin[];
extern const char tmpl_text_actions[];
extern const char tmpl_text_watchdog[];

const struct tmpl_builtin tmpl_builtin_tocsin = { "tocsin.tmpl", tmpl_text_tocsin };
const struct tmpl_builtin tmpl_builtin_actions = { "actions.tmpl", tmpl_text_actions };
const struct tmpl_builtin tmpl_builtin_watchdog = { "watchdog.tmpl", tmpl_text_watchdog };
