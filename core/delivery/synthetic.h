/* synthetic.h: notifications tocsin makes up itself (the send-test sample,
 * the dead-letter report). They are shaped exactly like what Alertmanager's
 * webhook sends for a group of one alert, so they take the same render and
 * delivery path as real ones and a user's templates find the data they
 * expect. */
#ifndef TOCSIN_SYNTHETIC_H
#define TOCSIN_SYNTHETIC_H

#include "alert.h"
#include "err.h"

/*
 * One firing alert with the given labels (which must hold an alertname) and
 * annotations, started at starts_at, for receiver, as Alertmanager would
 * notify it from a route grouping by alertname: Status "firing",
 * GroupLabels {alertname}, CommonLabels and CommonAnnotations the alert's
 * own, GroupKey `{}:{alertname="<name>"}`, the fingerprint of the labels,
 * EndsAt the zero time, no generator URL, ExternalURL as given. Caller frees
 * with notification_free.
 */
struct notification *synthetic_notification(const char *receiver,
	    const struct kv *labels, const struct kv *annotations,
	    const struct tstamp *starts_at, const char *external_url,
	    struct terr *err);

#endif
