/* tmpl_html.c: html/template's contextual escaping, done while rendering:
 * the template's own text drives an HTML context machine (text, tags,
 * attribute values, URLs, RCDATA, comments, which are stripped) and every
 * printed value is escaped for the context it lands in. Values never move
 * the context, exactly as in Go, where they are escaped before they land. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "tmpl_int.h"

enum hstate {
	H_TEXT, H_CMT, H_TAG, H_ATTRNAME, H_AFTERNAME, H_BEFOREVAL, H_ATTR,
	H_RCDATA, H_RAWTEXT,
};

enum hattr { A_NORMAL, A_URL, A_CSS, A_JS };
enum hurl { U_NONE, U_PREQUERY, U_QUERY };

static bool
is_url_attr(const char *name)
{
	static const char *const urls[] = { "action", "archive", "background",
	    "cite", "classid", "codebase", "data", "formaction", "href", "icon",
	    "longdesc", "manifest", "poster", "profile", "src", "usemap",
	    "xmlns", NULL };

	if (strncasecmp(name, "data-", 5) == 0)
		name += 5;
	for (size_t i = 0; urls[i]; i++)
		if (strcasecmp(name, urls[i]) == 0)
			return true;
	return strcasestr(name, "src") || strcasestr(name, "uri") ||
	    strcasestr(name, "url");
}

static bool
hspace(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

/* Follows JS string literals so values inside quotes are escaped as string
 * content and values outside as whole JS values. */
static void
js_track(struct hctx *h, const char *s, size_t i)
{
	char c = s[i];

	if (h->jsq) {
		if (c == h->jsq && (i == 0 || s[i - 1] != '\\'))
			h->jsq = 0;
	} else if (c == '"' || c == '\'' || c == '`')
		h->jsq = c;
}

/*
 * Feeds template text through the context machine, writing it out minus
 * HTML comments. This is html/template's escapeText with its transition
 * functions (tText, tTag, tAttrName, tAfterName, tBeforeValue, tAttr,
 * tSpecialTagEnd, tHTMLCmt) reduced to what the states above need: tags and
 * end tags, attribute names classed much as Go's attrType does (on* is JS,
 * style is CSS, URL attributes by name or by src, uri or url in the name,
 * after any data- prefix), quoted and unquoted values, the part of a URL
 * before and after '?' or '#', quotes inside JS (on* values and <script>),
 * RCDATA (title, textarea) and raw text (script, style) up to their end
 * tag. Like escapeText it rewrites a '<' that opens no tag as &lt; (in
 * text unless it starts <!DOCTYPE, and in RCDATA). The state it leaves
 * decides how the next printed value is escaped, as Go's context picks
 * htmlEscaper, attrEscaper or a URL or JS escaper.
 *
 * Not reproduced: Go decides contexts when the template is parsed and
 * rejects templates whose branches end in different contexts or that put
 * quotes, '=' or '<' in unquoted attribute values; here the context follows
 * the path taken while rendering and nothing is rejected. JS is tracked
 * only as far as string quotes (no regexp literals, comments or template
 * literal nesting), and inside CSS no strings or url() are followed.
 */
