/* schema.c: the typed scalar readers every config mapping is built from
 * (schema.h), failing with "FILE:LINE:COL: sentence". */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "duration.h"
#include "schema.h"
#include "redact.h"
#include "secretfile.h"

/* "name:line:col: message" into out, control bytes escaped: messages
 * quote config values, and these must not turn one error into several log
 * lines or drive a terminal. */
static void format_error(struct cfg_load *, const struct ynode *, struct terr *,
	    const char *, va_list) PRINTF_LIKE(4, 0);
static int vdefer(struct cfg_load *, struct cfg_later *, const struct ynode *,
	    const char *, va_list) PRINTF_LIKE(4, 0);

static void
format_error(struct cfg_load *ld, const struct ynode *n, struct terr *out,
    const char *fmt, va_list ap)
{
	char	 raw[TERR_MAX], msg[TERR_MAX];
	size_t	 i, o = 0;

	vsnprintf(raw, sizeof(raw), fmt, ap);
	for (i = 0; raw[i] != '\0' && o + 5 < sizeof(msg); i++) {
		unsigned char c = (unsigned char)raw[i];

		if (c == '\n')
			o += (size_t)snprintf(msg + o, sizeof(msg) - o, "\\n");
		else if (c == '\t')
			o += (size_t)snprintf(msg + o, sizeof(msg) - o, "\\t");
		else if (c < 0x20 || c == 0x7f)
			o += (size_t)snprintf(msg + o, sizeof(msg) - o, "\\x%02x", c);
		else
			msg[o++] = (char)c;
	}
	msg[o] = '\0';
	if (n != NULL)
		terr_set(out, "%s:%d:%d: %s", ld->name, n->line, n->col, msg);
	else
		terr_set(out, "%s: %s", ld->name, msg);
}

int
cfg_fail(struct cfg_load *ld, const struct ynode *n, const char *fmt, ...)
{
	struct terr	 e;
	va_list		 ap;

	va_start(ap, fmt);
	format_error(ld, n, &e, fmt, ap);
	va_end(ap);
	ld->fatal = true;
	return terr_set(ld->err, "%s", e.msg);
}

int
cfg_type_fail(struct cfg_load *ld, const struct ynode *n, const char *fmt, ...)
{
	struct terr	 e;
	uint64_t	*pos;
	size_t		 i;
	va_list		 ap;

	va_start(ap, fmt);
	format_error(ld, n, &e, fmt, ap);
	va_end(ap);
	/* A mapping checked twice (the watchdog reads a check's kind before
	 * walking it) reports its problems once. */
	for (i = ld->terrors.n; i > 0 && i + 16 > ld->terrors.n; i--)
		if (strcmp(ld->terrors.msg[i - 1], e.msg) == 0)
			return -1;
	pos = reallocarray(ld->tpos, ld->terrors.n + 1, sizeof(*pos));
	if (pos == NULL)
		return cfg_fail(ld, n, "out of memory");
	ld->tpos = pos;
	pos[ld->terrors.n] = n == NULL ? 0 :
	    (uint64_t)(uint32_t)n->line << 32 | (uint32_t)n->col;
	if (terrs_add(&ld->terrors, e.msg) == -1)
		return cfg_fail(ld, n, "out of memory");
	return -1;
}

struct posref {
	uint64_t	 pos;
	size_t		 idx;
};

