/* mime.c: the e-mail message as bytes. Everything that reaches the SMTP
 * server's DATA phase is produced here, so header encoding, CR/LF safety and
 * line lengths are decided in one place. */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#include "mime.h"
#include "utf8.h"

#define EW_MAX		75	/* RFC 2047: an encoded word is at most 75 characters */
#define EW_OVERHEAD	12	/* "=?UTF-8?Q?" + "?=" */
#define QP_LINE		76	/* RFC 2045: encoded lines are at most 76 characters */
#define LINE_MAX_OCTETS	998	/* RFC 5322 2.1.1, without the CRLF */
#define KEY_MAX		128

static const char hexdig[] = "0123456789ABCDEF";

static bool
is_address_header(const char *name)
{
	static const char *const names[] = {
		"To", "From", "Cc", "Bcc", "Reply-To", "Sender", NULL
	};
	size_t i;

	for (i = 0; names[i] != NULL; i++)
		if (strcasecmp(name, names[i]) == 0)
			return true;
	return false;
}

/* CR or LF anywhere in a header would end it and start another one that the
 * template author never wrote: refuse, never strip, so nobody is surprised. */
static int
check_header(const char *name, const char *value, struct terr *err)
{
	const unsigned char *p;

	if (*name == '\0')
		return terr_set(err, "empty e-mail header name");
	for (p = (const unsigned char *)name; *p != '\0'; p++)
		if (*p < 33 || *p > 126 || *p == ':')
			return terr_set(err, "invalid character in e-mail header name");
	for (p = (const unsigned char *)value; *p != '\0'; p++)
		if (*p == '\r' || *p == '\n')
			return terr_set(err, "e-mail header %s contains a line break "
			    "(CR or LF), refused", name);
	return 0;
}

static bool
plain_ascii(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if ((*p < 32 && *p != '\t') || *p > 126)
			return false;
	return true;
}

/* The Q-encoded form of one byte. Only the characters RFC 2047 5(3) allows
 * in a phrase stay literal, so the same words are valid in Subject and in a
 * display name. Returns the encoded length (1 or 3). */
static size_t
q_byte(unsigned char c, char out[3])
{
	if (isalnum(c) || c == '!' || c == '*' || c == '+' || c == '-' ||
	    c == '/') {
		out[0] = (char)c;
		return 1;
	}
	if (c == ' ') {
		out[0] = '_';
		return 1;
	}
	out[0] = '=';
	out[1] = hexdig[c >> 4];
	out[2] = hexdig[c & 15];
	return 3;
}

/* Appends s as UTF-8 Q encoded-words joined by folding white space. */
static int
encode_words(const char *s, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s), wlen = 0, n, i, elen;
	char enc[12], tmp[3];
	bool open = false;

	while (left > 0) {
		/* An encoded word never splits a character; as in Go's
		 * qEncode, an invalid byte is a character of its own. */
		n = utf8_seqlen(p, left);
		elen = 0;
		for (i = 0; i < n; i++) {
			size_t k = q_byte(p[i], tmp);
			memcpy(enc + elen, tmp, k);
			elen += k;
		}
		if (open && wlen + elen > EW_MAX - EW_OVERHEAD) {
			if (buf_adds(out, "?=\r\n ") == -1)
				return -1;
			open = false;
		}
		if (!open) {
			if (buf_adds(out, "=?UTF-8?Q?") == -1)
				return -1;
			open = true;
			wlen = 0;
		}
		if (buf_add(out, enc, elen) == -1)
			return -1;
		wlen += elen;
		p += n;
		left -= n;
	}
	if (open && buf_adds(out, "?=") == -1)
		return -1;
	return 0;
}

/* One address of a list: display name (unquoted, may be empty) and
 * addr-spec, both allocated. */
struct addr {
	char	*display;
	char	*spec;
};

