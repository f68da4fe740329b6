/* alert.h: the alert model shared by intake, routing, templates and senders.
 *
 * It mirrors Alertmanager's webhook/template data (template.Data): a
 * notification carries alerts plus the group's labels. These are plain data
 * structs (not opaque) because the template engine walks them field by field. */
#ifndef TOCSIN_ALERT_H
#define TOCSIN_ALERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* A label or annotation set. Always sorted by name (bytewise), names unique,
 * like a Go map walked in sorted order. */
struct kv_pair {
	char	*name;
	char	*value;
};

struct kv {
	struct kv_pair	*v;
	size_t		 n;
	/* Go's nil map: the set was null or absent in template data read by
	 * `template render` (toJson writes null); false everywhere else. */
	bool		 null;
};

void	kv_init(struct kv *kv);
void	kv_free(struct kv *kv);
/* Copies name and value; replaces an existing value; keeps the set sorted. */
int	kv_set(struct kv *kv, const char *name, const char *value) WARN_UNUSED;
/* The value for name, or NULL when absent. */
const char *kv_get(const struct kv *kv, const char *name);
/* dst must be initialised and empty; on failure dst is left empty. */
int	kv_copy(struct kv *dst, const struct kv *src) WARN_UNUSED;
bool	kv_equal(const struct kv *a, const struct kv *b);

/* A point in time as Go's time.Time holds it: an instant plus the zone it is
 * shown in. The zero time (Go's time.Time{}) is 0001-01-01T00:00:00Z. */
struct tstamp {
	int64_t	sec;		/* seconds since the Unix epoch */
	int32_t	nsec;		/* 0 .. 999999999 */
	int32_t	off;		/* zone offset, seconds east of UTC */
	char	zone[16];	/* abbreviation ("UTC", "CET"); "" for a bare offset */
};

#define TSTAMP_ZERO_SEC INT64_C(-62135596800)

void	tstamp_zero(struct tstamp *t);
bool	tstamp_is_zero(const struct tstamp *t);
/* Parses RFC 3339 with optional fractional seconds (Go's time.RFC3339Nano
 * layout, which is what Alertmanager emits). "Z" gives zone "UTC"; an offset
 * gives a bare-offset zone, as Go's time.Parse does on a UTC machine. */
int	tstamp_parse_rfc3339(const char *s, struct tstamp *t, struct terr *err);
/* Formats like Go's time.RFC3339Nano (trailing zeros of the fraction dropped)
 * into out (at least 40 bytes). */
void	tstamp_format_rfc3339(const struct tstamp *t, char *out, size_t len);

enum alert_status {
	ALERT_FIRING,
	ALERT_RESOLVED,
	/* An empty or absent status, which only template data read by
	 * `template render` holds (Go's zero string); never a webhook's. */
	ALERT_STATUS_EMPTY,
	/* Neither: the status of amtool's sample data ("alertstatus"), which
	 * `template render` uses without --template.data. Nothing that parses
	 * a payload produces it. */
	ALERT_SAMPLE,
};

/* "firing", "resolved", "alertstatus" or "". */
const char *alert_status_str(enum alert_status s);

struct alert {
	enum alert_status status;
	struct kv	 labels;
	struct kv	 annotations;
	struct tstamp	 starts_at;
	struct tstamp	 ends_at;
	char		*generator_url;	/* never NULL once built */
	char		*fingerprint;	/* never NULL once built */
};

/* A link a channel offers on a notification (tocsin's action links:
 * "Silence 1h" and its /action/<token> URL), which templates see as
 * .Actions. */
struct notification_link {
	char	*name;
	char	*url;
};

/* One notification: Alertmanager's template.Data plus the webhook envelope. */
struct notification {
	char		*receiver;
	enum alert_status status;
	struct alert	*alerts;
	size_t		 nalerts;
	struct kv	 group_labels;
	struct kv	 common_labels;
	struct kv	 common_annotations;
	char		*external_url;
	char		*group_key;
	int64_t		 truncated_alerts;
	/* Alertmanager 0.34's NotificationReason and RouteLabels ("" and
	 * empty when the payload has none). route_labels_rendered: the values
	 * are final (a webhook's, rendered by Alertmanager), so the routeLabels
	 * function returns them verbatim instead of executing them. */
	char		*notification_reason;
	struct kv	 route_labels;
	bool		 route_labels_rendered;
	/* tocsin: the action links of the channel rendering it, in the
	 * order offered; none outside such a render (never copied). */
	struct notification_link *links;
	size_t		 nlinks;
};

/* Allocates an empty notification (all strings ""), freed with notification_free. */
struct notification *notification_new(void);
void	notification_free(struct notification *n);

/* Appends a link (name and url copied). -1 when memory runs out. */
int	notification_add_link(struct notification *n, const char *name,
	    const char *url) WARN_UNUSED;

/* Builds the notification that Alertmanager would have sent to `receiver` for
 * the alerts src->alerts[idx[0..n-1]]: those alerts (copied, in that order),
 * with Status, CommonLabels and CommonAnnotations recomputed for that subset,
 * and GroupLabels, GroupKey, ExternalURL, TruncatedAlerts, NotificationReason
 * and RouteLabels carried over.
 * Returns NULL when memory runs out. Caller frees with notification_free. */
struct notification *notification_subset(const struct notification *src,
	    const size_t *idx, size_t n, const char *receiver);

/* Whether notification_subset of all of n's alerts, for n's receiver, would
 * be n itself: its Status, CommonLabels and CommonAnnotations are those of
 * its alerts, and it carries no links. Allocates nothing, so a caller can
 * ask before making a copy it might not need. */
bool	notification_is_own_subset(const struct notification *n);

#endif
