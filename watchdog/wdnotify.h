/* wdnotify.h: a check's notification in Alertmanager's shape, so templates
 * written for Alertmanager's data render it: one alert TocsinCheckDown with
 * labels {alertname, check, kind, severity="critical"} and annotations
 * saying what stopped, since when, why and the last message (docs/WATCHDOG.md
 * lists them), firing while down, resolved on recovery; rendered with the
 * loaded templates and committed to the durable queue like the relay's. */
#ifndef TOCSIN_WDNOTIFY_H
#define TOCSIN_WDNOTIFY_H

#include <stdint.h>

#include "alert.h"
#include "check.h"
#include "err.h"
#include "receiver.h"
#include "store.h"

#define WDNOTIFY_ALERTNAME	"TocsinCheckDown"

struct tmpl_set;

/* The notification for cn, addressed to receiver. Returns NULL with err set
 * when memory runs out. Caller frees with notification_free. */
struct notification *wdnotify_build(const struct check_notif *cn, const char *receiver,
	    struct terr *err);

/* Builds cn's notification, renders it for every integration of r with
 * tmpl and stores the messages in one batch, durable when it returns 0.
 * A template that fails goes out with the fallback text (counted in
 * *fallbacks, which may be NULL). Returns -1 when nothing could be stored. */
int	wdnotify_send(struct store *st, const struct receiver *r,
	    const struct tmpl_set *tmpl, const struct check_notif *cn,
	    uint64_t *fallbacks, struct terr *err) WARN_UNUSED;

#endif
