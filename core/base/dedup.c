/* dedup.c: the de-duplication key described in dedup.h. */
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "dedup.h"
#include "fingerprint.h"

/* v in decimal at the end of out (21 bytes); returns where it starts.
 * printf's machinery cost more than the hash of the whole key. */
static char *
decimal(char out[21], uint64_t v)
{
	char *p = out + 20;

	*p = '\0';
	do
		*--p = (char)('0' + v % 10);
	while ((v /= 10) > 0);
	return p;
}

static int
add_field(struct buf *b, const char *s, size_t len)
{
	char	num[21], *d = decimal(num, len);

	if (buf_add(b, d, (size_t)(num + 20 - d)) == -1 ||
	    buf_addc(b, ':') == -1 || buf_add(b, s, len) == -1 ||
	    buf_addc(b, '\n') == -1)
		return -1;
	return 0;
}

/* fingerprint "\t" status "\t" seconds "." nanoseconds (9 digits). */
static char *
alert_line(const char *fp, const struct alert *a)
{
	const char	*st = alert_status_str(a->status);
	char		 num[21], *sec, *line, *p;
	size_t		 lfp = strlen(fp), lst = strlen(st), lsec;
	uint64_t	 mag = a->starts_at.sec < 0 ?
	    -(uint64_t)a->starts_at.sec : (uint64_t)a->starts_at.sec;
	uint32_t	 ns = (uint32_t)a->starts_at.nsec;

	sec = decimal(num, mag);
	lsec = (size_t)(num + 20 - sec);
	if ((line = malloc(lfp + lst + lsec + 14)) == NULL)
		return NULL;
	p = line;
	memcpy(p, fp, lfp);
	p += lfp;
	*p++ = '\t';
	memcpy(p, st, lst);
	p += lst;
	*p++ = '\t';
	if (a->starts_at.sec < 0)
		*p++ = '-';
	memcpy(p, sec, lsec);
	p += lsec;
	*p++ = '.';
	for (int i = 8; i >= 0; i--, ns /= 10)
		p[i] = (char)('0' + ns % 10);
	p[9] = '\0';
	return line;
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
		if ((lines[i] = alert_line(fpp, a)) == NULL) {
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
