/* htmlesc.c: HTML escaping of text. */
#include "htmlesc.h"

int
html_escape(struct buf *out, const char *s)
{
	for (; *s; s++) {
		const char *r = NULL;

		switch (*s) {
		case '<': r = "&lt;"; break;
		case '>': r = "&gt;"; break;
		case '&': r = "&amp;"; break;
		case '"': r = "&#34;"; break;
		case '\'': r = "&#39;"; break;
		default: break;
		}
		if (r ? buf_adds(out, r) : buf_addc(out, *s))
			return -1;
	}
	return 0;
}
