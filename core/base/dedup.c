/* dedup.c: the de-duplication key described in dedup.h. */
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "dedup.h"
#include "fingerprint.h"

static int
add_field(struct buf *b, const char *s, size_t len)
{
	if (buf_printf(b, "%zu:", len) == -1 || buf_add(b, s, len) == -1 ||
	    buf_addc(b, '\n') == -1)
		return -1;
	return 0;
}

static int
add_str(struct buf *b, const char *s)
{
	if (s == NULL)
		s = "";
	return add_field(b, s, strlen(s));
}

static int
cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
dedup_key(const char *receiver, const char *integration,
    const struct notification *n, char out[DEDUP_KEY_LEN + 1], struct terr *err)
{
	static const char hex[] = "0123456789abcdef";
	struct buf	 b;
	char		**lines = NULL, fp[17];
	const char	*fpp;
	unsigned char	 digest[32];
	size_t		 i, nlines = 0;
	int		 ret = -1;

	buf_init(&b, 0);
	if (n->nalerts > 0 &&
	    (lines = calloc(n->nalerts, sizeof(*lines))) == NULL) {
		terr_set(err, "dedup key: out of memory");
		goto out;
	}
	/* Alerts are sorted so that the order Alertmanager lists them in,
	 * which can differ between HA peers, does not change the key. */
	for (i = 0; i < n->nalerts; i++) {
		const struct alert *a = &n->alerts[i];

		fpp = a->fingerprint;
		if (fpp == NULL || *fpp == '\0') {
			fingerprint_labels(&a->labels, fp);
			fpp = fp;
		}
		if (asprintf(&lines[i], "%s\t%s\t%" PRId64 ".%09" PRId32, fpp,
		    alert_status_str(a->status), a->starts_at.sec,
		    a->starts_at.nsec) == -1) {
			lines[i] = NULL;
			terr_set(err, "dedup key: out of memory");
			goto out;
		}
		nlines++;
	}
	if (nlines > 1)
		qsort(lines, nlines, sizeof(*lines), cmp_line);

	if (buf_adds(&b, "tocsin-dedup-v1\n") == -1 ||
	    add_str(&b, receiver) == -1 || add_str(&b, integration) == -1 ||
	    add_str(&b, n->group_key) == -1 ||
	    add_str(&b, alert_status_str(n->status)) == -1) {
		terr_set(err, "dedup key: out of memory");
		goto out;
	}
	for (i = 0; i < nlines; i++) {
		if (add_str(&b, lines[i]) == -1) {
			terr_set(err, "dedup key: out of memory");
			goto out;
		}
	}
	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, buf_str(&b), b.len,
	    digest) < 0) {
		terr_set(err, "dedup key: SHA-256 failed");
		goto out;
	}
	for (i = 0; i < sizeof(digest); i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 0xf];
	}
	out[DEDUP_KEY_LEN] = '\0';
	ret = 0;
out:
	for (i = 0; i < nlines; i++)
		free(lines[i]);
	free(lines);
	buf_free(&b);
	return ret;
}
