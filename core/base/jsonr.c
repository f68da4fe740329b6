/* jsonr.c: a strict JSON reader into one arena (see jsonr.h for what it
 * accepts and why it exists). */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "hexdigit.h"
#include "jsonr.h"
#include "utf8.h"

/* Arena blocks. The first ones are small enough for malloc's per-thread
 * cache (a request of a kilobyte or more makes glibc consolidate its free
 * lists, which cost more than the parse), later ones double; a value too
 * large for the current block gets a block of its own. */
struct jr_chunk {
	struct jr_chunk	*next;
	size_t		 size;
	size_t		 used;
	_Alignas(8) unsigned char data[];
};

#define CHUNK_SMALL	(1000 - sizeof(struct jr_chunk))
#define CHUNKS_SMALL	4
/* Object members and array elements are gathered on a stack and copied
 * into the arena when their container ends; this many fit without a heap
 * stack. */
#define STACK0		64
/* Objects up to this size are checked for repeated keys pairwise; larger
 * ones by sorting. */
#define PAIRWISE_MAX	16

struct reader {
	const unsigned char	*p;
	const unsigned char	*end;
	struct jr_doc		*doc;
	struct jr_member	*stack;
	size_t			 nstack;
	size_t			 capstack;
	unsigned		 depth;
	unsigned		 max_depth;
	struct jr_member	 stack0[STACK0];
};

static void *
arena_alloc(struct jr_doc *doc, size_t n)
{
	struct jr_chunk	*c = doc->chunks;
	size_t		 size;
	void		*p;

	n = (n + 7) & ~(size_t)7;
	if (c == NULL || c->size - c->used < n) {
		size = c == NULL || doc->nchunks < CHUNKS_SMALL ? CHUNK_SMALL :
		    c->size * 2;
		if (n > size && c != NULL) {
			/* Behind the current block, which stays current. */
			struct jr_chunk *big = malloc(sizeof(*big) + n);

			if (big == NULL)
				return NULL;
			big->size = big->used = n;
			big->next = c->next;
			c->next = big;
			doc->nchunks++;
			return big->data;
		}
		if (size < n)
			size = n;
		if ((c = malloc(sizeof(*c) + size)) == NULL)
			return NULL;
		c->size = size;
		c->used = 0;
		c->next = doc->chunks;
		doc->chunks = c;
		doc->nchunks++;
	}
	p = c->data + c->used;
	c->used += n;
	return p;
}

static void
skip_ws(struct reader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' ||
	    *r->p == '\r' || *r->p == '\t'))
		r->p++;
}

