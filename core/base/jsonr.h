/* jsonr.h: a JSON text read into one arena, without a heap allocation per
 * value or key.
 *
 * The webhook intake reads every body it stores, and jansson's tree (a hash
 * table per object, every key and every value allocated on its own) cost
 * half of a request's instructions. jr_parse accepts exactly what jansson
 * 2.14's json_loadb accepts with JSON_REJECT_DUPLICATES, and yields the same
 * values in the same order:
 *  - an object or an array at the top, nothing but whitespace after it;
 *  - RFC 8259 numbers; one without fraction or exponent is an integer and
 *    must fit int64_t, any other a double that must not overflow;
 *  - strings of valid UTF-8 (no overlong forms, surrogates or values past
 *    U+10FFFF), no raw control characters, no \u0000, no unpaired surrogate
 *    escapes;
 *  - no key twice in any object; nesting at most JR_MAX_DEPTH (a caller
 *    may ask for less).
 * fuzz_jsonr holds it to jansson on every input. It does not say why it
 * refused: a caller that owes its client a message asks jansson, whose
 * messages are the ones tocsin has always answered with (payload.c). */
#ifndef TOCSIN_JSONR_H
#define TOCSIN_JSONR_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "err.h"

/* jansson's JSON_PARSER_MAX_DEPTH. */
#define JR_MAX_DEPTH	2048

enum jr_type {
	JR_NULL,
	JR_FALSE,
	JR_TRUE,
	JR_INTEGER,
	JR_REAL,
	JR_STRING,
	JR_ARRAY,
	JR_OBJECT,
};

struct jr_member;

struct jr_value {
	enum jr_type	 type;
	/* Bytes of a string, elements of an array, members of an object. */
	size_t		 n;
	union {
		int64_t			 i;
		double			 r;
		/* NUL-terminated; never holds a NUL (\u0000 is refused). */
		const char		*s;
		struct jr_value		*v;
		/* In the order of the text. */
		struct jr_member	*m;
	} u;
};

struct jr_member {
	const char	*key;	/* NUL-terminated, as a string value */
	size_t		 keylen;
	struct jr_value	 v;
};

struct jr_chunk;

/* A document: its root and the arena every value, key and string is in. */
struct jr_doc {
	struct jr_value	 root;
	struct jr_chunk	*chunks;
	size_t		 nchunks;
};

/* Reads len bytes at s (need not be NUL-terminated) into doc. Returns 0, or
 * -1 when jansson would refuse the text, it nests deeper than max_depth
 * (at most JR_MAX_DEPTH) or memory ran out; doc is then empty. Either way
 * the caller frees doc with jr_free. */
int	jr_parse(struct jr_doc *doc, const char *s, size_t len,
	    unsigned max_depth) WARN_UNUSED;

/* Builds doc from a tree jansson read (the same values as jr_parse would
 * give for the same text). Returns 0, or -1 when memory ran out. */
int	jr_from_jansson(struct jr_doc *doc, const json_t *root) WARN_UNUSED;

void	jr_free(struct jr_doc *doc);

/* The member key of object obj, or NULL when absent (or obj not an
 * object). */
const struct jr_value *jr_get(const struct jr_value *obj, const char *key);

#endif
