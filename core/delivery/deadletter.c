/* deadletter.c: the dead-letter report (see deadletter.h). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "deadletter.h"
#include "deliver.h"
#include "synthetic.h"

/* What the lost message said first, through its sender's describe. */
static void
describe(const struct store_entry *e, char *out, size_t len)
{
	const struct sender_ops	*ops;
	char			 kind[32];

	out[0] = '\0';
	snprintf(kind, sizeof(kind), "%.*s", (int)strcspn(e->integration, "/"),
	    e->integration);
	if ((ops = sender_ops_by_name(kind)) != NULL && ops->describe != NULL &&
	    e->payload != NULL)
		ops->describe(e->payload, e->payload_len, out, len);
}

struct notification *
deadletter_report(const struct store_entry *e, const char *why,
    const char *report_to, int64_t at_ms, struct terr *err)
{
	struct notification	*n = NULL;
	struct kv		 labels, ann;
	struct tstamp		 at;
	char			 message[256], id[32], text[1024];

	kv_init(&labels);
	kv_init(&ann);
	describe(e, message, sizeof(message));
	snprintf(id, sizeof(id), "%" PRId64, e->id);
	if (kv_set(&labels, "alertname", DEADLETTER_ALERTNAME) == -1 ||
	    kv_set(&labels, "severity", "critical") == -1 ||
	    kv_set(&labels, "receiver", e->receiver) == -1 ||
	    kv_set(&labels, "integration", e->integration) == -1)
		goto nomem;
	/* The reason in the summary: tocsin's Slack text shows only that. */
	snprintf(text, sizeof(text), "Could not deliver a notification to %s (%s): %s",
	    e->receiver, e->integration, why);
	if (kv_set(&ann, "summary", text) == -1)
		goto nomem;
	if (message[0] != '\0')
		snprintf(text, sizeof(text), "The message given up (queue id %s) began: %s",
		    id, message);
	else
		snprintf(text, sizeof(text), "The message given up has queue id %s.", id);
	if (kv_set(&ann, "description", text) == -1 ||
	    kv_set(&ann, "reason", why) == -1 ||
	    kv_set(&ann, "message", message) == -1 ||
	    kv_set(&ann, "message_id", id) == -1 ||
	    kv_set(&ann, "destination", e->dest) == -1)
		goto nomem;
	memset(&at, 0, sizeof(at));
	at.sec = at_ms / 1000;
	at.nsec = (int32_t)(at_ms % 1000) * 1000000;
	snprintf(at.zone, sizeof(at.zone), "UTC");
	n = synthetic_notification(report_to, &labels, &ann, &at, "", err);
	goto out;
 nomem:
	terr_set(err, "out of memory");
 out:
	kv_free(&labels);
	kv_free(&ann);
	return n;
}

int
deadletter_enqueue(struct store *s, const struct receiver *to,
    const struct sender_render_ctx *ctx, const struct store_entry *e,
    const char *why, int64_t at_ms, struct terr *err)
{
	struct notification	*n;
	int			 rc;

	if ((n = deadletter_report(e, why, to->name, at_ms, err)) == NULL)
		return -1;
	/* A window of 0: two messages dead in the same millisecond for the
	 * same integration would otherwise share a key. */
	rc = deliver_enqueue(s, to, n, ctx, 0, NULL, err);
	notification_free(n);
	return rc;
}
