/* tmpl_fallback.c: the text a notification goes out with when its template
 * fails, so that a template error never drops an alert. */
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "tmpl.h"

/* Appends s, HTML-escaped when the output is an HTML body. */
static int
add(struct buf *out, enum tmpl_kind kind, const char *s)
{
	int r = 0;

	if (kind == TMPL_TEXT)
		return buf_adds(out, s);
	for (; *s && r == 0; s++) {
		switch (*s) {
		case '<':  r = buf_adds(out, "&lt;"); break;
		case '>':  r = buf_adds(out, "&gt;"); break;
		case '&':  r = buf_adds(out, "&amp;"); break;
		case '"':  r = buf_adds(out, "&#34;"); break;
		case '\'': r = buf_adds(out, "&#39;"); break;
		default:   r = buf_addc(out, *s);
		}
	}
	return r;
}

/* "[FIRING:2] HighLLMErrorRate", the shape of Alertmanager's
 * __subject, built without any template so it cannot fail. */
static int
fallback_text(const struct notification *n, enum tmpl_kind kind,
    const char *what, const char *why, struct buf *out)
{
	const char	*name = kv_get(&n->common_labels, "alertname");
	const char	*nl = kind == TMPL_HTML ? "<br>\n" : "\n";
	char		 head[64];
	int		 r;

	if (name == NULL && n->nalerts > 0)
		name = kv_get(&n->alerts[0].labels, "alertname");
	snprintf(head, sizeof(head), "[%s:%zu] ",
	    n->status == ALERT_FIRING ? "FIRING" : "RESOLVED", n->nalerts);
	r = add(out, kind, head);
	r |= add(out, kind, name ? name : "(no alertname)");
	r |= buf_adds(out, nl);
	r |= add(out, kind, "(tocsin: the ");
	r |= add(out, kind, what);
	r |= add(out, kind, " template failed: ");
	r |= add(out, kind, why);
	r |= add(out, kind, ")");
	for (size_t i = 0; i < n->nalerts && r == 0; i++) {
		const struct alert	*a = &n->alerts[i];
		const char		*summary = kv_get(&a->annotations, "summary");

		r |= buf_adds(out, nl);
		r |= add(out, kind, "- ");
		r |= add(out, kind, alert_status_str(a->status));
		for (size_t j = 0; j < a->labels.n; j++) {
			r |= add(out, kind, " ");
			r |= add(out, kind, a->labels.v[j].name);
			r |= add(out, kind, "=");
			r |= add(out, kind, a->labels.v[j].value);
		}
		if (summary) {
			r |= add(out, kind, ": ");
			r |= add(out, kind, summary);
		}
	}
	return r ? -1 : 0;
}

int
tmpl_render_text_or_fallback(const struct tmpl_set *set, const char *text,
    const struct notification *data, enum tmpl_kind kind,
    const struct tmpl_opts *opts, const char *what, struct buf *out)
{
	struct terr	err;
	size_t		start = out->len;

	if (tmpl_render_text(set, text, data, kind, opts, out, &err) == 0)
		return 0;
	log_error("Template rendering failed; sending the fallback text",
	    "receiver", data->receiver, "template", what, "err", err.msg);
	if (opts && opts->fallbacks)
		__atomic_fetch_add(opts->fallbacks, 1, __ATOMIC_RELAXED);
	/* Drop what the failed render wrote before the error. */
	out->len = start;
	if (out->data)
		out->data[start] = '\0';
	return fallback_text(data, kind, what, err.msg, out) == -1 ? -1 : 1;
}
