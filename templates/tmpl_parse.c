/* tmpl_parse.c: lexer and parser for Go's text/template syntax, producing
 * the trees that tmpl_exec.c walks. Mirrors text/template/parse's grammar. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tmpl_int.h"
#include "utf8.h"

enum tok {
	T_EOF, T_TEXT, T_LEFT, T_RIGHT, T_IDENT, T_FIELD, T_DOT, T_VAR,
	T_NUM, T_STR, T_CHAR, T_LPAREN, T_RPAREN, T_PIPE, T_DECL, T_ASSIGN,
	T_COMMA, T_BOOL, T_NIL, T_SPACE,
};

struct parser {
	struct tmpl_set	*set;
	const char	*name;
	const char	*src;
	size_t		 len, pos;
	bool		 in_action;
	bool		 trim_next;	/* last action ended with -}} */
	/* current token */
	enum tok	 t;
	size_t		 tpos, tlen;
	bool		 tsp;		/* whitespace preceded the token */
	bool		 peeked;
	/* variables in scope, for "undefined variable" errors */
	char		**vars;
	size_t		 nvars, avars;
	/* names given a non-empty body in this text, for Go's rule that one
	 * text may not define a template twice */
	char		**defined;
	size_t		 ndefined;
	int		 range_depth;
	struct terr	*err;
	int		 depth;
};

#define MAX_DEPTH 200

static int	parse_list(struct parser *, struct node **, int *);
static struct node *parse_pipe(struct parser *, const char *, bool);

static void
linecol(const struct parser *p, size_t off, int *line, int *col)
{
	int	 l = 1;
	size_t	 ls = 0;

	for (size_t i = 0; i < off && i < p->len; i++)
		if (p->src[i] == '\n') {
			l++;
			ls = i + 1;
		}
	*line = l;
	*col = (int)(off - ls);
}

static int PRINTF_LIKE(2, 3)
perr(struct parser *p, const char *fmt, ...)
{
	char	 msg[TERR_MAX];
	int	 line, col;
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	linecol(p, p->tpos, &line, &col);
	/* errors are log lines: quoted template text must not break them */
	for (char *c = msg; *c; c++)
		if ((unsigned char)*c < 0x20)
			*c = ' ';
	return terr_set(p->err, "template: %s:%d: %s", p->name, line, msg);
}

static struct node *
node_new(struct parser *p, enum nkind k, size_t pos)
{
	struct node *n = calloc(1, sizeof(*n));

	if (n == NULL)
		return NULL;
	n->k = k;
	linecol(p, pos, &n->line, &n->col);
	return n;
}

void
tmpl_node_free(struct node *n)
{
	if (n == NULL)
		return;
	for (size_t i = 0; i < n->nkids; i++)
		tmpl_node_free(n->kids[i]);
	free(n->kids);
	for (size_t i = 0; i < n->nids; i++)
		free(n->ids[i]);
	free(n->ids);
	for (size_t i = 0; i < n->ndecl; i++)
		free(n->decl[i]);
	free(n->decl);
	free(n->s);
	free(n->src);
	tmpl_node_free(n->pipe);
	tmpl_node_free(n->list);
	tmpl_node_free(n->elist);
	tmpl_node_free(n->base);
	free(n);
}

static int
push(void ***arr, size_t *n, void *item)
{
	void **v = realloc(*arr, (*n + 1) * sizeof(*v));

	if (v == NULL)
		return -1;
	v[(*n)++] = item;
	*arr = v;
	return 0;
}

static int
add_kid(struct node *n, struct node *kid)
{
	return push((void ***)&n->kids, &n->nkids, kid);
}

static int
add_str(char ***arr, size_t *n, const char *s, size_t len)
{
	char *c = strndup(s, len);

	if (c == NULL || push((void ***)arr, n, c) == -1) {
		free(c);
		return -1;
	}
	return 0;
}

/* ---- lexer ---- */

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool
is_alnum(char c)
{
	return c == '_' || isalnum((unsigned char)c) || (unsigned char)c >= 0x80;
}

/* Whether the action starting at off ("{{") opens with a trim marker. */
static bool
left_trim_at(const struct parser *p, size_t off)
{
	return off + 3 < p->len && p->src[off + 2] == '-' &&
	    is_space(p->src[off + 3]);
}

/* Scans a "..." string or '...' character literal starting at i: escapes
 * skip the next byte, and a newline or the end of input leaves it open. */
static int
lex_quoted(struct parser *p, size_t i, char quote, enum tok t,
    const char *unterminated)
{
	const char	*s = p->src;
	size_t		 j = i + 1;

	for (; j < p->len && s[j] != quote; j++) {
		if (s[j] == '\\' && j + 1 < p->len)
			j++;
		else if (s[j] == '\n')
			return perr(p, "%s", unterminated);
	}
	if (j >= p->len)
		return perr(p, "%s", unterminated);
	p->t = t;
	p->tlen = j + 1 - i;
	p->pos = j + 1;
	return 0;
}

