/* jsonw.h: JSON string output escaped byte for byte like Go's encoding/json,
 * so that request bodies match what Alertmanager sends. */
#ifndef TOCSIN_JSONW_H
#define TOCSIN_JSONW_H

#include <stddef.h>

#include "buf.h"

/* Appends s (len bytes) as a quoted JSON string: <, >, & as \u003c, \u003e,
 * \u0026, U+2028/U+2029 escaped, invalid UTF-8 as \ufffd, as Go does. */
int	jsonw_str(struct buf *b, const char *s, size_t len) WARN_UNUSED;
/* Same for a C string. */
int	jsonw_cstr(struct buf *b, const char *s) WARN_UNUSED;

/* Go 1.22 and later write \b and \f as such; Go 1.19, which Alertmanager
 * 0.25 is built with (and so the webhook bodies it sends), writes them as
 * \u0008 and \u000c like every other control character. jsonw_str is the
 * latter; toJson, an Alertmanager 0.34 function, wants the former. */
#define JSONW_SHORT_BF	0x1
int	jsonw_str_flags(struct buf *b, const char *s, size_t len,
	    unsigned flags) WARN_UNUSED;

#endif
