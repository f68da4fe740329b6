/* runtime.h: the relay's delivery wiring: the shared outbox (store,
 * dispatcher, loaded generation; core/outbox.h) and the webhook intake that
 * renders into it. serve.c owns flags, HTTP and signals; this owns the rest. */
#ifndef TOCSIN_RELAY_RUNTIME_H
#define TOCSIN_RELAY_RUNTIME_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "err.h"
#include "filesink.h"
#include "intake.h"
#include "metrics.h"
#include "outbox.h"

struct runtime;	/* opaque */

struct runtime_params {
	struct outbox_params outbox;	/* the queue under --storage.path */
	int64_t		 dedup_window_ms; /* --dedup.window */
	struct filesink	*files;		/* borrowed */
};

/* Opens the outbox and the intake (the dispatcher starts with the first
 * runtime_load). p->outbox.metrics also gets the intake's metrics. Caller
 * frees with runtime_free. */
struct runtime *runtime_open(const struct runtime_params *p, struct terr *err);
/* The intake, for the HTTP handlers; owned by rt. */
struct intake *runtime_intake(struct runtime *rt);
/* True once a configuration is loaded. */
bool	runtime_ready(struct runtime *rt);
/*
 * Compiles the templates for cfg (templates/tocsin.tmpl, then the config's
 * globs in order) and makes the pair the current generation for the intake
 * and the dispatcher. Takes cfg in every case (freed on failure); on failure
 * the running generation stays.
 */
int	runtime_load(struct runtime *rt, struct config *cfg, struct terr *err) WARN_UNUSED;
/* Brings tocsin_queue_messages up to date (on every scrape). */
void	runtime_refresh_metrics(struct runtime *rt);
/* Stops the dispatcher (sends in flight finish and are marked) and closes
 * the store. The HTTP server must be stopped first: the intake uses the
 * store. Then frees everything. NULL is fine. */
void	runtime_free(struct runtime *rt);

#endif