/*
 * Scans the next token into p->t/tpos/tlen. This is Go's text/template/parse
 * lexer with its states folded into one function run on demand: outside an
 * action it is lexText (text up to "{{", trimmed before "{{- " and after
 * " -}}"), lexLeftDelim and lexComment (a comment must be followed at once by
 * "}}" or " -}}", with Go's two error messages); inside it is
 * lexInsideAction: delimiters with trim markers, ( ) | , = := and the
 * literals Go lexes there: "..." and '...' through lex_quoted (Go's
 * lexQuote and lexChar), raw `...` strings (which may span lines),
 * $variables, .fields, numbers, identifiers, true, false and nil. Spaces
 * are no token of their own (Go emits itemSpace): p->tsp records them for
 * the parser and for " -}}". Newlines may appear inside an action.
 *
 * Not reproduced: custom delimiters (templates here always use {{ }}),
 * keyword tokens (if, range, end... come out as identifiers and the parser
 * recognises them), Unicode letter classes (any byte >= 0x80 counts as a
 * letter in names), and Go's number scanning: a number is taken loosely
 * (letters, digits, '.', '_', a sign after an exponent) and judged by
 * number_node when the parser builds it. unlex gives the parser one token
 * of look-ahead instead of Go's three-item peek.
 */
static int
lex(struct parser *p)
{
	const char	*s = p->src;
	size_t		 i = p->pos;

	if (p->peeked) {
		p->peeked = false;
		return 0;
	}
	p->tsp = false;
	if (!p->in_action) {
		const char	*open;
		size_t		 start = i, end;

		if (i >= p->len) {
			p->t = T_EOF;
			p->tpos = i;
			return 0;
		}
		if (p->trim_next) {
			while (i < p->len && is_space(s[i]))
				i++;
			start = i;
			p->trim_next = false;
		}
		open = memmem(s + i, p->len - i, "{{", 2);
		end = open ? (size_t)(open - s) : p->len;
		if (end > start || open == NULL) {
			size_t e = end;

			if (open && left_trim_at(p, end))
				while (e > start && is_space(s[e - 1]))
					e--;
			p->t = T_TEXT;
			p->tpos = start;
			p->tlen = e - start;
			p->pos = end;
			if (open == NULL && end == start) {
				p->t = T_EOF;
				return 0;
			}
			return 0;
		}
		/* an action */
		p->t = T_LEFT;
		p->tpos = i;
		i += 2;
		if (left_trim_at(p, p->tpos))
			i += 2;
		/* comment */
		{
			size_t j = i;

			if (j + 1 < p->len && s[j] == '/' && s[j + 1] == '*') {
				const char *c = memmem(s + j + 2, p->len - j - 2, "*/", 2);
				size_t	    k;

				if (c == NULL)
					return perr(p, "unclosed comment");
				k = c - s + 2;
				if (k + 2 <= p->len && s[k] == '}' && s[k + 1] == '}') {
					p->pos = k + 2;
				} else if (k + 4 <= p->len && s[k] == ' ' &&
				    s[k + 1] == '-' && s[k + 2] == '}' && s[k + 3] == '}') {
					p->pos = k + 4;
					p->trim_next = true;
				} else
					return perr(p, "comment ends before closing delimiter");
				/* a comment is an empty action */
				return lex(p);
			}
		}
		p->pos = i;
		p->in_action = true;
		return 0;
	}
	while (i < p->len && is_space(s[i])) {
		i++;
		p->tsp = true;
	}
	p->tpos = i;
	if (i >= p->len) {
		p->tpos = i;
		return perr(p, "unclosed action");
	}
	if (s[i] == '-' && i + 3 <= p->len && s[i + 1] == '}' && s[i + 2] == '}' &&
	    p->tsp) {
		p->t = T_RIGHT;
		p->pos = i + 3;
		p->trim_next = true;
		p->in_action = false;
		return 0;
	}
	if (s[i] == '}' && i + 1 < p->len && s[i + 1] == '}') {
		p->t = T_RIGHT;
		p->pos = i + 2;
		p->in_action = false;
		return 0;
	}
	switch (s[i]) {
	case '(':
		p->t = T_LPAREN;
		p->pos = i + 1;
		return 0;
	case ')':
		p->t = T_RPAREN;
		p->pos = i + 1;
		return 0;
	case '|':
		p->t = T_PIPE;
		p->pos = i + 1;
		return 0;
	case ',':
		p->t = T_COMMA;
		p->pos = i + 1;
		return 0;
	case '=':
		p->t = T_ASSIGN;
		p->pos = i + 1;
		return 0;
	case ':':
		if (i + 1 < p->len && s[i + 1] == '=') {
			p->t = T_DECL;
			p->pos = i + 2;
			return 0;
		}
		return perr(p, "expected :=");
	case '"':
		return lex_quoted(p, i, '"', T_STR, "unterminated quoted string");
	case '`': {
		const char *e = memchr(s + i + 1, '`', p->len - i - 1);

		if (e == NULL)
			return perr(p, "unterminated raw quoted string");
		p->t = T_STR;
		p->tlen = e - s + 1 - i;
		p->pos = e - s + 1;
		return 0;
	}
	case '\'':
		return lex_quoted(p, i, '\'', T_CHAR,
		    "unterminated character constant");
	case '$': {
		size_t j = i + 1;

		while (j < p->len && is_alnum(s[j]))
			j++;
		p->t = T_VAR;
		p->tlen = j - i;
		p->pos = j;
		return 0;
	}
	case '.':
		if (i + 1 < p->len && isdigit((unsigned char)s[i + 1]))
			break;
		{
			size_t j = i + 1;

			while (j < p->len && is_alnum(s[j]))
				j++;
			p->t = j == i + 1 ? T_DOT : T_FIELD;
			p->tlen = j - i;
			p->pos = j;
			return 0;
		}
	default:
		break;
	}
	if (isdigit((unsigned char)s[i]) || s[i] == '.' ||
	    ((s[i] == '-' || s[i] == '+') && i + 1 < p->len &&
	    (isdigit((unsigned char)s[i + 1]) || s[i + 1] == '.'))) {
		size_t j = i + 1;

		while (j < p->len && (isalnum((unsigned char)s[j]) ||
		    s[j] == '.' || s[j] == '_' ||
		    ((s[j] == '+' || s[j] == '-') &&
		    strchr("eEpP", s[j - 1]) != NULL)))
			j++;
		p->t = T_NUM;
		p->tlen = j - i;
		p->pos = j;
		return 0;
	}
	if (is_alnum(s[i])) {
		size_t j = i;

		while (j < p->len && is_alnum(s[j]))
			j++;
		p->tlen = j - i;
		p->pos = j;
		if (p->tlen == 4 && memcmp(s + i, "true", 4) == 0)
			p->t = T_BOOL;
		else if (p->tlen == 5 && memcmp(s + i, "false", 5) == 0)
			p->t = T_BOOL;
		else if (p->tlen == 3 && memcmp(s + i, "nil", 3) == 0)
			p->t = T_NIL;
		else
			p->t = T_IDENT;
		return 0;
	}
	return perr(p, "unexpected %c in command", s[i]);
}

