/* synthetic.c: one-alert notifications in Alertmanager's shape (see
 * synthetic.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fingerprint.h"
#include "synthetic.h"

/* Alertmanager's group key for the root route grouping by alertname. Go's
 * %q quoting of the value is approximated by escaping '"' and '\': the key
 * is only compared, never parsed. */
static char *
group_key(const char *alertname)
{
	struct buf	 b;
	const char	*p;

	buf_init(&b, 0);
	if (buf_adds(&b, "{}:{alertname=\"") == -1)
		goto fail;
	for (p = alertname; *p; p++)
		if (((*p == '"' || *p == '\\') && buf_addc(&b, '\\') == -1) ||
		    buf_addc(&b, *p) == -1)
			goto fail;
	if (buf_adds(&b, "\"}") == -1)
		goto fail;
	return buf_steal(&b);
 fail:
	buf_free(&b);
	return NULL;
}

struct notification *
synthetic_notification(const char *receiver, const struct kv *labels,
    const struct kv *annotations, const struct tstamp *starts_at,
    const char *external_url, struct terr *err)
{
	struct notification	*n;
	struct alert		*a;
	const char		*name;
	char			 fp[17];

	if ((name = kv_get(labels, "alertname")) == NULL) {
		terr_set(err, "a notification needs an alertname label");
		return NULL;
	}
	if ((n = notification_new()) == NULL ||
	    (n->alerts = calloc(1, sizeof(*n->alerts))) == NULL)
		goto nomem;
	a = &n->alerts[0];
	kv_init(&a->labels);
	kv_init(&a->annotations);
	n->nalerts = 1;
	n->status = ALERT_FIRING;
	a->status = ALERT_FIRING;
	a->starts_at = *starts_at;
	tstamp_zero(&a->ends_at);
	fingerprint_labels(labels, fp);
	free(n->receiver);
	free(n->external_url);
	free(n->group_key);
	n->receiver = n->external_url = n->group_key = NULL;
	if ((a->generator_url = strdup("")) == NULL ||
	    (a->fingerprint = strdup(fp)) == NULL ||
	    kv_copy(&a->labels, labels) == -1 ||
	    kv_copy(&a->annotations, annotations) == -1 ||
	    kv_copy(&n->common_labels, labels) == -1 ||
	    kv_copy(&n->common_annotations, annotations) == -1 ||
	    kv_set(&n->group_labels, "alertname", name) == -1 ||
	    (n->receiver = strdup(receiver)) == NULL ||
	    (n->external_url = strdup(external_url)) == NULL ||
	    (n->group_key = group_key(name)) == NULL)
		goto nomem;
	return n;
 nomem:
	notification_free(n);
	terr_set(err, "out of memory");
	return NULL;
}