static int
posref_cmp(const void *a, const void *b)
{
	const struct posref *x = a, *y = b;

	if (x->pos != y->pos)
		return x->pos < y->pos ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

int
cfg_type_errors(const struct cfg_load *ld, struct terrs *out)
{
	struct posref	*refs;
	size_t		 i;
	int		 rc = 0;

	if (ld->terrors.n == 0)
		return 0;
	if ((refs = calloc(ld->terrors.n, sizeof(*refs))) == NULL)
		return -1;
	for (i = 0; i < ld->terrors.n; i++) {
		refs[i].pos = ld->tpos[i];
		refs[i].idx = i;
	}
	qsort(refs, ld->terrors.n, sizeof(*refs), posref_cmp);
	for (i = 0; i < ld->terrors.n && rc == 0; i++)
		rc = terrs_add(out, ld->terrors.msg[refs[i].idx]);
	free(refs);
	return rc;
}

static int
vdefer(struct cfg_load *ld, struct cfg_later *l, const struct ynode *n,
    const char *fmt, va_list ap)
{
	struct terr	 e;

	if (l->set)
		return -1;
	format_error(ld, n, &e, fmt, ap);
	memcpy(l->msg, e.msg, sizeof(l->msg));
	l->set = true;
	return -1;
}

int
cfg_defer(struct cfg_load *ld, struct cfg_later *l, const struct ynode *n,
    const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vdefer(ld, l, n, fmt, ap);
	va_end(ap);
	return -1;
}

int
cfg_late(struct cfg_load *ld, const struct ynode *n, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vdefer(ld, &ld->late, n, fmt, ap);
	va_end(ap);
	return -1;
}

int
cfg_later_end(struct cfg_load *ld, const struct cfg_later *l, size_t mark)
{
	if (cfg_walked(ld, mark) == -1)
		return -1;
	if (!l->set)
		return 0;
	ld->fatal = true;
	return terr_set(ld->err, "%s", l->msg);
}

bool
cfg_stop(const struct cfg_load *ld)
{
	return ld->fatal;
}

size_t
cfg_mark(const struct cfg_load *ld)
{
	return ld->terrors.n;
}

int
cfg_walked(const struct cfg_load *ld, size_t mark)
{
	return ld->fatal || ld->terrors.n > mark ? -1 : 0;
}

const char *
cfg_kind_article(const struct ynode *n)
{
	switch (n->kind) {
	case YN_SCALAR:
		return "a scalar";
	case YN_SEQ:
		return "a list";
	default:
		return "a mapping";
	}
}

int
cfg_map(struct cfg_load *ld, const struct ynode *n, const char *what)
{
	size_t	 i;

	if (ynode_is_null(n))
		return 0;
	if (n->kind != YN_MAP)
		return cfg_type_fail(ld, n, "%s must be a mapping, not %s", what,
		    cfg_kind_article(n));
	for (i = 0; i < n->n; i += 2)
		if (n->child[i]->kind != YN_SCALAR)
			return cfg_type_fail(ld, n->child[i], "%s has %s as a key; keys "
			    "must be field names", what, cfg_kind_article(n->child[i]));
	/* Each repetition, with the line of the key's first occurrence; the
	 * walkers skip it (cfg_repeated), as Go's decoder does. */
	for (i = 0; i < n->n && !cfg_stop(ld); i += 2)
		if (cfg_repeated(n->child[i]))
			cfg_type_fail(ld, n->child[i], "field %s is set twice in %s "
			    "(first at line %d)", n->child[i]->value, what,
			    n->child[i]->first->line);
	return 0;
}

bool
cfg_repeated(const struct ynode *key)
{
	return key->first != NULL;
}

int
cfg_seq(struct cfg_load *ld, const struct ynode *n, const char *what)
{
	if (ynode_is_null(n) || n->kind == YN_SEQ)
		return 0;
	return cfg_type_fail(ld, n, "%s must be a list, not %s", what,
	    cfg_kind_article(n));
}

int
cfg_unknown(struct cfg_load *ld, const struct ynode *key, const char *what)
{
	return cfg_type_fail(ld, key, "unknown field %s in %s", key->value, what);
}

static int
scalar(struct cfg_load *ld, const char *field, const struct ynode *n, const char *want)
{
	if (n->kind == YN_SCALAR)
		return 0;
	return cfg_type_fail(ld, n, "%s must be %s, not %s", field, want,
	    cfg_kind_article(n));
}

int
cfg_str(struct cfg_load *ld, const char *field, const struct ynode *n, char **out)
{
	char	*s;

	if (scalar(ld, field, n, "a string") == -1)
		return -1;
	if (ynode_is_null(n))
		s = NULL;
	else if ((s = strdup(n->value)) == NULL)
		return cfg_fail(ld, n, "out of memory");
	free(*out);
	*out = s;
	return 0;
}

int
cfg_bool(struct cfg_load *ld, const char *field, const struct ynode *n, bool *out)
{
	/* YAML 1.1's booleans, which Go's yaml.v2 accepts for bool fields. */
	static const char *const yes[] = { "y", "Y", "yes", "Yes", "YES", "true",
	    "True", "TRUE", "on", "On", "ON" };
	static const char *const no[] = { "n", "N", "no", "No", "NO", "false",
	    "False", "FALSE", "off", "Off", "OFF" };
	size_t	 i;

	if (scalar(ld, field, n, "true or false") == -1)
		return -1;
	if (ynode_is_null(n)) {
		*out = false;
		return 0;
	}
	if ((n->plain && n->tag == NULL) ||
	    (n->tag != NULL && strcmp(n->tag, "tag:yaml.org,2002:bool") == 0)) {
		for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
			if (strcmp(n->value, yes[i]) == 0) {
				*out = true;
				return 0;
			}
		for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
			if (strcmp(n->value, no[i]) == 0) {
				*out = false;
				return 0;
			}
	}
	return cfg_type_fail(ld, n, "%s must be true or false, not %s\"%.64s\"", field,
	    n->plain ? "" : "the string ", n->value);
}

/* How Go's yaml.v2 resolves a plain scalar meant for an integer field:
 * underscores dropped, Go's base prefixes (0x, 0o, 0b, leading 0), and a
 * float is truncated toward zero when it fits. Returns 0, -1 for "not a
 * number" and -2 for out of range. */
static int
yaml_int(const char *in, bool is_unsigned, int64_t *sv, uint64_t *uv)
{
	char		 s[128], *p, *end;
	size_t		 i, k = 0;
	bool		 neg = false;
	int		 base = 10;
	unsigned long long u;
	double		 d;

	for (i = 0; in[i] != '\0'; i++)
		if (in[i] != '_') {
			if (k + 1 >= sizeof(s))
				return -1;
			s[k++] = in[i];
		}
	s[k] = '\0';
	p = s;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (*p == '\0')
		return -1;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		base = 16, p += 2;
	else if (p[0] == '0' && (p[1] == 'o' || p[1] == 'O'))
		base = 8, p += 2;
	else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B'))
		base = 2, p += 2;
	else if (p[0] == '0' && p[1] != '\0' && p[1] != '.' && p[1] != 'e' &&
	    p[1] != 'E')
		base = 8, p += 1;
	if (*p != '\0' && isalnum((unsigned char)*p)) {
		errno = 0;
		u = strtoull(p, &end, base);
		if (*end == '\0') {
			if (errno == ERANGE)
				return -2;
			if (is_unsigned) {
				if (neg && u != 0)
					return -1;
				*uv = u;
				return 0;
			}
			if (u > (unsigned long long)INT64_MAX + (neg ? 1 : 0))
				return -2;
			*sv = neg ? (int64_t)(0 - u) : (int64_t)u;
			return 0;
		}
	}
	if (base != 10 || strspn(s, "+-0123456789.eE") != strlen(s) ||
	    strpbrk(s, "0123456789") == NULL)
		return -1;
	errno = 0;
	d = strtod(s, &end);
	if (*end != '\0')
		return -1;
	if (is_unsigned) {
		if (d < 0 || d >= 18446744073709551616.0)
			return -2;
		*uv = (uint64_t)d;
	} else {
		if (d >= 9223372036854775808.0 || d < -9223372036854775808.0)
			return -2;
		*sv = (int64_t)d;
	}
	return 0;
}

static int
int_field(struct cfg_load *ld, const char *field, const struct ynode *n,
    bool is_unsigned, int64_t *sv, uint64_t *uv)
{
	const char	*want = is_unsigned ? "a non-negative integer" : "an integer";
	int		 r;

	if (scalar(ld, field, n, want) == -1)
		return -1;
	if (ynode_is_null(n)) {
		*sv = 0;
		*uv = 0;
		return 0;
	}
	if ((!n->plain && n->tag == NULL) || (n->tag != NULL &&
	    strcmp(n->tag, "tag:yaml.org,2002:int") != 0 &&
	    strcmp(n->tag, "tag:yaml.org,2002:float") != 0) ||
	    n->len != strlen(n->value))
		return cfg_type_fail(ld, n, "%s must be %s, not the string \"%.64s\"",
		    field, want, n->value);
	if ((r = yaml_int(n->value, is_unsigned, sv, uv)) == -2)
		return cfg_type_fail(ld, n, "%s is out of range: %.64s", field,
		    n->value);
	if (r == -1)
		return cfg_type_fail(ld, n, "%s must be %s, not \"%.64s\"", field,
		    want, n->value);
	return 0;
}

int
cfg_int64(struct cfg_load *ld, const char *field, const struct ynode *n, int64_t *out)
{
	uint64_t	 unused;

	return int_field(ld, field, n, false, out, &unused);
}

int
cfg_uint64(struct cfg_load *ld, const char *field, const struct ynode *n, uint64_t *out)
{
	int64_t		 unused;

	return int_field(ld, field, n, true, &unused, out);
}

int
cfg_duration(struct cfg_load *ld, const char *field, const struct ynode *n, int64_t *ms)
{
	struct terr	 e;

	if (scalar(ld, field, n, "a duration") == -1)
		return -1;
	/* Go's decoder leaves a null duration at zero (unset for pointers). */
	if (ynode_is_null(n) && n->tag == NULL) {
		*ms = 0;
		return 0;
	}
	if (duration_parse(ynode_is_null(n) ? "" : n->value, ms, &e) == -1)
		return cfg_fail(ld, n, "%s: %s", field, e.msg);
	return 0;
}

int
cfg_go_duration(struct cfg_load *ld, const char *field, const struct ynode *n,
    int64_t *ms)
{
	struct terr	 e;
	int64_t		 ns;

	if (scalar(ld, field, n, "a duration") == -1)
		return -1;
	if (ynode_is_null(n)) {
		*ms = 0;
		return 0;
	}
	/* Go's YAML decoder would take a bare integer as nanoseconds (a
	 * "timeout: 5" that fails every request); here it is an error, as
	 * time.ParseDuration has it. */
	if (duration_parse_go(n->value, &ns, &e) == -1)
		return cfg_fail(ld, n, "%s: %s", field, e.msg);
	*ms = ns / 1000000;
	if (ns > 0 && ns % 1000000 != 0)
		(*ms)++;
	return 0;
}

/* What Go's url.Parse rejects in an http(s) URL, then what Alertmanager's
 * config.URL adds (an http or https scheme and a host). Returns NULL when
 * the URL is fine, else the reason; `bad` gets an offending fragment. */
static const char *
url_problem(const char *s, char *bad, size_t badlen)
{
	const char	*p, *auth, *aend, *host, *hend, *colon, *q;
	size_t		 i;

	bad[0] = '\0';
	for (i = 0; s[i] != '\0'; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return "invalid control character in URL";
	for (p = s; isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.'; p++)
		;
	if (*p != ':' || p == s || !isalpha((unsigned char)s[0])) {
		if (s[0] == ':')
			return "missing protocol scheme";
		return "unsupported scheme";
	}
	snprintf(bad, badlen, "%.*s", (int)(p - s) < 32 ? (int)(p - s) : 32, s);
	for (i = 0; bad[i] != '\0'; i++)
		bad[i] = (char)tolower((unsigned char)bad[i]);
	if (strcmp(bad, "http") != 0 && strcmp(bad, "https") != 0)
		return "unsupported scheme";
	bad[0] = '\0';
	if (strncmp(p, "://", 3) != 0)
		return "missing host for URL";
	auth = p + 3;
	aend = auth + strcspn(auth, "/?#");
	host = auth;
	for (q = auth; q < aend; q++)
		if (*q == '@')
			host = q + 1;
	for (q = auth; q < host - 1; q++)
		if (!isalnum((unsigned char)*q) && strchr("-._:~!$&'()*+,;=%@", *q) == NULL)
			return "net/url: invalid userinfo";
	hend = aend;
	if (*host == '[') {
		const char *rb = memchr(host, ']', (size_t)(aend - host));

		if (rb == NULL)
			return "missing ']' in host";
		colon = rb + 1 < aend ? rb + 1 : NULL;
		if (colon != NULL && *colon != ':')
			return "invalid port after host";
		hend = rb + 1;
	} else {
		colon = NULL;
		for (q = host; q < aend; q++)
			if (*q == ':')
				colon = q;
		if (colon != NULL)
			hend = colon;
		for (q = host; q < hend; q++) {
			if ((unsigned char)*q >= 0x80 || isalnum((unsigned char)*q) ||
			    strchr("!$&'()*+,;=-._~", *q) != NULL)
				continue;
			/* Only non-ASCII bytes (and %25) may be escaped in a host. */
			if (*q == '%' && q + 2 < hend && isxdigit((unsigned char)q[1]) &&
			    isxdigit((unsigned char)q[2]) &&
			    (strchr("89abcdefABCDEF", q[1]) != NULL ||
			    strncmp(q, "%25", 3) == 0)) {
				q += 2;
				continue;
			}
			if (*q == '%') {
				snprintf(bad, badlen, "%.3s", q);
				return "invalid URL escape";
			}
			snprintf(bad, badlen, "%c", *q);
			return "invalid character in host name";
		}
	}
	if (colon != NULL)
		for (q = colon + 1; q < aend; q++)
			if (!isdigit((unsigned char)*q))
				return "invalid port after host";
	if (hend == host)
		return "missing host for URL";
	return NULL;
}

int
cfg_url(struct cfg_load *ld, const char *field, const struct ynode *n, bool secret,
    char **out)
{
	const char	*why;
	char		 bad[40];

	if (scalar(ld, field, n, "a URL") == -1)
		return -1;
	if (ynode_is_null(n)) {
		free(*out);
		*out = NULL;
		return 0;
	}
	if (strlen(n->value) != n->len)
		return cfg_fail(ld, n, "%s is not a valid URL", field);
	if ((why = url_problem(n->value, bad, sizeof(bad))) == NULL)
		return cfg_str(ld, field, n, out);
	/* A secret URL (a Slack webhook, a URL with credentials) is never
	 * echoed, not even in part. */
	if (secret && strcmp(why, "unsupported scheme") == 0)
		return cfg_fail(ld, n, "%s must be an http or https URL", field);
	if (secret)
		return cfg_fail(ld, n, "%s is not a valid URL: %s", field, why);
	if (strcmp(why, "unsupported scheme") == 0)
		return cfg_fail(ld, n, "%s: unsupported scheme \"%s\" for URL", field, bad);
	if (bad[0] != '\0')
		return cfg_fail(ld, n, "%s: %s \"%s\" in \"%.200s\"", field, why, bad,
		    n->value);
	if (strcmp(why, "missing host for URL") == 0)
		return cfg_fail(ld, n, "%s: %s", field, why);
	return cfg_fail(ld, n, "%s: %s in \"%.200s\"", field, why, n->value);
}

/* Go's path.Clean, in place: what filepath.Join hands back, so that paths
 * in messages read as Alertmanager prints them. */
static void
clean_path(char *s)
{
	char	*out = s, *r = s;
	size_t	 dotdot = 0;	/* out offset below which ".." cannot back up */
	bool	 rooted = s[0] == '/';

	if (*s == '\0') {
		strcpy(s, ".");
		return;
	}
	if (rooted) {
		out++;
		r++;
		dotdot = 1;
	}
	while (*r != '\0') {
		if (*r == '/')
			r++;
		else if (r[0] == '.' && (r[1] == '/' || r[1] == '\0'))
			r++;
		else if (r[0] == '.' && r[1] == '.' && (r[2] == '/' || r[2] == '\0')) {
			r += 2;
			if ((size_t)(out - s) > dotdot) {
				out--;
				while ((size_t)(out - s) > dotdot && *out != '/')
					out--;
			} else if (!rooted) {
				if (out != s)
					*out++ = '/';
				*out++ = '.';
				*out++ = '.';
				dotdot = (size_t)(out - s);
			}
		} else {
			if ((rooted && (size_t)(out - s) != 1) || (!rooted && out != s))
				*out++ = '/';
			while (*r != '\0' && *r != '/')
				*out++ = *r++;
		}
	}
	if (out == s)
		*out++ = '.';
	*out = '\0';
}

char *
cfg_join_dir(const char *dir, const char *p)
{
	char	*out;

	if (p[0] == '/' || dir == NULL || dir[0] == '\0')
		out = strdup(p);
	else if (asprintf(&out, "%s/%s", dir, p) == -1)
		out = NULL;
	if (out != NULL)
		clean_path(out);
	return out;
}

int
cfg_path(struct cfg_load *ld, const char *field, const struct ynode *n, char **out)
{
	char	*p;

	if (scalar(ld, field, n, "a file name") == -1)
		return -1;
	if (ynode_is_null(n) || n->value[0] == '\0') {
		free(*out);
		*out = NULL;
		return 0;
	}
	if ((p = cfg_join_dir(ld->dir, n->value)) == NULL)
		return cfg_fail(ld, n, "out of memory");
	free(*out);
	*out = p;
	return 0;
}

int
cfg_str_list(struct cfg_load *ld, const char *field, const struct ynode *n,
    char ***out, size_t *nout)
{
	char	**v = NULL;
	size_t	  i, k = 0;

	if (cfg_seq(ld, n, field) == -1)
		return -1;
	if (ynode_is_null(n))
		return 0;
	if (n->n > 0 && (v = calloc(n->n, sizeof(*v))) == NULL)
		return cfg_fail(ld, n, "out of memory");
	for (i = 0; i < n->n; i++) {
		if (n->child[i]->kind != YN_SCALAR) {
			/* Go's decoder reports every such item. */
			cfg_type_fail(ld, n->child[i], "%s must be a list of strings, "
			    "not contain %s", field, cfg_kind_article(n->child[i]));
			if (cfg_stop(ld))
				goto fail;
			continue;
		}
		if ((v[k] = strdup(n->child[i]->value)) == NULL) {
			cfg_fail(ld, n->child[i], "out of memory");
			goto fail;
		}
		k++;
	}
	if (k < n->n)
		goto fail;
	for (i = 0; i < *nout; i++)
		free((*out)[i]);
	free(*out);
	*out = v;
	*nout = k;
	return 0;
fail:
	for (i = 0; i < k; i++)
		free(v[i]);
	free(v);
	return -1;
}

int
cfg_read_file_value(struct cfg_load *ld, const char *field, const struct ynode *n,
    const char *path, char **out)
{
	struct terr	 e;

	if (secretfile_read(field, path, out, &e) == -1)
		return cfg_fail(ld, n, "%s", e.msg);
	return 0;
}

int
cfg_read_secret(struct cfg_load *ld, const char *field, const struct ynode *n,
    const char *path, char **out)
{
	if (cfg_read_file_value(ld, field, n, path, out) == -1)
		return -1;
	return cfg_keep_secret(ld, n, *out);
}

int
cfg_keep_secret(struct cfg_load *ld, const struct ynode *n, const char *value)
{
	if (ld->secrets != NULL && redactor_add(ld->secrets, value) == -1)
		return cfg_fail(ld, n, "out of memory");
	return 0;
}

int
cfg_keep_basic(struct cfg_load *ld, const struct ynode *n, const char *user,
    const char *password)
{
	if (ld->secrets != NULL &&
	    redactor_add_basic(ld->secrets, user, password) == -1)
		return cfg_fail(ld, n, "out of memory");
	return 0;
}

bool
cfg_label_name_ok(const char *s)
{
	size_t	 i;

	if (s[0] == '\0' || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

/* "host:port" as Go's net.SplitHostPort checks it, with a non-empty port. */
int
cfg_hostport(struct cfg_load *ld, const char *field, const struct ynode *n,
    char **hostport, char **host, char **port)
{
	const char	*s, *colon, *h, *p;
	size_t		 hl;

	if (scalar(ld, field, n, "host:port") == -1)
		return -1;
	if (ynode_is_null(n) || n->value[0] == '\0')
		return 0;
	s = n->value;
	if (s[0] == '[') {
		const char *rb = strchr(s, ']');

		if (rb == NULL)
			return cfg_fail(ld, n, "%s \"%s\": missing ']' in address", field, s);
		if (rb[1] != ':')
			return cfg_fail(ld, n, "%s \"%s\": missing port in address", field, s);
		h = s + 1;
		hl = (size_t)(rb - h);
		p = rb + 2;
	} else {
		colon = strrchr(s, ':');
		if (colon == NULL)
			return cfg_fail(ld, n, "%s \"%s\": missing port in address", field, s);
		if (memchr(s, ':', (size_t)(colon - s)) != NULL)
			return cfg_fail(ld, n, "%s \"%s\": too many colons in address", field, s);
		h = s;
		hl = (size_t)(colon - s);
		p = colon + 1;
	}
	if (strchr(p, ':') != NULL || strchr(p, '[') != NULL || strchr(p, ']') != NULL)
		return cfg_fail(ld, n, "%s \"%s\": too many colons in address", field, s);
	if (*p == '\0')
		return cfg_fail(ld, n, "%s \"%s\": port cannot be empty", field, s);
	free(*hostport);
	free(*host);
	free(*port);
	*hostport = strdup(s);
	*host = strndup(h, hl);
	*port = strdup(p);
	if (*hostport == NULL || *host == NULL || *port == NULL)
		return cfg_fail(ld, n, "out of memory");
	return 0;
}

int
cfg_dup(char **dst, const char *src)
{
	*dst = NULL;
	if (src == NULL)
		return 0;
	return (*dst = strdup(src)) == NULL ? -1 : 0;
}

void
cfg_secret_free(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

bool
cfg_empty(const char *s)
{
	return s == NULL || s[0] == '\0';
}