static void
unlex(struct parser *p)
{
	p->peeked = true;
}

static bool
tok_is(const struct parser *p, const char *kw)
{
	return p->t == T_IDENT && p->tlen == strlen(kw) &&
	    memcmp(p->src + p->tpos, kw, p->tlen) == 0;
}

/* Unquotes a Go string literal ("..." or `...`) into a new string. */
static int
unquote(struct parser *p, const char *s, size_t len, char **out, size_t *olen)
{
	struct buf	 b;
	size_t		 i;

	buf_init(&b, 0);
	if (s[0] == '`') {
		for (i = 1; i + 1 < len; i++)
			if (s[i] != '\r' && buf_addc(&b, s[i]) == -1)
				goto oom;
		goto done;
	}
	for (i = 1; i + 1 < len; i++) {
		char		 c = s[i];
		unsigned long	 cp;
		int		 nd = 0;

		if (c != '\\') {
			if (buf_addc(&b, c) == -1)
				goto oom;
			continue;
		}
		c = s[++i];
		switch (c) {
		case 'n': c = '\n'; break;
		case 't': c = '\t'; break;
		case 'r': c = '\r'; break;
		case 'a': c = '\a'; break;
		case 'b': c = '\b'; break;
		case 'f': c = '\f'; break;
		case 'v': c = '\v'; break;
		case '\\': case '"': case '\'': break;
		case 'x': nd = 2; break;
		case 'u': nd = 4; break;
		case 'U': nd = 8; break;
		default:
			if (c >= '0' && c <= '7' && i + 2 < len - 1) {
				cp = strtoul((char[]){ s[i], s[i + 1], s[i + 2], 0 }, NULL, 8);
				i += 2;
				if (cp > 255)
					goto bad;
				c = (char)cp;
				break;
			}
			goto bad;
		}
		if (nd == 0) {
			if (buf_addc(&b, c) == -1)
				goto oom;
			continue;
		}
		{
			char hex[9];

			if (i + nd >= len - 0)
				goto bad;
			memcpy(hex, s + i + 1, nd);
			hex[nd] = '\0';
			for (int k = 0; k < nd; k++)
				if (!isxdigit((unsigned char)hex[k]))
					goto bad;
			cp = strtoul(hex, NULL, 16);
			i += nd;
		}
		if (c == 'x') {
			if (buf_addc(&b, (char)cp) == -1)
				goto oom;
			continue;
		}
		if (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000))
			goto bad;
		{
			char	u[4];

			if (buf_add(&b, u, utf8_encode((uint32_t)cp, u)) == -1)
				goto oom;
		}
	}
done:
	*olen = b.len;
	if ((*out = buf_steal(&b)) == NULL)
		return perr(p, "out of memory");
	return 0;
bad:
	buf_free(&b);
	return perr(p, "invalid syntax");
oom:
	buf_free(&b);
	return perr(p, "out of memory");
}

/* ---- parser ---- */

