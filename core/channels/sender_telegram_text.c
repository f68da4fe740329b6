/* sender_telegram_text.c: Telegram text length, splitting and plain-text
 * fallback (see sender_telegram_text.h). The tokenizer follows what
 * Telegram's HTML parser accepts: a tag is "<...>", an entity is &lt; &gt;
 * &amp; &quot; or a numeric one (the ';' optional), any other '&' is a
 * literal character. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unigbrk.h>

#include "buf.h"
#include "sender_telegram_text.h"
#include "utf8.h"

enum tok_kind { TOK_CHAR, TOK_NL, TOK_OPEN, TOK_CLOSE, TOK_ENTITY };

struct tok {
	enum tok_kind	 kind;
	size_t		 len;	/* bytes */
	size_t		 units;	/* UTF-16 units shown */
	unsigned long	 cp;	/* TOK_ENTITY: the character */
};

static int
entity(const char *s, size_t n, struct tok *t)
{
	static const struct { const char *name; unsigned long cp; } named[] = {
		{ "lt", '<' }, { "gt", '>' }, { "amp", '&' }, { "quot", '"' },
	};
	size_t	 i = 1;

	if (n > 2 && s[1] == '#') {
		unsigned long	 cp = 0;
		int		 hex = 0, digits = 0;

		i = 2;
		if (i < n && (s[i] == 'x' || s[i] == 'X')) {
			hex = 1;
			i++;
		}
		for (; i < n && digits < 8; i++, digits++) {
			char c = s[i];

			if (c >= '0' && c <= '9')
				cp = cp * (hex ? 16 : 10) + (unsigned long)(c - '0');
			else if (hex && c >= 'a' && c <= 'f')
				cp = cp * 16 + (unsigned long)(c - 'a' + 10);
			else if (hex && c >= 'A' && c <= 'F')
				cp = cp * 16 + (unsigned long)(c - 'A' + 10);
			else
				break;
		}
		if (digits == 0)
			return 0;
		if (i < n && s[i] == ';')
			i++;
		t->kind = TOK_ENTITY;
		t->len = i;
		t->cp = cp;
		t->units = cp > 0xffff ? 2 : 1;
		return 1;
	}
	for (size_t k = 0; k < sizeof(named) / sizeof(named[0]); k++) {
		size_t nl = strlen(named[k].name);

		if (n > nl && strncmp(s + 1, named[k].name, nl) == 0) {
			i = 1 + nl;
			if (i < n && s[i] == ';')
				i++;
			t->kind = TOK_ENTITY;
			t->len = i;
			t->cp = named[k].cp;
			t->units = 1;
			return 1;
		}
	}
	return 0;
}

static void
next_tok(const char *s, size_t n, bool html, struct tok *t)
{
	const unsigned char *u = (const unsigned char *)s;

	t->cp = 0;
	if (html && s[0] == '<') {
		const char	*gt = memchr(s, '>', n), *lt;
		size_t		 o = n > 1 && s[1] == '/' ? 2 : 1;

		/* A tag starts with a name and holds no other '<'; anything
		 * else is text (which Telegram refuses, and the plain-text
		 * fallback then shows as is). */
		lt = gt != NULL ? memchr(s + 1, '<', (size_t)(gt - s) - 1) : NULL;
		if (gt != NULL && lt == NULL && o < n &&
		    ((s[o] >= 'a' && s[o] <= 'z') || (s[o] >= 'A' && s[o] <= 'Z'))) {
			t->kind = n > 1 && s[1] == '/' ? TOK_CLOSE : TOK_OPEN;
			t->len = (size_t)(gt - s) + 1;
			t->units = 0;
			return;
		}
	}
	if (html && s[0] == '&' && entity(s, n, t))
		return;
	t->kind = s[0] == '\n' ? TOK_NL : TOK_CHAR;
	/* A character as Go's range over a string reads it (Alertmanager
	 * truncates in those runes): an invalid byte is one of its own. */
	t->len = utf8_seqlen(u, n);
	t->units = t->len == 4 ? 2 : 1;
}