/* The four hex digits at s (before end), or -1. */
static int32_t
hex4(const unsigned char *s, const unsigned char *end)
{
	int32_t	v = 0;

	if (end - s < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		int d = hex_digit(s[i]);

		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/* Bytes a string can hold as they are: not the quote, the backslash, a
 * control character or the start of a multi-byte sequence. */
static inline bool
plain_byte(unsigned char c)
{
	return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

/* A string whose opening quote r->p is at. Most strings have neither an
 * escape nor a multi-byte sequence and are copied as they are; the others
 * are decoded, which never makes them longer (an escape of 6 or 12 bytes
 * is at most 4 bytes of UTF-8), so the raw length is room enough. */
static int
read_string(struct reader *r, const char **out, size_t *outlen)
{
	const unsigned char	*s = r->p + 1, *q = s, *c;
	char			*dst;
	size_t			 o = 0;
	bool			 plain = true;

	for (;;) {
		while (q < r->end && plain_byte(*q))
			q++;
		if (q >= r->end)
			return -1;
		if (*q == '"')
			break;
		if (*q < 0x20)
			return -1;
		plain = false;
		if (*q == '\\' && r->end - q < 2)
			return -1;
		q += *q == '\\' ? 2 : 1;
	}
	if ((dst = arena_alloc(r->doc, (size_t)(q - s) + 1)) == NULL)
		return -1;
	if (plain) {
		o = (size_t)(q - s);
		memcpy(dst, s, o);
		goto done;
	}
	for (c = s; c < q;) {
		uint32_t	rune;
		int32_t		hi, lo;
		size_t		n;

		if (plain_byte(*c)) {
			dst[o++] = (char)*c++;
			continue;
		}
		if (*c < 0x20)
			return -1;
		if (*c >= 0x80) {
			if ((n = utf8_decode(c, (size_t)(q - c), &rune)) == 0)
				return -1;
			memcpy(dst + o, c, n);
			o += n;
			c += n;
			continue;
		}
		switch (c[1]) {
		case '"': case '\\': case '/':
			dst[o++] = (char)c[1];
			break;
		case 'b':
			dst[o++] = '\b';
			break;
		case 'f':
			dst[o++] = '\f';
			break;
		case 'n':
			dst[o++] = '\n';
			break;
		case 'r':
			dst[o++] = '\r';
			break;
		case 't':
			dst[o++] = '\t';
			break;
		case 'u':
			if ((hi = hex4(c + 2, q)) <= 0 ||
			    (hi >= 0xdc00 && hi <= 0xdfff))
				return -1;
			rune = (uint32_t)hi;
			if (hi >= 0xd800 && hi <= 0xdbff) {
				if (q - c < 12 || c[6] != '\\' || c[7] != 'u' ||
				    (lo = hex4(c + 8, q)) < 0xdc00 || lo > 0xdfff)
					return -1;
				rune = 0x10000 + (((uint32_t)hi - 0xd800) << 10) +
				    ((uint32_t)lo - 0xdc00);
				c += 6;
			}
			o += utf8_encode(rune, dst + o);
			c += 4;
			break;
		default:
			return -1;
		}
		c += 2;
	}
done:
	dst[o] = '\0';
	*out = dst;
	*outlen = o;
	r->p = q + 1;
	return 0;
}

static bool
is_digit(const struct reader *r, const unsigned char *c)
{
	return c < r->end && *c >= '0' && *c <= '9';
}

static int
read_number(struct reader *r, struct jr_value *v)
{
	const unsigned char	*s = r->p, *c = s;
	bool			 neg = false, real = false;

	if (c < r->end && *c == '-') {
		neg = true;
		c++;
	}
	if (!is_digit(r, c))
		return -1;
	if (*c == '0') {
		if (is_digit(r, ++c))
			return -1;
	} else
		while (is_digit(r, c))
			c++;
	if (c < r->end && *c == '.') {
		real = true;
		if (!is_digit(r, ++c))
			return -1;
		while (is_digit(r, c))
			c++;
	}
	if (c < r->end && (*c == 'e' || *c == 'E')) {
		real = true;
		c++;
		if (c < r->end && (*c == '+' || *c == '-'))
			c++;
		if (!is_digit(r, c))
			return -1;
		while (is_digit(r, c))
			c++;
	}
	r->p = c;
	if (!real) {
		/* strtoll's range, as jansson reads integers. */
		uint64_t	u = 0, max = neg ? (uint64_t)INT64_MAX + 1 :
		    (uint64_t)INT64_MAX;

		for (const unsigned char *d = s + neg; d < c; d++) {
			if (u > (max - (uint64_t)(*d - '0')) / 10)
				return -1;
			u = u * 10 + (uint64_t)(*d - '0');
		}
		v->type = JR_INTEGER;
		v->u.i = neg ? (u == (uint64_t)INT64_MAX + 1 ? INT64_MIN :
		    -(int64_t)u) : (int64_t)u;
		return 0;
	}
	/* strtod wants a terminated string; the text is not. */
	{
		char	 small[64], *t = small, *end;
		size_t	 n = (size_t)(c - s);
		double	 d;

		if (n >= sizeof(small) && (t = malloc(n + 1)) == NULL)
			return -1;
		memcpy(t, s, n);
		t[n] = '\0';
		errno = 0;
		d = strtod(t, &end);
		if (t != small)
			free(t);
		/* Overflow is refused; underflow gives 0 or a subnormal, as
		 * jansson lets it. */
		if ((d == HUGE_VAL || d == -HUGE_VAL) && errno == ERANGE)
			return -1;
		v->type = JR_REAL;
		v->u.r = d;
	}
	return 0;
}

static int
literal(struct reader *r, const char *word, enum jr_type type,
    struct jr_value *v)
{
	size_t n = strlen(word);

	if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0)
		return -1;
	/* jansson reads a run of letters as one word. */
	if (r->p + n < r->end && ((r->p[n] >= 'a' && r->p[n] <= 'z') ||
	    (r->p[n] >= 'A' && r->p[n] <= 'Z')))
		return -1;
	r->p += n;
	v->type = type;
	return 0;
}

static int
push(struct reader *r, struct jr_member **m)
{
	if (r->nstack == r->capstack) {
		size_t			 cap = r->capstack * 2;
		struct jr_member	*s;

		if (r->stack == r->stack0) {
			if ((s = malloc(cap * sizeof(*s))) == NULL)
				return -1;
			memcpy(s, r->stack, r->nstack * sizeof(*s));
		} else if ((s = reallocarray(r->stack, cap, sizeof(*s))) == NULL)
			return -1;
		r->stack = s;
		r->capstack = cap;
	}
	*m = &r->stack[r->nstack++];
	return 0;
}

static int
keycmp(const void *a, const void *b)
{
	const struct jr_member *x = *(const struct jr_member *const *)a;
	const struct jr_member *y = *(const struct jr_member *const *)b;

	if (x->keylen != y->keylen)
		return x->keylen < y->keylen ? -1 : 1;
	return memcmp(x->key, y->key, x->keylen);
}

static bool
same_key(const struct jr_member *a, const struct jr_member *b)
{
	return a->keylen == b->keylen && memcmp(a->key, b->key, a->keylen) == 0;
}

/* Whether two of the n members at m share a key. -1 when memory ran out. */
static int
repeated_key(const struct jr_member *m, size_t n)
{
	const struct jr_member	**sorted;
	int			  found = 0;

	if (n <= PAIRWISE_MAX) {
		for (size_t i = 1; i < n; i++)
			for (size_t j = 0; j < i; j++)
				if (same_key(&m[i], &m[j]))
					return 1;
		return 0;
	}
	/* Sorting keeps a hostile object of many keys from being quadratic. */
	if ((sorted = calloc(n, sizeof(*sorted))) == NULL)
		return -1;
	for (size_t i = 0; i < n; i++)
		sorted[i] = &m[i];
	qsort(sorted, n, sizeof(*sorted), keycmp);
	for (size_t i = 1; i < n && !found; i++)
		found = same_key(sorted[i - 1], sorted[i]);
	free(sorted);
	return found;
}

static int read_value(struct reader *, struct jr_value *);

/* The members (or elements) pushed since base, moved into the arena. */
static int
close_container(struct reader *r, size_t base, struct jr_value *v)
{
	size_t	n = r->nstack - base;

	v->n = n;
	if (v->type == JR_OBJECT) {
		if (n > 0) {
			int rep = repeated_key(r->stack + base, n);

			if (rep != 0 ||
			    (v->u.m = arena_alloc(r->doc,
			    n * sizeof(*v->u.m))) == NULL)
				return -1;
			memcpy(v->u.m, r->stack + base, n * sizeof(*v->u.m));
		}
	} else if (n > 0) {
		if ((v->u.v = arena_alloc(r->doc, n * sizeof(*v->u.v))) == NULL)
			return -1;
		for (size_t i = 0; i < n; i++)
			v->u.v[i] = r->stack[base + i].v;
	}
	r->nstack = base;
	return 0;
}

/* An object or array whose opening bracket r->p is at. */
static int
read_container(struct reader *r, struct jr_value *v)
{
	bool			 object = *r->p == '{';
	unsigned char		 close = object ? '}' : ']';
	size_t			 base = r->nstack;
	struct jr_member	*m;

	if (++r->depth > r->max_depth)
		return -1;
	v->type = object ? JR_OBJECT : JR_ARRAY;
	v->n = 0;
	v->u.m = NULL;
	r->p++;
	skip_ws(r);
	if (r->p < r->end && *r->p == close) {
		r->p++;
		r->depth--;
		return 0;
	}
	for (;;) {
		struct jr_value val;

		if (object) {
			const char	*key;
			size_t		 keylen;

			if (r->p >= r->end || *r->p != '"' ||
			    read_string(r, &key, &keylen) == -1)
				return -1;
			skip_ws(r);
			if (r->p >= r->end || *r->p != ':')
				return -1;
			r->p++;
			skip_ws(r);
			if (read_value(r, &val) == -1 || push(r, &m) == -1)
				return -1;
			m->key = key;
			m->keylen = keylen;
		} else {
			if (read_value(r, &val) == -1 || push(r, &m) == -1)
				return -1;
			m->key = NULL;
			m->keylen = 0;
		}
		m->v = val;
		skip_ws(r);
		if (r->p >= r->end)
			return -1;
		if (*r->p == close)
			break;
		if (*r->p != ',')
			return -1;
		r->p++;
		skip_ws(r);
	}
	r->p++;
	r->depth--;
	return close_container(r, base, v);
}

static int
read_value(struct reader *r, struct jr_value *v)
{
	if (r->p >= r->end)
		return -1;
	v->n = 0;
	v->u.i = 0;
	switch (*r->p) {
	case '{':
	case '[':
		return read_container(r, v);
	case '"':
		v->type = JR_STRING;
		return read_string(r, &v->u.s, &v->n);
	case 't':
		return literal(r, "true", JR_TRUE, v);
	case 'f':
		return literal(r, "false", JR_FALSE, v);
	case 'n':
		return literal(r, "null", JR_NULL, v);
	default:
		return read_number(r, v);
	}
}

void
jr_free(struct jr_doc *doc)
{
	struct jr_chunk *c, *next;

	for (c = doc->chunks; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	memset(doc, 0, sizeof(*doc));
}

int
jr_parse(struct jr_doc *doc, const char *s, size_t len, unsigned max_depth)
{
	struct reader	r;
	int		rc = -1;

	memset(doc, 0, sizeof(*doc));
	r.p = (const unsigned char *)s;
	r.end = r.p + len;
	r.doc = doc;
	r.stack = r.stack0;
	r.nstack = 0;
	r.capstack = STACK0;
	r.depth = 0;
	r.max_depth = max_depth < JR_MAX_DEPTH ? max_depth : JR_MAX_DEPTH;
	skip_ws(&r);
	if (r.p < r.end && (*r.p == '{' || *r.p == '[') &&
	    read_container(&r, &doc->root) == 0) {
		skip_ws(&r);
		rc = r.p == r.end ? 0 : -1;
	}
	if (r.stack != r.stack0)
		free(r.stack);
	if (rc == -1)
		jr_free(doc);
	return rc;
}

static int
copy_string(struct jr_doc *doc, const char *s, size_t n, const char **out)
{
	char *p;

	if ((p = arena_alloc(doc, n + 1)) == NULL)
		return -1;
	memcpy(p, s, n);
	p[n] = '\0';
	*out = p;
	return 0;
}

static int
from_jansson(struct jr_doc *doc, const json_t *j, struct jr_value *v)
{
	const char	*key;
	json_t		*val;
	size_t		 i;

	memset(v, 0, sizeof(*v));
	switch (json_typeof(j)) {
	case JSON_OBJECT:
		v->type = JR_OBJECT;
		v->n = json_object_size(j);
		if (v->n > 0 && (v->u.m = arena_alloc(doc,
		    v->n * sizeof(*v->u.m))) == NULL)
			return -1;
		i = 0;
		json_object_foreach((json_t *)j, key, val) {
			v->u.m[i].keylen = strlen(key);
			if (copy_string(doc, key, v->u.m[i].keylen,
			    &v->u.m[i].key) == -1 ||
			    from_jansson(doc, val, &v->u.m[i].v) == -1)
				return -1;
			i++;
		}
		return 0;
	case JSON_ARRAY:
		v->type = JR_ARRAY;
		v->n = json_array_size(j);
		if (v->n > 0 && (v->u.v = arena_alloc(doc,
		    v->n * sizeof(*v->u.v))) == NULL)
			return -1;
		json_array_foreach(j, i, val)
			if (from_jansson(doc, val, &v->u.v[i]) == -1)
				return -1;
		return 0;
	case JSON_STRING:
		v->type = JR_STRING;
		v->n = json_string_length(j);
		return copy_string(doc, json_string_value(j), v->n, &v->u.s);
	case JSON_INTEGER:
		v->type = JR_INTEGER;
		v->u.i = json_integer_value(j);
		return 0;
	case JSON_REAL:
		v->type = JR_REAL;
		v->u.r = json_real_value(j);
		return 0;
	case JSON_TRUE:
		v->type = JR_TRUE;
		return 0;
	case JSON_FALSE:
		v->type = JR_FALSE;
		return 0;
	case JSON_NULL:
		break;
	}
	v->type = JR_NULL;
	return 0;
}

int
jr_from_jansson(struct jr_doc *doc, const json_t *root)
{
	memset(doc, 0, sizeof(*doc));
	if (from_jansson(doc, root, &doc->root) == -1) {
		jr_free(doc);
		return -1;
	}
	return 0;
}

const struct jr_value *
jr_get(const struct jr_value *obj, const char *key)
{
	size_t keylen = strlen(key);

	if (obj->type != JR_OBJECT)
		return NULL;
	for (size_t i = 0; i < obj->n; i++)
		if (obj->u.m[i].keylen == keylen &&
		    memcmp(obj->u.m[i].key, key, keylen) == 0)
			return &obj->u.m[i].v;
	return NULL;
}