static struct node *
number_node(struct parser *p)
{
	struct node	*n = node_new(p, N_NUM, p->tpos);
	char		*txt, *end;
	const char	*t;
	bool		 hex;

	if (n == NULL)
		return NULL;
	if ((txt = strndup(p->src + p->tpos, p->tlen)) == NULL)
		goto fail;
	n->src = txt;
	t = txt[0] == '-' || txt[0] == '+' ? txt + 1 : txt;
	hex = t[0] == '0' && (t[1] == 'x' || t[1] == 'X');
	/* underscores only between digits (or after a base prefix) */
	for (const char *u = strchr(t, '_'); u != NULL; u = strchr(u + 1, '_'))
		if (u == t || !isalnum((unsigned char)u[-1]) ||
		    !isalnum((unsigned char)u[1]))
			goto bad;
	if (strchr(txt, '_') != NULL || (t[0] == '0' && (t[1] == 'b' ||
	    t[1] == 'B' || t[1] == 'o' || t[1] == 'O'))) {
		/* rare forms: digits with underscores, binary, octal */
		char	clean[128];
		size_t	k = 0;
		int	base = 10;
		const char *q = t;

		if (t[0] == '0' && (t[1] == 'b' || t[1] == 'B'))
			base = 2, q = t + 2;
		else if (t[0] == '0' && (t[1] == 'o' || t[1] == 'O'))
			base = 8, q = t + 2;
		else if (hex)
			base = 16, q = t + 2;
		for (; *q && k + 1 < sizeof(clean); q++)
			if (*q != '_')
				clean[k++] = *q;
		clean[k] = '\0';
		errno = 0;
		n->i = strtoll(clean, &end, base);
		if (*end || errno || k == 0)
			goto bad;
		if (txt[0] == '-')
			n->i = -n->i;
		n->is_int = true;
		n->f = (double)n->i;
		n->is_float = true;
		return n;
	}
	errno = 0;
	n->i = strtoll(txt, &end, hex ? 16 : 10);
	if (*end == '\0' && errno == 0 && !(t[0] == '0' && t[1] && !hex)) {
		n->is_int = true;
		n->is_float = true;
		n->f = (double)n->i;
		return n;
	}
	if (t[0] == '0' && t[1] && !hex && strspn(t, "0123456789") == strlen(t) &&
	    strspn(t, "01234567") != strlen(t)) {
		perr(p, "integer overflow: \"%s\"", txt);
		goto fail;
	}
	if (t[0] == '0' && t[1] && !hex && strspn(t, "01234567") == strlen(t)) {
		n->i = strtoll(txt, &end, 8);
		n->is_int = n->is_float = true;
		n->f = (double)n->i;
		return n;
	}
	errno = 0;
	n->f = strtod(txt, &end);
	/* subnormals are fine (Go parses 5e-324); overflow is not */
	if (*end || (errno && (n->f == 0 || isinf(n->f))))
		goto bad;
	n->is_float = true;
	if (n->f < 9.2e18 && n->f > -9.2e18 && n->f == (double)(int64_t)n->f) {
		n->is_int = true;
		n->i = (int64_t)n->f;
	}
	return n;
bad:
	perr(p, "illegal number syntax: \"%s\"", txt);
fail:
	tmpl_node_free(n);
	return NULL;
}

static bool
var_known(struct parser *p, const char *s, size_t len)
{
	for (size_t i = p->nvars; i > 0; i--)
		if (strlen(p->vars[i - 1]) == len &&
		    memcmp(p->vars[i - 1], s, len) == 0)
			return true;
	return false;
}

static int
var_push(struct parser *p, const char *s, size_t len)
{
	return add_str(&p->vars, &p->nvars, s, len);
}

static void
var_pop(struct parser *p, size_t to)
{
	while (p->nvars > to)
		free(p->vars[--p->nvars]);
}

/* Splits ".a.b" or "$x" token text into a chain node's ids. */
static int
add_field_ids(struct node *n, const char *s, size_t len)
{
	return add_str(&n->ids, &n->nids, s + 1, len - 1);
}

/* Adds the current field token and those that follow it with no space
 * between (.a.b.c) to n, leaving the first other token unread. */
static int
add_fields(struct parser *p, struct node *n)
{
	while (p->t == T_FIELD && !p->tsp) {
		if (add_field_ids(n, p->src + p->tpos, p->tlen) == -1)
			return perr(p, "out of memory");
		if (lex(p) == -1)
			return -1;
	}
	unlex(p);
	return 0;
}