static char *
trimdup(const char *s, size_t len)
{
	while (len > 0 && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	return strndup(s, len);
}

static bool
valid_spec(const char *spec)
{
	const unsigned char *p;
	const char *at;

	if ((at = strchr(spec, '@')) == NULL || at == spec || at[1] == '\0')
		return false;
	for (p = (const unsigned char *)spec; *p != '\0'; p++)
		if (*p <= 32 || *p > 126 || strchr("<>(),;:\\\"[]", *p) != NULL)
			return false;
	return true;
}

/* Parses one mailbox ("Name <a@x>", "\"Name\" <a@x>" or "a@x"). */
static int
parse_one(const char *s, size_t len, struct addr *a, struct terr *err)
{
	const char *lt, *gt;
	char *d, *w, *r;

	a->display = a->spec = NULL;
	lt = memrchr(s, '<', len);
	if (lt != NULL) {
		gt = memchr(lt, '>', len - (size_t)(lt - s));
		if (gt == NULL)
			return terr_set(err, "e-mail address without closing \">\"");
		for (w = (char *)gt + 1; w < s + len; w++)
			if (!isspace((unsigned char)*w))
				return terr_set(err, "text after e-mail address");
		a->spec = trimdup(lt + 1, (size_t)(gt - lt - 1));
		a->display = trimdup(s, (size_t)(lt - s));
	} else {
		a->spec = trimdup(s, len);
		a->display = strdup("");
	}
	if (a->spec == NULL || a->display == NULL)
		goto nomem;
	if (!valid_spec(a->spec))
		return terr_set(err, "invalid e-mail address \"%s\"%s", a->spec,
		    plain_ascii(a->spec) ? "" : " (non-ASCII addresses are not supported)");
	d = a->display;
	if (d[0] == '"' && strlen(d) >= 2 && d[strlen(d) - 1] == '"') {
		/* Unquote: the value is re-quoted or encoded on output. */
		for (r = d + 1, w = d; *r != '\0' && r[1] != '\0'; r++) {
			if (*r == '\\' && r[1] != '\0' && r[2] != '\0')
				r++;
			*w++ = *r;
		}
		*w = '\0';
	}
	return 0;
nomem:
	return terr_set(err, "out of memory");
}

static void
addrs_clear(struct addr *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].display);
		free(v[i].spec);
	}
	free(v);
}

/* Splits a list at commas outside quotes and angle brackets. */
static int
parse_list(const char *list, struct addr **out, size_t *nout, struct terr *err)
{
	struct addr *v = NULL, *nv;
	size_t n = 0, start = 0, i, len = strlen(list);
	bool quoted = false, angle = false;

	for (i = 0; i <= len; i++) {
		char c = list[i];

		if (quoted && c == '\\' && i + 1 < len) {
			i++;
			continue;
		}
		if (c == '"')
			quoted = !quoted;
		else if (!quoted && c == '<')
			angle = true;
		else if (!quoted && c == '>')
			angle = false;
		if (c != '\0' && (c != ',' || quoted || angle))
			continue;
		if ((nv = reallocarray(v, n + 1, sizeof(*v))) == NULL) {
			addrs_clear(v, n);
			return terr_set(err, "out of memory");
		}
		v = nv;
		if (parse_one(list + start, i - start, &v[n++], err) == -1) {
			addrs_clear(v, n);
			return -1;
		}
		start = i + 1;
	}
	*out = v;
	*nout = n;
	return 0;
}

static int
add_display(const char *d, struct buf *out)
{
	const char *p;

	if (!plain_ascii(d))
		return encode_words(d, out);
	if (strpbrk(d, "()<>[]:;@\\,.\"") == NULL)
		return buf_adds(out, d);
	if (buf_addc(out, '"') == -1)
		return -1;
	for (p = d; *p != '\0'; p++)
		if ((*p == '"' || *p == '\\') && buf_addc(out, '\\') == -1)
			return -1;
		else if (buf_addc(out, *p) == -1)
			return -1;
	return buf_addc(out, '"');
}

static int
address_header(const char *name, const char *value, struct buf *out,
    struct terr *err)
{
	struct addr *v = NULL;
	struct buf one;
	size_t n = 0, i, col;
	const char *nl;
	int rc = -1;

	if (parse_list(value, &v, &n, err) == -1)
		return -1;
	buf_init(&one, out->cap);
	if (buf_printf(out, "%s: ", name) == -1)
		goto full;
	col = strlen(name) + 2;
	for (i = 0; i < n; i++) {
		buf_reset(&one);
		if (v[i].display[0] != '\0' &&
		    (add_display(v[i].display, &one) == -1 ||
		    buf_adds(&one, " <") == -1))
			goto full;
		if (buf_adds(&one, v[i].spec) == -1 ||
		    (v[i].display[0] != '\0' && buf_addc(&one, '>') == -1))
			goto full;
		/* Fold between addresses rather than let a line grow past
		 * 78 characters; encoded words fold themselves. */
		nl = strchr(buf_str(&one), '\r');
		if (i > 0) {
			if (col + 2 + (nl != NULL ? (size_t)(nl - one.data) :
			    one.len) > 78) {
				if (buf_adds(out, ",\r\n ") == -1)
					goto full;
				col = 1;
			} else {
				if (buf_adds(out, ", ") == -1)
					goto full;
				col += 2;
			}
		}
		if (buf_add(out, one.data, one.len) == -1)
			goto full;
		nl = memrchr(one.data, '\n', one.len);
		col = nl != NULL ? one.len - (size_t)(nl - one.data) - 1 : col + one.len;
	}
	if (buf_adds(out, "\r\n") == -1)
		goto full;
	rc = 0;
	goto done;
full:
	terr_set(err, "e-mail message too large");
done:
	buf_free(&one);
	addrs_clear(v, n);
	return rc;
}

