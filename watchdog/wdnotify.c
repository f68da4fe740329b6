/* wdnotify.c: check notifications as Alertmanager-shaped data, and their
 * way into the queue (see wdnotify.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deliver.h"
#include "duration.h"
#include "fingerprint.h"
#include "tmpl.h"
#include "wdnotify.h"

static void
tstamp_ms(int64_t ms, struct tstamp *t)
{
	memset(t, 0, sizeof(*t));
	t->sec = ms / 1000;
	t->nsec = (int32_t)(ms % 1000) * 1000000;
	snprintf(t->zone, sizeof(t->zone), "UTC");
}

/* Whole seconds: milliseconds in an alarm are noise. */
static void
human(int64_t ms, char *out, size_t len)
{
	duration_format(ms - ms % 1000, out, len);
}

static int
annotate(struct kv *a, const struct check_notif *cn)
{
	char	 sum[CHECK_NAME_MAX + CHECK_REASON_MAX + 96], dur[64], ts[48], rem[24];
	struct tstamp t;

	human(cn->down_ms, dur, sizeof(dur));
	switch (cn->kind) {
	case CHECK_NOTIF_RECOVERED:
		snprintf(sum, sizeof(sum), "%s is up again after %s down", cn->name, dur);
		break;
	case CHECK_NOTIF_REMINDER:
		snprintf(sum, sizeof(sum), "%s is still down (for %s): %s", cn->name, dur,
		    cn->reason);
		break;
	default:
		snprintf(sum, sizeof(sum), "%s is down: %s", cn->name, cn->reason);
		break;
	}
	if (kv_set(a, "summary", sum) == -1 || kv_set(a, "reason", cn->reason) == -1 ||
	    kv_set(a, "event", check_notif_kind_name(cn->kind)) == -1)
		return -1;
	if (cn->last_message[0] != '\0' && kv_set(a, "last_message", cn->last_message) == -1)
		return -1;
	if (cn->last_success_wall_ms != 0) {
		tstamp_ms(cn->last_success_wall_ms, &t);
		tstamp_format_rfc3339(&t, ts, sizeof(ts));
		if (kv_set(a, "last_success", ts) == -1)
			return -1;
	}
	if (cn->kind != CHECK_NOTIF_DOWN && kv_set(a, "down_for", dur) == -1)
		return -1;
	if (cn->kind == CHECK_NOTIF_REMINDER) {
		snprintf(rem, sizeof(rem), "%u", cn->reminder);
		if (kv_set(a, "reminder", rem) == -1)
			return -1;
	}
	return 0;
}

struct notification *
wdnotify_build(const struct check_notif *cn, const char *receiver, struct terr *err)
{
	struct notification *n;
	struct alert	*al;
	char		 fp[17];
	int64_t		 since;

	if ((n = notification_new()) == NULL ||
	    (al = calloc(1, sizeof(*al))) == NULL) {
		notification_free(n);
		terr_set(err, "out of memory");
		return NULL;
	}
	n->alerts = al;
	n->nalerts = 1;
	kv_init(&al->labels);
	kv_init(&al->annotations);
	n->status = al->status = cn->kind == CHECK_NOTIF_RECOVERED ? ALERT_RESOLVED :
	    ALERT_FIRING;
	/* The alert starts when the outage did, as an Alertmanager alert's
	 * startsAt stays put across its repeats. */
	since = cn->kind == CHECK_NOTIF_RECOVERED ? cn->at_wall_ms - cn->down_ms :
	    cn->since_wall_ms;
	tstamp_ms(since, &al->starts_at);
	if (cn->kind == CHECK_NOTIF_RECOVERED)
		tstamp_ms(cn->at_wall_ms, &al->ends_at);
	else
		tstamp_zero(&al->ends_at);
	free(n->receiver);
	n->receiver = NULL;
	if ((n->receiver = strdup(receiver)) == NULL ||
	    (al->generator_url = strdup("")) == NULL ||
	    kv_set(&al->labels, "alertname", WDNOTIFY_ALERTNAME) == -1 ||
	    kv_set(&al->labels, "check", cn->name) == -1 ||
	    kv_set(&al->labels, "kind", check_kind_name(cn->check_kind)) == -1 ||
	    kv_set(&al->labels, "severity", "critical") == -1 ||
	    annotate(&al->annotations, cn) == -1 ||
	    kv_set(&n->group_labels, "check", cn->name) == -1 ||
	    kv_copy(&n->common_labels, &al->labels) == -1 ||
	    kv_copy(&n->common_annotations, &al->annotations) == -1)
		goto oom;
	free(n->group_key);
	if (asprintf(&n->group_key, "{}:{check=\"%s\"}", cn->name) == -1) {
		n->group_key = NULL;
		goto oom;
	}
	fingerprint_labels(&al->labels, fp);
	if ((al->fingerprint = strdup(fp)) == NULL)
		goto oom;
	return n;
 oom:
	notification_free(n);
	terr_set(err, "out of memory");
	return NULL;
}

int
wdnotify_send(struct store *st, const struct receiver *r, const struct tmpl_set *tmpl,
    const struct check_notif *cn, uint64_t *fallbacks, struct terr *err)
{
	struct tmpl_opts	 opts = { .fallbacks = fallbacks };
	struct sender_render_ctx ctx = { .tmpl = tmpl, .opts = &opts };
	struct notification	*n;
	int			 rc;

	if ((n = wdnotify_build(cn, r->name, err)) == NULL)
		return -1;
	/* No dedup window: every notification here is a distinct event, and a
	 * reminder looks like the DOWN it repeats. */
	rc = deliver_enqueue(st, r, n, &ctx, 0, NULL, err);
	notification_free(n);
	return rc;
}
