/* pipeline.h: what the relay does with a parsed webhook payload before any
 * integration sees it, free of HTTP and of the clock so tests call it. */
#ifndef TOCSIN_PIPELINE_H
#define TOCSIN_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alert.h"
#include "config.h"
#include "err.h"
#include "filesink.h"
#include "receiver.h"

/* The notification one receiver gets from one payload. */
struct pipeline_target {
	const struct receiver	*rcv;	/* borrowed from the config */
	struct notification	*n;	/* owned by the set */
};

struct pipeline_targets {
	struct pipeline_target	*v;
	size_t			 n;
};

/*
 * Splits payload n into one notification per receiver, in the order routing
 * first reaches each receiver. With receiver NULL every alert goes through
 * cfg's route tree; a matching route muted at now_ms (Unix milliseconds) by
 * its mute_time_intervals, or outside all of its active_time_intervals, does
 * not notify. A receiver reached by several routes gets one notification,
 * holding each alert once, in payload order. With receiver set (a name in
 * cfg) the tree and the intervals are skipped and that receiver gets every
 * alert. Each notification has Status, CommonLabels and CommonAnnotations
 * recomputed for its alerts (notification_subset); no alert, no target.
 *
 * out must be empty ({ NULL, 0 }); caller frees it with
 * pipeline_targets_free, also after a failure.
 */
int	pipeline_route(const struct config *cfg, const struct notification *n,
	    const char *receiver, int64_t now_ms, struct pipeline_targets *out,
	    struct terr *err) WARN_UNUSED;
/* Frees every notification of t and empties it. */
void	pipeline_targets_free(struct pipeline_targets *t);

/*
 * The file receiver (file_configs). pipeline_file_line is what one
 * file_config appends for n: the webhook JSON and a newline, only the firing
 * alerts when send_resolved is false (sender_filter_resolved). *line is NULL
 * when nothing is left to write; otherwise caller frees it, *len bytes.
 */
int	pipeline_file_line(const struct notification *n, bool send_resolved,
	    char **line, size_t *len, struct terr *err) WARN_UNUSED;
/* Appends n to every file_config of rcv through fs, in config order,
 * stopping at the first failure. *written counts the lines appended, on
 * failure too, for the caller's metrics. */
int	pipeline_write_files(struct filesink *fs, const struct receiver *rcv,
	    const struct notification *n, size_t *written, struct terr *err) WARN_UNUSED;

#endif