int
html_text(struct exec *x, const char *s, size_t len)
{
	struct hctx	*h = &x->h;
	size_t		 i = 0;

	while (i < len) {
		char c = s[i];

		switch (h->state) {
		case H_TEXT:
			if (c == '<' && i + 3 < len + 0 && strncmp(s + i, "<!--", 4) == 0) {
				h->state = H_CMT;
				i += 4;
				continue;
			}
			if (c == '<' && i + 1 < len && (isalpha((unsigned char)s[i + 1]) ||
			    (s[i + 1] == '/' && i + 2 < len &&
			    isalpha((unsigned char)s[i + 2])))) {
				size_t	j = i + 1, k = 0;
				bool	end = s[j] == '/';

				if (end)
					j++;
				while (j < len && (isalnum((unsigned char)s[j]) ||
				    s[j] == '-' || s[j] == ':') && k + 1 < sizeof(h->elem))
					h->elem[k++] = (char)tolower((unsigned char)s[j++]);
				h->elem[k] = '\0';
				if (end)
					h->elem[0] = '\0';
				if (buf_add(x->out, s + i, j - i) == -1)
					return -1;
				i = j;
				h->state = H_TAG;
				continue;
			}
			/* html/template escapes a '<' that opens no tag */
			if (c == '<' && !(len - i >= 9 &&
			    strncasecmp(s + i, "<!DOCTYPE", 9) == 0)) {
				if (buf_adds(x->out, "&lt;") == -1)
					return -1;
				i++;
				continue;
			}
			break;
		case H_CMT:
			if (c == '-' && i + 2 < len && s[i + 1] == '-' && s[i + 2] == '>') {
				h->state = H_TEXT;
				i += 3;
			} else
				i++;
			continue;
		case H_TAG:
			if (c == '>') {
				if (strcmp(h->elem, "title") == 0 ||
				    strcmp(h->elem, "textarea") == 0)
					h->state = H_RCDATA;
				else if (strcmp(h->elem, "script") == 0 ||
				    strcmp(h->elem, "style") == 0)
					h->state = H_RAWTEXT;
				else
					h->state = H_TEXT;
			} else if (!hspace(c) && c != '/') {
				size_t k = 0;

				/* an attribute name */
				while (i < len && !hspace(s[i]) && s[i] != '=' &&
				    s[i] != '>' && s[i] != '/') {
					if (k + 1 < sizeof(h->attrname))
						h->attrname[k++] = s[i];
					if (buf_addc(x->out, s[i]) == -1)
						return -1;
					i++;
				}
				h->attrname[k] = '\0';
				h->attr = strncasecmp(h->attrname, "on", 2) == 0 ? A_JS :
				    strcasecmp(h->attrname, "style") == 0 ? A_CSS :
				    is_url_attr(h->attrname) ? A_URL : A_NORMAL;
				h->state = H_AFTERNAME;
				continue;
			}
			break;
		case H_AFTERNAME:
			if (c == '=') {
				h->state = H_BEFOREVAL;
			} else if (!hspace(c)) {
				h->state = H_TAG;
				continue;
			}
			break;
		case H_BEFOREVAL:
			if (hspace(c))
				break;
			h->state = H_ATTR;
			h->url = U_NONE;
			h->jsq = 0;
			if (c == '"' || c == '\'') {
				h->delim = c;
				break;
			}
			h->delim = ' ';
			continue;
		case H_ATTR:
			if ((h->delim != ' ' && c == h->delim) ||
			    (h->delim == ' ' && (hspace(c) || c == '>'))) {
				h->state = H_TAG;
				if (h->delim == ' ')
					continue;
				break;
			}
			if (h->attr == A_JS)
				js_track(h, s, i);
			if (h->attr == A_URL) {
				if (c == '?' || c == '#')
					h->url = U_QUERY;
				else if (h->url == U_NONE && !hspace(c))
					h->url = U_PREQUERY;
			}
			break;
		case H_RCDATA:
		case H_RAWTEXT:
			if (c == '<' && s[i + 1] == '/' && i + 2 + strlen(h->elem) <= len &&
			    strncasecmp(s + i + 2, h->elem, strlen(h->elem)) == 0) {
				h->state = H_TEXT;
				h->jsq = 0;
				continue;
			}
			if (h->state == H_RCDATA && c == '<') {
				if (buf_adds(x->out, "&lt;") == -1)
					return -1;
				i++;
				continue;
			}
			if (h->state == H_RAWTEXT && strcmp(h->elem, "script") == 0)
				js_track(h, s, i);
			break;
		}
		if (buf_addc(x->out, c) == -1)
			return -1;
		i++;
	}
	return 0;
}

/* html/template's htmlReplacementTable (escape_all) or its normalising
 * variant that leaves '&' alone (for values already known to be HTML). */
static int
esc_html_ctx(struct buf *b, const char *s, bool norm, bool nospace)
{
	for (; *s; s++) {
		unsigned char	c = (unsigned char)*s;
		int		r;

		switch (c) {
		case '\0': r = buf_adds(b, "\xef\xbf\xbd"); break;
		case '"': r = buf_adds(b, "&#34;"); break;
		case '&': r = norm ? buf_addc(b, '&') : buf_adds(b, "&amp;"); break;
		case '\'': r = buf_adds(b, "&#39;"); break;
		case '+': r = buf_adds(b, "&#43;"); break;
		case '<': r = buf_adds(b, "&lt;"); break;
		case '>': r = buf_adds(b, "&gt;"); break;
		default:
			if (nospace && (c == '\t' || c == '\n' || c == '\v' ||
			    c == '\f' || c == '\r' || c == ' ' || c == '=' ||
			    c == '`'))
				r = buf_printf(b, "&#%d;", c);
			else
				r = buf_addc(b, (char)c);
		}
		if (r == -1)
			return -1;
	}
	return 0;
}

/* Go's stripTags, reduced: drops <...> runs from HTML-typed values placed
 * into attributes. */
static int
strip_tags(struct buf *b, const char *s)
{
	bool in = false;

	for (; *s; s++) {
		if (*s == '<')
			in = true;
		else if (*s == '>' && in)
			in = false;
		else if (!in && buf_addc(b, *s) == -1)
			return -1;
	}
	return 0;
}

