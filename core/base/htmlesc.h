/* htmlesc.h: HTML escaping of text, as Go's html/template.HTMLEscapeString
 * does it: < > & " ' become entities, everything else stays. */
#ifndef TOCSIN_HTMLESC_H
#define TOCSIN_HTMLESC_H

#include "buf.h"
#include "err.h"

/* Appends s escaped to out; -1 when memory runs out. */
int	html_escape(struct buf *out, const char *s) WARN_UNUSED;

#endif
