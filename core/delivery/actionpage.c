/* actionpage.c: the HTML of /action/<token>. */
#include <stdio.h>

#include "actionpage.h"
#include "duration.h"
#include "htmlesc.h"

static int
head(struct buf *b, const char *title)
{
	return buf_adds(b, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
	    "<meta name=\"robots\" content=\"noindex\">"
	    "<meta name=\"referrer\" content=\"no-referrer\">\n<title>tocsin: ") ||
	    html_escape(b, title) || buf_adds(b, "</title></head>\n<body>\n<h1>") ||
	    html_escape(b, title) || buf_adds(b, "</h1>\n") ? -1 : 0;
}

/* One list item per label of the group the action applies to. */
static int
labels(struct buf *b, const struct kv *kv)
{
	if (buf_adds(b, "<ul>\n"))
		return -1;
	for (size_t i = 0; i < kv->n; i++)
		if (buf_adds(b, "<li>") || html_escape(b, kv->v[i].name) ||
		    buf_adds(b, "=&#34;") || html_escape(b, kv->v[i].value) ||
		    buf_adds(b, "&#34;</li>\n"))
			return -1;
	return buf_adds(b, "</ul>\n");
}

int
actionpage_confirm(struct buf *b, const struct actionpage *p)
{
	char	 d[64], title[96], until[32];
	size_t	 n = p->ctx->nalerts;

	duration_format(p->duration_ms, d, sizeof(d));
	if (p->kind == ACTION_SILENCE)
		snprintf(title, sizeof(title), "Silence for %s?", d);
	else
		snprintf(title, sizeof(title), "Acknowledge?");
	tga_time(p->expires, until, sizeof(until));
	if (head(b, title) || buf_adds(b, "<p>") ||
	    (p->kind == ACTION_SILENCE ? buf_printf(b, "This creates a silence "
	    "on Alertmanager for %s, from when you confirm, matching", d) :
	    buf_adds(b, "This acknowledges the alert group: its repeats and "
	    "escalations stop until it resolves. The group is")) ||
	    buf_adds(b, ":</p>\n") || labels(b, tga_ctx_matchers(p->ctx)) ||
	    buf_adds(b, "<p>Receiver ") || html_escape(b, p->receiver) ||
	    buf_printf(b, ", %zu alert%s.</p>\n", n, n == 1 ? "" : "s") ||
	    buf_adds(b, "<form method=\"post\"><button type=\"submit\">") ||
	    (p->kind == ACTION_SILENCE ? buf_printf(b, "Silence for %s", d) :
	    buf_adds(b, "Acknowledge")) ||
	    buf_printf(b, "</button></form>\n<p>This link works until %s.</p>\n",
	    until) || buf_adds(b, "</body></html>\n"))
		return -1;
	return 0;
}

int
actionpage_message(struct buf *b, const char *title, const char *msg)
{
	return head(b, title) || buf_adds(b, "<p>") || html_escape(b, msg) ||
	    buf_adds(b, "</p>\n</body></html>\n") ? -1 : 0;
}