static int
url_proc(struct buf *b, const char *s, bool norm)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '%':
			/* normalizing keeps valid escapes only */
			if (norm && isxdigit((unsigned char)s[1]) &&
			    isxdigit((unsigned char)s[2])) {
				if (buf_addc(b, (char)c) == -1)
					return -1;
				continue;
			}
			break;
		case '!': case '#': case '$': case '&': case '*': case '+':
		case ',': case '/': case ':': case ';': case '=': case '?':
		case '@': case '[': case ']':
			if (norm) {
				if (buf_addc(b, (char)c) == -1)
					return -1;
				continue;
			}
			break;
		case '-': case '.': case '_': case '~':
			if (buf_addc(b, (char)c) == -1)
				return -1;
			continue;
		default:
			if (isalnum(c)) {
				if (buf_addc(b, (char)c) == -1)
					return -1;
				continue;
			}
		}
		/* html/template writes lower-case hex, unlike urlquery */
		if (buf_printf(b, "%%%02x", c) == -1)
			return -1;
	}
	return 0;
}

static bool
safe_url(const char *s)
{
	const char *colon = strchr(s, ':');

	if (colon == NULL || memchr(s, '/', (size_t)(colon - s)) != NULL)
		return true;
	return (colon - s == 4 && strncasecmp(s, "http", 4) == 0) ||
	    (colon - s == 5 && strncasecmp(s, "https", 5) == 0) ||
	    (colon - s == 6 && strncasecmp(s, "mailto", 6) == 0);
}

/* html/template's jsStrEscaper: content of a JS string literal. */
static int
js_str(struct buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char	c = (unsigned char)*s;
		int		r;

		switch (c) {
		case '\0': r = buf_adds(b, "\\u0000"); break;
		case '\t': r = buf_adds(b, "\\t"); break;
		case '\n': r = buf_adds(b, "\\n"); break;
		case '\v': r = buf_adds(b, "\\u000b"); break;
		case '\f': r = buf_adds(b, "\\f"); break;
		case '\r': r = buf_adds(b, "\\r"); break;
		case '"': r = buf_adds(b, "\\u0022"); break;
		case '&': r = buf_adds(b, "\\u0026"); break;
		case '\'': r = buf_adds(b, "\\u0027"); break;
		case '+': r = buf_adds(b, "\\u002b"); break;
		case '/': r = buf_adds(b, "\\/"); break;
		case '<': r = buf_adds(b, "\\u003c"); break;
		case '>': r = buf_adds(b, "\\u003e"); break;
		case '\\': r = buf_adds(b, "\\\\"); break;
		default:
			if (c < 0x20)
				r = buf_printf(b, "\\u%04x", c);
			else if (c == 0xe2 && (unsigned char)s[1] == 0x80 &&
			    ((unsigned char)s[2] == 0xa8 || (unsigned char)s[2] == 0xa9)) {
				r = buf_printf(b, "\\u%s", s[2] == (char)0xa8 ?
				    "2028" : "2029");
				s += 2;
			} else
				r = buf_addc(b, (char)c);
		}
		if (r == -1)
			return -1;
	}
	return 0;
}

/* html/template's jsValEscaper: a whole JS value, as JSON; strings quoted,
 * anything else padded with spaces so it cannot merge with its neighbours. */
static int
js_val(struct buf *b, const struct val *v, const char *s)
{
	if (val_is_stringish(v)) {
		if (buf_addc(b, '"') == -1)
			return -1;
		for (; *s; s++) {
			unsigned char	c = (unsigned char)*s;
			int		r;

			switch (c) {
			case '"': r = buf_adds(b, "\\\""); break;
			case '\\': r = buf_adds(b, "\\\\"); break;
			case '\n': r = buf_adds(b, "\\n"); break;
			case '\r': r = buf_adds(b, "\\r"); break;
			case '\t': r = buf_adds(b, "\\t"); break;
			case '<': r = buf_adds(b, "\\u003c"); break;
			case '>': r = buf_adds(b, "\\u003e"); break;
			case '&': r = buf_adds(b, "\\u0026"); break;
			default:
				r = c < 0x20 ? buf_printf(b, "\\u%04x", c) :
				    buf_addc(b, (char)c);
			}
			if (r == -1)
				return -1;
		}
		return buf_addc(b, '"');
	}
	if (v->t == V_BOOL || v->t == V_INT || v->t == V_FLOAT)
		return buf_printf(b, " %s ", s);
	return buf_printf(b, " %s ", "null");
}

/* Whether html/template merges a trailing predefined escaper with one of
 * this context's escapers (Go's equivEscapers: the attribute, HTML and RCDATA
 * escapers are equivalent to html; the URL normaliser and URL escaper to
 * urlquery). Unquoted attributes use the no-space escaper, which is not. */