static struct node *
term(struct parser *p)
{
	struct node	*n = NULL;

	switch (p->t) {
	case T_IDENT:
		if (tmpl_func_find_name(p->src + p->tpos, p->tlen) == 0)
			return perr(p, "function \"%.*s\" not defined",
			    (int)p->tlen, p->src + p->tpos), NULL;
		if ((n = node_new(p, N_IDENT, p->tpos)) == NULL ||
		    (n->s = strndup(p->src + p->tpos, p->tlen)) == NULL)
			goto oom;
		return n;
	case T_DOT:
		return node_new(p, N_DOT, p->tpos);
	case T_NIL:
		return node_new(p, N_NIL, p->tpos);
	case T_BOOL:
		if ((n = node_new(p, N_BOOL, p->tpos)) == NULL)
			goto oom;
		n->b = p->src[p->tpos] == 't';
		return n;
	case T_VAR:
		if (!var_known(p, p->src + p->tpos, p->tlen))
			return perr(p, "undefined variable \"%.*s\"",
			    (int)p->tlen, p->src + p->tpos), NULL;
		if ((n = node_new(p, N_VAR, p->tpos)) == NULL ||
		    (n->s = strndup(p->src + p->tpos, p->tlen)) == NULL)
			goto oom;
		return n;
	case T_FIELD:
		if ((n = node_new(p, N_FIELD, p->tpos)) == NULL ||
		    add_field_ids(n, p->src + p->tpos, p->tlen) == -1)
			goto oom;
		return n;
	case T_NUM:
		return number_node(p);
	case T_CHAR: {
		char	*v;
		size_t	 vl;
		char	*q;

		/* reuse the string unquoter on a "..." copy */
		if ((q = strndup(p->src + p->tpos, p->tlen)) == NULL)
			goto oom;
		q[0] = q[p->tlen - 1] = '"';
		if (unquote(p, q, p->tlen, &v, &vl) == -1) {
			free(q);
			return NULL;
		}
		free(q);
		{
			/* exactly one character */
			size_t	 ulen = vl == 0 ? 0 : ((unsigned char)v[0] < 0x80 ||
				    (unsigned char)v[0] < 0xc0) ? 1 :
				    (unsigned char)v[0] >= 0xf0 ? 4 :
				    (unsigned char)v[0] >= 0xe0 ? 3 : 2;

			if (vl == 0 || ulen != vl) {
				free(v);
				return perr(p, "malformed character constant: %.*s",
				    (int)p->tlen, p->src + p->tpos), NULL;
			}
		}
		if ((n = node_new(p, N_NUM, p->tpos)) == NULL) {
			free(v);
			goto oom;
		}
		{
			const unsigned char *u = (const unsigned char *)v;
			int64_t cp = u[0];

			if (vl >= 2 && u[0] >= 0xc0) {
				int k = u[0] >= 0xf0 ? 3 : u[0] >= 0xe0 ? 2 : 1;

				cp = u[0] & (0x3f >> k);
				for (int j = 1; j <= k && j < (int)vl; j++)
					cp = cp << 6 | (u[j] & 0x3f);
			}
			n->i = cp;
			n->f = (double)cp;
		}
		free(v);
		n->is_int = n->is_float = true;
		n->src = strndup(p->src + p->tpos, p->tlen);
		return n;
	}
	case T_STR:
		if ((n = node_new(p, N_STR, p->tpos)) == NULL)
			goto oom;
		if (unquote(p, p->src + p->tpos, p->tlen, &n->s, &n->slen) == -1) {
			tmpl_node_free(n);
			return NULL;
		}
		return n;
	case T_LPAREN: {
		size_t	 at = p->tpos;
		struct node *pipe;

		if ((pipe = parse_pipe(p, "parenthesized pipeline", true)) == NULL)
			return NULL;
		(void)at;
		return pipe;
	}
	default:
		if (p->t == T_RIGHT)
			perr(p, "unexpected \"}}\" in operand");
		else
			perr(p, "unexpected \"%.*s\" in operand",
			    (int)(p->pos - p->tpos), p->src + p->tpos);
		return NULL;
	}
oom:
	tmpl_node_free(n);
	perr(p, "out of memory");
	return NULL;
}

/* term, then any .Field chain glued to it. */
static struct node *
operand(struct parser *p)
{
	struct node	*n, *c;
	size_t		 start = p->tpos;

	if ((n = term(p)) == NULL)
		return NULL;
	if (lex(p) == -1)
		goto fail;
	if (p->t != T_FIELD || p->tsp) {
		unlex(p);
		goto srcset;
	}
	if (n->k == N_FIELD || n->k == N_VAR) {
		size_t first = p->tpos;

		if (add_fields(p, n) == -1)
			goto fail;
		if (n->k == N_FIELD)
			linecol(p, first, &n->line, &n->col);
		goto srcset;
	}
	if (n->k == N_BOOL || n->k == N_STR || n->k == N_NUM || n->k == N_NIL ||
	    n->k == N_DOT) {
		perr(p, "unexpected . after term \"%.*s\"",
		    (int)(p->tpos - start), p->src + start);
		goto fail;
	}
	if ((c = node_new(p, N_CHAIN, p->tpos)) == NULL)
		goto oom;
	c->base = n;
	n = c;
	if (add_fields(p, n) == -1)
		goto fail;
srcset:
	/* the operand's source text, as Go prints it in errors */
	{
		size_t end = p->peeked ? p->tpos : p->pos;

		while (end > start && is_space(p->src[end - 1]))
			end--;
		free(n->src);
		if ((n->src = strndup(p->src + start, end - start)) == NULL)
			goto oom;
	}
	return n;
oom:
	perr(p, "out of memory");
fail:
	tmpl_node_free(n);
	return NULL;
}

/* A command's text as Go prints it in errors: its operands joined by one
 * space. */
static int
cmd_src(struct node *cmd)
{
	struct buf b;

	buf_init(&b, 0);
	for (size_t i = 0; i < cmd->nkids; i++)
		if ((i && buf_addc(&b, ' ') == -1) ||
		    buf_adds(&b, cmd->kids[i]->src ? cmd->kids[i]->src : "") == -1) {
			buf_free(&b);
			return -1;
		}
	cmd->src = buf_steal(&b);
	return cmd->src ? 0 : -1;
}