int
mime_header(const char *name, const char *value, struct buf *out,
    struct terr *err)
{
	if (check_header(name, value, err) == -1)
		return -1;
	if (is_address_header(name))
		return address_header(name, value, out, err);
	if (buf_printf(out, "%s: ", name) == -1)
		return terr_set(err, "e-mail message too large");
	/* Plain ASCII that fits stays readable; anything else is encoded,
	 * which also folds it under the 998-octet line limit. */
	if (plain_ascii(value) && strlen(name) + 2 + strlen(value) <= LINE_MAX_OCTETS) {
		if (buf_adds(out, value) == -1)
			return terr_set(err, "e-mail message too large");
	} else if (encode_words(value, out) == -1)
		return terr_set(err, "e-mail message too large");
	if (buf_adds(out, "\r\n") == -1)
		return terr_set(err, "e-mail message too large");
	return 0;
}

int
mime_qp(const char *data, size_t len, struct buf *out)
{
	size_t i = 0, col = 0;
	char tok[3];

	while (i < len) {
		unsigned char c = (unsigned char)data[i];
		size_t tlen;
		bool eol;

		if (c == '\r' || c == '\n') {
			if (buf_adds(out, "\r\n") == -1)
				return -1;
			i += (c == '\r' && i + 1 < len && data[i + 1] == '\n') ? 2 : 1;
			col = 0;
			continue;
		}
		eol = i + 1 == len || data[i + 1] == '\r' || data[i + 1] == '\n';
		for (;;) {
			/* A "." opening a line could be taken for the end of
			 * DATA by a careless relay; white space before a line
			 * break is stripped by others. Encode both. */
			if (((c >= 33 && c <= 126 && c != '=') ||
			    ((c == ' ' || c == '\t') && !eol)) &&
			    !(c == '.' && col == 0)) {
				tok[0] = (char)c;
				tlen = 1;
			} else {
				tok[0] = '=';
				tok[1] = hexdig[c >> 4];
				tok[2] = hexdig[c & 15];
				tlen = 3;
			}
			if (col + tlen <= (eol ? QP_LINE : QP_LINE - 1))
				break;
			if (buf_adds(out, "=\r\n") == -1)
				return -1;
			col = 0;
		}
		if (buf_add(out, tok, tlen) == -1)
			return -1;
		col += tlen;
		i++;
	}
	return 0;
}

static uint64_t
splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int
add_part(struct buf *out, const char *boundary, const char *type,
    const char *body)
{
	if (buf_printf(out, "--%s\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n"
	    "Content-Type: %s; charset=UTF-8\r\n"
	    "\r\n", boundary, type) == -1 ||
	    mime_qp(body, strlen(body), out) == -1 ||
	    buf_adds(out, "\r\n") == -1)
		return -1;
	return 0;
}