static bool
escaper_merges(const struct hctx *h, bool is_html)
{
	switch (h->state) {
	case H_TEXT:
	case H_RCDATA:
		return is_html;
	case H_ATTR:
		if (h->attr == A_JS)
			return false;
		if (h->attr == A_URL && !is_html)
			return true;
		return is_html && h->delim != ' ';
	default:
		return false;
	}
}

/* Prints a value escaped for the current context. last names the action's
 * trailing predefined escaper ("html", "urlquery") or is NULL; v is then the
 * escaper's input, and the escaper runs where html/template puts it: in the
 * slot of the contextual escaper it is equivalent to, or first, before the
 * context's escapers, where none is. */
int
html_value(struct exec *x, const struct val *v, const char *last)
{
	struct hctx	*h = &x->h;
	struct buf	 tmp, pre;
	struct val	 sv;
	const char	*s;
	bool		 safe = v->t == V_HTML;
	bool		 is_html = last && strcmp(last, "html") == 0;
	bool		 is_uq = last && strcmp(last, "urlquery") == 0;
	int		 r = -1;

	/* nil prints nothing; values inside comments vanish with them */
	if (v->t == V_NIL || h->state == H_CMT)
		return 0;
	if ((s = val_to_str(x, v)) == NULL)
		return -1;
	buf_init(&tmp, 0);
	buf_init(&pre, 0);
	if (h->state == H_BEFOREVAL) {
		/* a value right after "=" starts an unquoted attribute */
		h->state = H_ATTR;
		h->delim = ' ';
		h->url = U_NONE;
	}
	if (last != NULL) {
		safe = false;	/* the escaper's result is a plain string */
		if (!escaper_merges(h, is_html)) {
			if ((is_html ? esc_html(&pre, s) : esc_urlquery(&pre, s)) == -1)
				goto out;
			s = buf_str(&pre);
			is_html = is_uq = false;
		}
		/* JS escapers look at the type: it is a string now, as in Go */
		sv.t = V_STR;
		sv.u.s = s;
		v = &sv;
	}
	switch (h->state) {
	case H_TEXT:
		if (is_html)
			r = esc_html(x->out, s);
		else if (safe)
			r = buf_adds(x->out, s);
		else
			r = esc_html_ctx(x->out, s, false, false);
		break;
	case H_RCDATA:
		r = is_html ? esc_html(x->out, s) : esc_html_ctx(x->out, s, safe, false);
		break;
	case H_ATTR:
		if (h->attr == A_URL) {
			if (h->url == U_QUERY) {
				/* Go's urlEscaper normalizes a template.URL
				 * (safeUrl) instead of escaping it */
				r = is_uq ? esc_urlquery(&tmp, s) :
				    url_proc(&tmp, s, v->t == V_URL);
			} else {
				if (h->url == U_NONE && (last != NULL || v->t != V_URL) &&
				    !safe_url(s))
					s = "#ZgotmplZ";
				r = is_uq ? esc_urlquery(&tmp, s) : url_proc(&tmp, s, true);
			}
			if (r == 0)
				r = is_html ? esc_html(x->out, buf_str(&tmp)) :
				    esc_html_ctx(x->out, buf_str(&tmp), false,
				    h->delim == ' ');
			break;
		}
		if (h->attr == A_JS) {
			r = h->jsq ? js_str(&tmp, s) : js_val(&tmp, v, s);
			if (r == 0)
				r = esc_html_ctx(x->out, buf_str(&tmp), false,
				    h->delim == ' ');
		} else if (is_html)
			r = esc_html(x->out, s);
		else if (safe) {
			r = strip_tags(&tmp, s);
			if (r == 0)
				r = esc_html_ctx(x->out, buf_str(&tmp), true,
				    h->delim == ' ');
		} else
			r = esc_html_ctx(x->out, s, false, h->delim == ' ');
		break;
	case H_TAG:
	case H_AFTERNAME:
	case H_ATTRNAME: {
		/* an attribute name from a value: only plain names pass */
		bool ok = *s != '\0';

		for (const char *p = s; *p; p++)
			if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
				ok = false;
		r = buf_adds(x->out, ok ? s : "ZgotmplZ");
		break;
	}
	case H_RAWTEXT:
		if (strcmp(h->elem, "script") == 0) {
			r = h->jsq ? js_str(x->out, s) : js_val(x->out, v, s);
			break;
		}
		r = esc_html_ctx(x->out, s, safe, false);
		break;
	default:
		/* style bodies and other starts: escape as text */
		r = esc_html_ctx(x->out, s, safe, false);
		break;
	}
out:
	buf_free(&pre);
	buf_free(&tmp);
	return r;
}