static struct node *
command(struct parser *p)
{
	struct node	*cmd = node_new(p, N_CMD, p->tpos);
	struct node	*op;

	if (cmd == NULL)
		return perr(p, "out of memory"), NULL;
	for (;;) {
		if (lex(p) == -1)
			goto fail;
		switch (p->t) {
		case T_RIGHT:
		case T_RPAREN:
		case T_PIPE:
			unlex(p);
			if (cmd->nkids == 0) {
				perr(p, "empty command");
				goto fail;
			}
			if (cmd_src(cmd) == -1) {
				perr(p, "out of memory");
				goto fail;
			}
			return cmd;
		default:
			break;
		}
		if (cmd->nkids > 0 && !p->tsp) {
			perr(p, "missing space?");
			goto fail;
		}
		if ((op = operand(p)) == NULL)
			goto fail;
		if (add_kid(cmd, op) == -1) {
			tmpl_node_free(op);
			goto fail;
		}
	}
fail:
	tmpl_node_free(cmd);
	return NULL;
}

/* Rewinds the lexer to a saved state (declarations need two tokens of
 * lookahead). */
static void
restore(struct parser *p, const struct parser *save)
{
	p->pos = save->pos;
	p->peeked = save->peeked;
	p->t = save->t;
	p->tpos = save->tpos;
	p->tlen = save->tlen;
	p->tsp = save->tsp;
	p->in_action = save->in_action;
	p->trim_next = save->trim_next;
}

/* Parses a pipeline up to }} (or ")" when paren), with declarations. */
static struct node *
parse_pipe(struct parser *p, const char *ctx, bool paren)
{
	struct node	*pipe = node_new(p, N_PIPE, p->tpos);
	struct node	*cmd;
	struct parser	 save = *p;
	enum tok	 end = paren ? T_RPAREN : T_RIGHT;

	if (pipe == NULL)
		return perr(p, "out of memory"), NULL;
	if (++p->depth > MAX_DEPTH) {
		perr(p, "nesting too deep");
		goto fail;
	}
	/* declarations: $x := / $x = / $i, $v := */
	if (!paren) {
		bool	tsp_save;
		size_t	tpos_save;

		if (lex(p) == -1)
			goto fail;
		tsp_save = p->tsp;
		tpos_save = p->tpos;
		if (p->t == T_VAR) {
			size_t	vpos = p->tpos, vlen = p->tlen;

			if (lex(p) == -1)
				goto fail;
			if (p->t == T_DECL || p->t == T_ASSIGN) {
				pipe->assign = p->t == T_ASSIGN;
				if (add_str(&pipe->decl, &pipe->ndecl, p->src + vpos,
				    vlen) == -1)
					goto fail;
				if (pipe->assign && !var_known(p, p->src + vpos, vlen)) {
					p->tpos = vpos;
					perr(p, "undefined variable \"%.*s\"",
					    (int)vlen, p->src + vpos);
					goto fail;
				}
			} else if (p->t == T_COMMA && strcmp(ctx, "range") == 0) {
				size_t	v2pos, v2len;

				if (lex(p) == -1)
					goto fail;
				if (p->t != T_VAR) {
					perr(p, "range can only initialize variables");
					goto fail;
				}
				v2pos = p->tpos;
				v2len = p->tlen;
				if (lex(p) == -1)
					goto fail;
				if (p->t != T_DECL && p->t != T_ASSIGN) {
					perr(p, "range can only initialize variables");
					goto fail;
				}
				pipe->assign = p->t == T_ASSIGN;
				if (add_str(&pipe->decl, &pipe->ndecl, p->src + vpos,
				    vlen) == -1 || add_str(&pipe->decl,
				    &pipe->ndecl, p->src + v2pos, v2len) == -1)
					goto fail;
			} else {
				/* not a declaration: rewind */
				restore(p, &save);
			}
		} else
			restore(p, &save);
		(void)tsp_save;
		(void)tpos_save;
	}
	for (;;) {
		if (lex(p) == -1)
			goto fail;
		if (p->t == end) {
			if (pipe->nkids == 0) {
				perr(p, "missing value for %s", ctx);
				goto fail;
			}
			break;
		}
		if (p->t == T_RIGHT || p->t == T_RPAREN) {
			perr(p, "unexpected \"%s\" in %s",
			    p->t == T_RIGHT ? "}}" : ")", ctx);
			goto fail;
		}
		if (p->t == T_PIPE) {
			if (pipe->nkids == 0) {
				perr(p, "missing command");
				goto fail;
			}
			continue;
		}
		unlex(p);
		if ((cmd = command(p)) == NULL)
			goto fail;
		if (add_kid(pipe, cmd) == -1) {
			tmpl_node_free(cmd);
			goto fail;
		}
	}
	/* declared variables are visible after the pipeline */
	if (!pipe->assign)
		for (size_t i = 0; i < pipe->ndecl; i++)
			if (var_push(p, pipe->decl[i], strlen(pipe->decl[i])) == -1)
				goto fail;
	p->depth--;
	return pipe;
fail:
	p->depth--;
	tmpl_node_free(pipe);
	return NULL;
}

/* {{template "name" pipeline}} as Go prints the node in errors. */
static int
template_src(struct node *n)
{
	struct buf b;

	buf_init(&b, 0);
	if (buf_printf(&b, "{{template \"%s\"", n->s) == -1)
		goto fail;
	for (size_t i = 0; n->pipe && i < n->pipe->nkids; i++)
		if (buf_adds(&b, i ? " | " : " ") == -1 ||
		    buf_adds(&b, n->pipe->kids[i]->src ? n->pipe->kids[i]->src : "") == -1)
			goto fail;
	if (buf_adds(&b, "}}") == -1)
		goto fail;
	n->src = buf_steal(&b);
	return n->src ? 0 : -1;
fail:
	buf_free(&b);
	return -1;
}