size_t
tgtext_units(const char *text, size_t len, bool html)
{
	size_t		 units = 0;
	struct tok	 t;

	for (size_t i = 0; i < len; i += t.len) {
		next_tok(text + i, len - i, html, &t);
		units += t.units;
	}
	return units;
}

void
tgtext_parts_free(struct tgtext_parts *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

static int
push(struct tgtext_parts *p, const char *s, size_t len)
{
	char **nv;

	if ((nv = reallocarray(p->v, p->n + 1, sizeof(*nv))) == NULL)
		return -1;
	p->v = nv;
	if ((nv[p->n] = strndup(s, len)) == NULL)
		return -1;
	p->n++;
	return 0;
}

/* Room kept in each part for the "(i/n)\n" prefix. */
#define PREFIX_ROOM 16
#define MAX_NEST 16

/* The elements open at some point: offsets and lengths of their start tags. */
struct open_tags {
	size_t	off[MAX_NEST];
	size_t	len[MAX_NEST];
	int	n;
};

/* A place to cut and the elements open there. */
struct cut {
	size_t			at;	/* 0: none */
	struct open_tags	open;
};

/* "</name>" for the start tag at s ("<name attr...>"). */
static int
close_tag(struct buf *b, const char *s, size_t len)
{
	size_t n = 1;

	while (n < len && s[n] != ' ' && s[n] != '>' && s[n] != '\t' &&
	    s[n] != '\n')
		n++;
	return buf_printf(b, "</%.*s>", (int)(n - 1), s + 1);
}

/*
 * Where a part may end without splitting a user-perceived character
 * (Unicode's extended grapheme clusters, UAX #29, by libunistring): a ZWJ
 * emoji sequence, a flag or a letter with its combining marks stays whole.
 * Returns an array of len + 1 flags, brk[x] true when a cut at byte x is
 * such a boundary (tags are no characters: a cut before one is judged by
 * the character after it), or NULL when memory runs out.
 */
static bool *
grapheme_cuts(const char *text, size_t len, bool html)
{
	uint32_t	*cps;
	char		*p;
	bool		*brk;
	size_t		*at, n = 0, i, k;
	struct tok	 t;

	cps = calloc(len + 1, sizeof(*cps));
	at = calloc(len + 1, sizeof(*at));
	p = calloc(len + 1, 1);
	brk = calloc(len + 1, sizeof(*brk));
	if (cps == NULL || at == NULL || p == NULL || brk == NULL) {
		free(brk);
		brk = NULL;
		goto out;
	}
	for (i = 0; i < len; i += t.len) {
		next_tok(text + i, len - i, html, &t);
		if (t.kind == TOK_OPEN || t.kind == TOK_CLOSE)
			continue;
		if (t.kind == TOK_ENTITY)
			cps[n] = (uint32_t)t.cp;
		else
			(void)utf8_decode_lossy((const unsigned char *)text + i,
			    len - i, &cps[n]);
		at[n++] = i;
	}
	u32_grapheme_breaks(cps, n, p);
	/* From the end back, so a cut before tags takes the next character's
	 * flag; the end of the text is always a boundary. */
	brk[len] = true;
	k = n;
	for (i = len; i-- > 0;) {
		if (k > 0 && at[k - 1] == i)
			brk[i] = p[--k] != 0 || k == 0;
		else
			brk[i] = brk[i + 1];
	}
out:
	free(cps);
	free(at);
	free(p);
	return brk;
}

/*
 * Cuts come, by preference: after the last line break that fits (inside an
 * element or not), between characters outside any element, between any
 * characters; the last two only where a character ends as a reader sees it
 * (grapheme_cuts), unless a single one is longer than a part. A cut inside elements closes them at the end of the part and
 * opens them again at the start of the next, so each part is valid markup on
 * its own (tags count no units, so this costs no room).
 */
int
tgtext_split(const char *text, size_t len, bool html, size_t max,
    struct tgtext_parts *out)
{
	struct tgtext_parts	 raw = { 0 };
	struct open_tags	 carried = { .n = 0 }, cur;
	struct tok		 t;
	struct buf		 part;
	size_t			 start = 0, i, units, budget;
	bool			*brk;

	out->v = NULL;
	out->n = 0;
	buf_init(&part, 0);
	if (tgtext_units(text, len, html) <= max)
		return push(out, text, len);
	if ((brk = grapheme_cuts(text, len, html)) == NULL)
		return -1;
	budget = max > PREFIX_ROOM + 1 ? max - PREFIX_ROOM : 1;
	while (start < len) {
		struct cut	 nl0 = { 0 }, nl = { 0 }, safe0 = { 0 }, anyg = { 0 },
				 any = { 0 };
		const struct cut *c;

		units = 0;
		cur = carried;
		for (i = start; i < len; i += t.len) {
			next_tok(text + i, len - i, html, &t);
			if (units + t.units > budget && i > start)
				break;
			units += t.units;
			if (t.kind == TOK_OPEN && cur.n < MAX_NEST) {
				cur.off[cur.n] = i;
				cur.len[cur.n++] = t.len;
			} else if (t.kind == TOK_CLOSE && cur.n > 0)
				cur.n--;
			if (t.kind == TOK_NL) {
				struct cut *k = cur.n == 0 ? &nl0 : &nl;

				k->at = i + t.len;
				k->open = cur;
			}
			if (cur.n == 0 && brk[i + t.len]) {
				safe0.at = i + t.len;
				safe0.open = cur;
			}
			if (brk[i + t.len]) {
				anyg.at = i + t.len;
				anyg.open = cur;
			}
			any.at = i + t.len;
			any.open = cur;
		}
		if (i >= len)
			c = &any;
		else if (nl0.at > start || nl.at > start)
			c = nl0.at > nl.at ? &nl0 : &nl;
		else if (safe0.at > start)
			c = &safe0;
		else if (anyg.at > start)
			c = &anyg;
		else
			c = &any;
		buf_reset(&part);
		for (int k = 0; k < carried.n; k++)
			if (buf_add(&part, text + carried.off[k], carried.len[k]) == -1)
				goto fail;
		if (buf_add(&part, text + start, c->at - start) == -1)
			goto fail;
		for (int k = c->open.n - 1; k >= 0; k--)
			if (close_tag(&part, text + c->open.off[k], c->open.len[k]) == -1)
				goto fail;
		if (push(&raw, buf_str(&part), part.len) == -1)
			goto fail;
		carried = c->open;
		start = c->at;
	}
	for (i = 0; i < raw.n; i++) {
		char *s;

		if (asprintf(&s, "(%zu/%zu)\n%s", i + 1, raw.n, raw.v[i]) == -1)
			goto fail;
		if (push(out, s, strlen(s)) == -1) {
			free(s);
			goto fail;
		}
		free(s);
	}
	buf_free(&part);
	tgtext_parts_free(&raw);
	free(brk);
	return 0;
fail:
	free(brk);
	buf_free(&part);
	tgtext_parts_free(&raw);
	tgtext_parts_free(out);
	return -1;
}

char *
tgtext_html_to_plain(const char *html)
{
	struct buf	 b;
	struct tok	 t;
	size_t		 len = strlen(html);

	buf_init(&b, 0);
	for (size_t i = 0; i < len; i += t.len) {
		int rc = 0;

		next_tok(html + i, len - i, true, &t);
		if (t.kind == TOK_OPEN || t.kind == TOK_CLOSE)
			continue;
		if (t.kind == TOK_ENTITY) {
			unsigned long	 c = t.cp;
			char		 u[4];
			size_t		 ul;

			/* &#0; too shows as U+FFFD */
			if (c == 0 || c > 0x10ffff)
				c = UTF8_RUNE_ERROR;
			ul = utf8_encode((uint32_t)c, u);
			rc = buf_add(&b, u, ul);
		} else
			rc = buf_add(&b, html + i, t.len);
		if (rc == -1) {
			buf_free(&b);
			return NULL;
		}
	}
	return buf_steal(&b);
}
