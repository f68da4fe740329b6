/* am_silences.h: the part of Alertmanager's API v2 the phone loop uses:
 * create a silence with equality matchers, expire it, and ask whether a
 * group's alerts are still active and whether they are silenced. Errors name the redacted URL and
 * Alertmanager's answer, so that a toast can say what went wrong. */
#ifndef TOCSIN_AM_SILENCES_H
#define TOCSIN_AM_SILENCES_H

#include <stddef.h>
#include <stdint.h>

#include "alert.h"
#include "err.h"
#include "httpconfig.h"

struct am_api {
	const char		*url;		/* Alertmanager's base URL */
	const struct http_config *http;		/* NULL: none */
	long			 timeout_ms;	/* 0: 10 s */
};

/* POST /api/v2/silences: one isEqual, not isRegex matcher per label of
 * matchers, from now until ends (unix ms). The new silence's id goes into
 * id (>= 64 bytes). -1 with err when Alertmanager was unreachable or
 * refused it. */
int	am_silence_create(const struct am_api *am, const struct kv *matchers,
	    int64_t starts_ms, int64_t ends_ms, const char *created_by,
	    const char *comment, char *id, size_t idlen, struct terr *err)
	    WARN_UNUSED;
/* DELETE /api/v2/silence/{id}. */
int	am_silence_expire(const struct am_api *am, const char *id,
	    struct terr *err) WARN_UNUSED;
/* What Alertmanager knows of a group's alerts: known, how many of the
 * alerts it still has (firing: resolved ones are gone), silenced, how many
 * of those a silence suppresses. */
struct am_group_state {
	size_t	known;
	size_t	silenced;
};

/* GET /api/v2/alerts filtered by matchers (equality), counting the
 * answered alerts with exactly the labels of one of alerts[0..n-1]. */
int	am_alerts_state(const struct am_api *am, const struct kv *matchers,
	    const struct kv *alerts, size_t n, struct am_group_state *st,
	    struct terr *err) WARN_UNUSED;
/* The same: *active is 1 when Alertmanager still has one of them. */
int	am_alerts_active(const struct am_api *am, const struct kv *matchers,
	    const struct kv *alerts, size_t n, int *active, struct terr *err)
	    WARN_UNUSED;

#endif
