/* runtime.h: the daemon's delivery wiring: the store under --storage.path,
 * the intake that commits to it, the dispatcher that sends from it, and one
 * loaded generation (config + compiled templates) shared by both and swapped
 * on reload. serve.c owns flags, HTTP and signals; this owns the rest. */
#ifndef TOCSIN_RELAY_RUNTIME_H
#define TOCSIN_RELAY_RUNTIME_H

#include <stdint.h>

#include "config.h"
#include "err.h"
#include "filesink.h"
#include "intake.h"
#include "metrics.h"

struct runtime;	/* opaque */

struct runtime_params {
	const char	*storage_path;	/* --storage.path */
	int64_t		 dedup_window_ms; /* --dedup.window */
	int64_t		 retention_ms;	/* delivered and dead kept this long; 0: 120h */
	int64_t		 max_bytes;	/* store size cap (store_set_max_size); 0: none */
	int64_t		 backoff_max_ms; /* longest retry wait; 0: the dispatcher's default */
	struct metrics	*metrics;	/* borrowed */
	struct filesink	*files;		/* borrowed */
};

/* Opens the store (resuming nothing yet: the dispatcher starts with the
 * first runtime_load) and the intake, and registers
 * tocsin_queue_messages{state}. Caller frees with runtime_free. */
struct runtime *runtime_open(const struct runtime_params *p, struct terr *err);
/* The intake, for the HTTP handlers; owned by rt. */
struct intake *runtime_intake(struct runtime *rt);
/*
 * Compiles the templates for cfg (templates/tocsin.tmpl, then the config's
 * globs in order), makes the pair the current generation and hands it to the
 * dispatcher (starting it on the first call, which resumes everything
 * pending). Takes cfg in every case (freed on failure); on failure the
 * running generation stays.
 */
int	runtime_load(struct runtime *rt, struct config *cfg, struct terr *err) WARN_UNUSED;
/* Brings tocsin_queue_messages up to date (on every scrape). */
void	runtime_refresh_metrics(struct runtime *rt);
/* Stops the dispatcher (sends in flight finish and are marked) and closes
 * the store. The HTTP server must be stopped first: the intake uses the
 * store. Idempotent. */
void	runtime_stop(struct runtime *rt);
/* runtime_stop, then frees everything. NULL is fine. */
void	runtime_free(struct runtime *rt);

#endif