/* Returns the keyword that ended a list: 'e' end, 'l' else, 0 EOF. */
static int
parse_control(struct parser *p, enum nkind k, const char *ctx, struct node **out)
{
	struct node	*n = node_new(p, k, p->tpos);
	size_t		 nvars = p->nvars;
	int		 stop;

	if (n == NULL)
		return perr(p, "out of memory");
	if ((n->pipe = parse_pipe(p, ctx, false)) == NULL)
		goto fail;
	if (k == N_RANGE)
		p->range_depth++;
	if (parse_list(p, &n->list, &stop) == -1)
		goto fail;
	if (k == N_RANGE)
		p->range_depth--;
	if (stop == 'l') {
		/* {{else}} or {{else if ...}} */
		if (lex(p) == -1)
			goto fail;
		if ((k == N_IF && tok_is(p, "if")) ||
		    (k == N_WITH && tok_is(p, "with"))) {
			struct node *list = node_new(p, N_LIST, p->tpos);
			struct node *inner;

			if (list == NULL)
				goto fail;
			n->elist = list;
			/* else if / else with: a nested one whose end closes us too */
			if (parse_control(p, k, ctx, &inner) == -1)
				goto fail;
			if (add_kid(list, inner) == -1) {
				tmpl_node_free(inner);
				goto fail;
			}
			goto done;
		}
		if (p->t != T_RIGHT) {
			perr(p, "unexpected \"%.*s\" in else", (int)p->tlen,
			    p->src + p->tpos);
			goto fail;
		}
		if (parse_list(p, &n->elist, &stop) == -1)
			goto fail;
		if (stop != 'e') {
			perr(p, "expected end; found %s", stop == 'l' ?
			    "{{else}}" : "EOF");
			goto fail;
		}
	} else if (stop != 'e') {
		perr(p, "unexpected EOF");
		goto fail;
	}
done:
	var_pop(p, nvars);
	*out = n;
	return 0;
fail:
	var_pop(p, nvars);
	tmpl_node_free(n);
	return -1;
}

static int
expect_right(struct parser *p, const char *ctx)
{
	if (lex(p) == -1)
		return -1;
	if (p->t != T_RIGHT)
		return perr(p, "unexpected \"%.*s\" in %s", (int)p->tlen,
		    p->src + p->tpos, ctx);
	return 0;
}

static int
string_arg(struct parser *p, const char *ctx, char **name)
{
	size_t l;

	if (lex(p) == -1)
		return -1;
	if (p->t != T_STR)
		return perr(p, "unexpected \"%.*s\" in %s", (int)p->tlen,
		    p->src + p->tpos, ctx);
	return unquote(p, p->src + p->tpos, p->tlen, name, &l);
}

bool
tmpl_tree_is_empty(const struct node *n)
{
	if (n == NULL)
		return true;
	switch (n->k) {
	case N_LIST:
		for (size_t i = 0; i < n->nkids; i++)
			if (!tmpl_tree_is_empty(n->kids[i]))
				return false;
		return true;
	case N_TEXT:
		for (size_t i = 0; i < n->slen; i++)
			if (!is_space(n->s[i]))
				return false;
		return true;
	default:
		return false;
	}
}

static bool
defined_here(const struct parser *p, const char *name)
{
	for (size_t i = 0; i < p->ndefined; i++)
		if (strcmp(p->defined[i], name) == 0)
			return true;
	return false;
}

/* Registers a define's body in the set (which takes it in every case). */
static int
define(struct parser *p, const char *name, struct node *body)
{
	bool empty = tmpl_tree_is_empty(body);

	if (!empty && defined_here(p, name)) {
		tmpl_node_free(body);
		return perr(p, "template: multiple definition of template \"%s\"",
		    name);
	}
	if (!empty && add_str(&p->defined, &p->ndefined, name, strlen(name)) == -1) {
		tmpl_node_free(body);
		return perr(p, "out of memory");
	}
	if (tmpl_set_define(p->set, name, p->name, body, empty) == -1)
		return perr(p, "out of memory");
	return 0;
}

/*
 * Parses the body of a define or block up to its {{end}}, in a scope of its
 * own where $ is the data again, and registers it under name. A body that
 * {{else}} ends fails naming the clause ("define clause", "block clause"),
 * in Go's words.
 */
static int
define_body(struct parser *p, const char *name, const char *clause)
{
	struct node	*body;
	int		 st;
	size_t		 nvars = p->nvars;

	if (var_push(p, "$", 1) == -1)
		return perr(p, "out of memory");
	if (parse_list(p, &body, &st) == -1)
		return -1;
	var_pop(p, nvars);
	if (st != 'e') {
		tmpl_node_free(body);
		if (st)
			return perr(p, "unexpected {{else}} in %s", clause);
		return perr(p, "unexpected EOF");
	}
	return define(p, name, body);
}

