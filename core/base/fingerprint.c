/* fingerprint.c: Alertmanager's label-set fingerprint (FNV-1a 64). */
#include <inttypes.h>
#include <stdio.h>

#include "fingerprint.h"

#define FNV64_OFFSET	UINT64_C(14695981039346656037)
#define FNV64_PRIME	UINT64_C(1099511628211)
/* Prometheus's model.SeparatorByte: cannot occur in valid UTF-8, so
 * {a="bc"} and {ab="c"} hash differently. */
#define SEPARATOR	0xff

static uint64_t
fnv_add(uint64_t h, const unsigned char *s)
{
	for (; *s; s++) {
		h ^= *s;
		h *= FNV64_PRIME;
	}
	return h;
}

static uint64_t
fnv_add_byte(uint64_t h, unsigned char c)
{
	h ^= c;
	return h * FNV64_PRIME;
}

uint64_t
fingerprint_labels_u64(const struct kv *labels)
{
	uint64_t h = FNV64_OFFSET;

	/* struct kv is kept sorted bytewise, which is Go's string order. */
	for (size_t i = 0; i < labels->n; i++) {
		h = fnv_add(h, (const unsigned char *)labels->v[i].name);
		h = fnv_add_byte(h, SEPARATOR);
		h = fnv_add(h, (const unsigned char *)labels->v[i].value);
		h = fnv_add_byte(h, SEPARATOR);
	}
	return h;
}

void
fingerprint_labels(const struct kv *labels, char out[17])
{
	snprintf(out, 17, "%016" PRIx64, fingerprint_labels_u64(labels));
}