int
mime_build(const struct mime_input *in, struct buf *out, struct terr *err)
{
	static const char *const days[] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
	};
	static const char *const months[] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
	};
	const struct kv *h = in->headers;
	const unsigned char *k = in->key;
	bool have_id = false, have_date = false;
	const char *domain = "tocsin", *from, *at;
	char boundary[64], *fromdom = NULL;
	struct addr *fv = NULL;
	size_t nf = 0, i;
	uint64_t seed = in->boundary_seed, r1, r2;
	time_t t = (time_t)in->date;
	struct tm tm;
	int rc = -1;

	for (i = 0; h != NULL && i < h->n; i++) {
		const char *name = h->v[i].name;

		if (strcasecmp(name, "MIME-Version") == 0 ||
		    strcasecmp(name, "Content-Type") == 0 ||
		    strcasecmp(name, "Content-Transfer-Encoding") == 0)
			return terr_set(err, "e-mail header %s is set by tocsin "
			    "and cannot be configured", name);
		if (strcasecmp(name, "Message-Id") == 0)
			have_id = true;
		if (strcasecmp(name, "Date") == 0)
			have_date = true;
		if (mime_header(name, h->v[i].value, out, err) == -1)
			return -1;
	}

	if (!have_id) {
		if (in->keylen == 0 || in->keylen > KEY_MAX)
			return terr_set(err, "e-mail message key must be 1 to %d bytes",
			    KEY_MAX);
		if (h != NULL && (from = kv_get(h, "From")) != NULL &&
		    parse_list(from, &fv, &nf, NULL) == 0 && nf > 0 &&
		    (at = strrchr(fv[0].spec, '@')) != NULL)
			domain = fromdom = strdup(at + 1);
		addrs_clear(fv, nf);
		if (domain == NULL)
			return terr_set(err, "out of memory");
		if (buf_adds(out, "Message-Id: <") == -1)
			goto full;
		for (i = 0; i < in->keylen; i++)
			if (buf_printf(out, "%02x", k[i]) == -1)
				goto full;
		if (buf_printf(out, "@%s>\r\n", domain) == -1)
			goto full;
	}
	if (in->thread_id != NULL) {
		if (strpbrk(in->thread_id, "\r\n") != NULL) {
			terr_set(err, "e-mail thread id contains a line break");
			goto done;
		}
		if (buf_printf(out, "References: %s\r\nIn-Reply-To: %s\r\n",
		    in->thread_id, in->thread_id) == -1)
			goto full;
	}
	if (!have_date) {
		if (gmtime_r(&t, &tm) == NULL) {
			terr_set(err, "e-mail date out of range");
			goto done;
		}
		if (buf_printf(out, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n",
		    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
		    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec) == -1)
			goto full;
	}

	if (seed == 0 && getrandom(&seed, sizeof(seed), 0) != sizeof(seed)) {
		terr_set(err, "no randomness for the MIME boundary");
		goto done;
	}
	r1 = splitmix64(&seed);
	r2 = splitmix64(&seed);
	/* "=_" cannot occur in quoted-printable output ("=" is always
	 * followed by two hex digits or a line break), so the boundary can
	 * never appear inside a part. */
	snprintf(boundary, sizeof(boundary), "=_tocsin_%016llx%016llx",
	    (unsigned long long)r1, (unsigned long long)r2);
	if (buf_printf(out, "MIME-Version: 1.0\r\n"
	    "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n",
	    boundary) == -1)
		goto full;
	/* Text first, HTML last: RFC 2046 5.1.4 puts the preferred
	 * alternative at the end, as Alertmanager does. */
	if ((in->text != NULL && in->text[0] != '\0') ||
	    in->html == NULL || in->html[0] == '\0')
		if (add_part(out, boundary, "text/plain",
		    in->text != NULL ? in->text : "") == -1)
			goto full;
	if (in->html != NULL && in->html[0] != '\0' &&
	    add_part(out, boundary, "text/html", in->html) == -1)
		goto full;
	if (buf_printf(out, "--%s--\r\n", boundary) == -1)
		goto full;
	rc = 0;
	goto done;
full:
	terr_set(err, "e-mail message too large");
done:
	free(fromdom);
	return rc;
}

int
mime_parse_addrs(const char *list, char ***addrs, size_t *naddrs,
    struct terr *err)
{
	struct addr *v = NULL;
	size_t n = 0, i;
	char **out;

	*addrs = NULL;
	*naddrs = 0;
	if (list == NULL || strspn(list, " \t") == strlen(list))
		return terr_set(err, "empty e-mail address list");
	/* These go into MAIL FROM and RCPT TO: a line break there would
	 * be an SMTP command of its own. */
	if (strpbrk(list, "\r\n") != NULL)
		return terr_set(err, "e-mail address list contains a line break "
		    "(CR or LF), refused");
	if (parse_list(list, &v, &n, err) == -1)
		return -1;
	if ((out = calloc(n + 1, sizeof(*out))) == NULL) {
		addrs_clear(v, n);
		return terr_set(err, "out of memory");
	}
	for (i = 0; i < n; i++) {
		out[i] = v[i].spec;
		v[i].spec = NULL;
	}
	addrs_clear(v, n);
	*addrs = out;
	*naddrs = n;
	return 0;
}

void
mime_addrs_free(char **addrs)
{
	char **p;

	if (addrs == NULL)
		return;
	for (p = addrs; *p != NULL; p++)
		free(*p);
	free(addrs);
}