/* Parses items until {{end}}, {{else}} or EOF; *stop says which. */
static int
parse_list(struct parser *p, struct node **out, int *stop)
{
	struct node	*list = node_new(p, N_LIST, p->pos);
	struct node	*item = NULL;

	if (list == NULL)
		return perr(p, "out of memory");
	if (++p->depth > MAX_DEPTH) {
		perr(p, "nesting too deep");
		goto fail;
	}
	for (;;) {
		if (lex(p) == -1)
			goto fail;
		if (p->t == T_EOF) {
			*stop = 0;
			break;
		}
		if (p->t == T_TEXT) {
			if ((item = node_new(p, N_TEXT, p->tpos)) == NULL ||
			    (item->s = strndup(p->src + p->tpos, p->tlen)) == NULL)
				goto oom;
			item->slen = p->tlen;
			goto add;
		}
		/* T_LEFT: an action */
		if (lex(p) == -1)
			goto fail;
		if (p->t == T_RIGHT)
			continue;	/* a comment, or {{}} handled below */
		if (tok_is(p, "end")) {
			if (expect_right(p, "end") == -1)
				goto fail;
			*stop = 'e';
			break;
		}
		if (tok_is(p, "else")) {
			*stop = 'l';
			break;
		}
		if (tok_is(p, "if")) {
			if (parse_control(p, N_IF, "if", &item) == -1)
				goto fail;
			goto add;
		}
		if (tok_is(p, "range")) {
			if (parse_control(p, N_RANGE, "range", &item) == -1)
				goto fail;
			goto add;
		}
		if (tok_is(p, "with")) {
			if (parse_control(p, N_WITH, "with", &item) == -1)
				goto fail;
			goto add;
		}
		if (tok_is(p, "break") || tok_is(p, "continue")) {
			bool brk = tok_is(p, "break");

			if (p->range_depth == 0) {
				perr(p, "{{%s}} outside {{range}}",
				    brk ? "break" : "continue");
				goto fail;
			}
			if ((item = node_new(p, brk ? N_BREAK : N_CONTINUE,
			    p->tpos)) == NULL)
				goto oom;
			if (expect_right(p, brk ? "break" : "continue") == -1)
				goto fail;
			goto add;
		}
		if (tok_is(p, "define")) {
			char *name = NULL;

			if (p->depth > 1) {
				perr(p, "unexpected <define> in command");
				goto fail;
			}
			if (string_arg(p, "define clause", &name) == -1 ||
			    expect_right(p, "define clause") == -1) {
				free(name);
				goto fail;
			}
			if (define_body(p, name, "define clause") == -1) {
				free(name);
				goto fail;
			}
			free(name);
			continue;
		}
		if (tok_is(p, "template") || tok_is(p, "block")) {
			bool		 block = tok_is(p, "block");
			const char	*ctx = block ? "block clause" : "template clause";

			if ((item = node_new(p, N_TEMPLATE, p->tpos)) == NULL)
				goto oom;
			if (string_arg(p, ctx, &item->s) == -1)
				goto fail;
			/* Go places the node at its name */
			linecol(p, p->tpos, &item->line, &item->col);
			if (lex(p) == -1)
				goto fail;
			if (p->t != T_RIGHT) {
				unlex(p);
				if ((item->pipe = parse_pipe(p, ctx, false)) == NULL)
					goto fail;
			} else if (block) {
				perr(p, "missing value for block clause");
				goto fail;
			}
			if (template_src(item) == -1)
				goto oom;
			if (block && define_body(p, item->s, ctx) == -1)
				goto fail;
			goto add;
		}
		unlex(p);
		{
			size_t at = p->tpos;

			if ((item = node_new(p, N_ACTION, at)) == NULL)
				goto oom;
			if ((item->pipe = parse_pipe(p, "command", false)) == NULL)
				goto fail;
		}
add:
		if (add_kid(list, item) == -1)
			goto oom;
		item = NULL;
	}
	p->depth--;
	*out = list;
	return 0;
oom:
	perr(p, "out of memory");
fail:
	p->depth--;
	tmpl_node_free(item);
	tmpl_node_free(list);
	return -1;
}

int
tmpl_parse(struct tmpl_set *set, const char *name, const char *text,
    struct node **root, struct terr *err)
{
	struct parser	 p;
	int		 stop, r = -1;

	memset(&p, 0, sizeof(p));
	p.set = set;
	p.name = name;
	p.src = text;
	p.len = strlen(text);
	p.err = err;
	if (err)
		err->msg[0] = '\0';
	if (var_push(&p, "$", 1) == -1)
		return terr_set(err, "out of memory");
	if (parse_list(&p, root, &stop) == -1)
		goto out;
	if (stop) {
		tmpl_node_free(*root);
		*root = NULL;
		perr(&p, "unexpected {{%s}}", stop == 'e' ? "end" : "else");
		goto out;
	}
	if (!tmpl_tree_is_empty(*root) && defined_here(&p, name)) {
		tmpl_node_free(*root);
		*root = NULL;
		perr(&p, "template: multiple definition of template \"%s\"", name);
		goto out;
	}
	r = 0;
out:
	var_pop(&p, 0);
	free(p.vars);
	for (size_t i = 0; i < p.ndefined; i++)
		free(p.defined[i]);
	free(p.defined);
	return r;
}
