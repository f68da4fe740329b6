/* outbox.h: a daemon's delivery side, shared by tocsin-relay and
 * tocsin-watchdog: the durable queue under --storage.path, the dispatcher
 * that sends from it, the housekeeping that prunes it, the threads of the
 * phone loop beside it (Telegram's pollers, the escalation timers), its
 * metric, and the loaded generation (config + compiled templates) that
 * renders into it and that the dispatcher reads receivers from. A reload makes a new generation
 * current; whoever still holds the old one (a request in flight, the
 * dispatcher until its sends are marked) keeps it alive. */
#ifndef TOCSIN_OUTBOX_H
#define TOCSIN_OUTBOX_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "err.h"
#include "metrics.h"
#include "sender.h"
#include "store.h"

struct tmpl_set;

struct outbox;		/* opaque */
struct outbox_gen;	/* one loaded generation, refcounted */

/* Zero means "the default" for every field, so a new setting is one new
 * field here and callers that do not know it keep working. */
struct outbox_params {
	const char	*storage_path;	/* --storage.path; created if missing */
	/* --storage.url: the queue in PostgreSQL (store_params.url), the
	 * files beside it (the memo) still under storage_path. NULL: SQLite
	 * under storage_path. */
	const char	*storage_url;
	int64_t		 storage_lease_ms; /* store_params.lease_ms; 0: its default */
	int64_t		 retention_ms;	/* delivered and dead kept this long; 0: 120h */
	int64_t		 max_bytes;	/* store size cap (store_set_max_size); 0: none */
	int64_t		 backoff_max_ms; /* longest retry wait; 0: the dispatcher's default */
	int64_t		 retry_budget_ms; /* a failing message is given up this long
					 * after acceptance; 0: 24h */
	int		 max_sends;	/* sends in flight at most
					 * (dispatcher_params.max_sends); 0: 64 */
	const struct sender_limits *limits; /* copied; NULL: sender_limits_default */
	/* Every message that goes dead (but this receiver's own) is reported
	 * to it (core/delivery/deadletter.h); each loaded config must have it. NULL:
	 * dead messages are only logged and counted. Copied. */
	const char	*dead_letter_receiver;
	struct metrics	*metrics;	/* borrowed; registers tocsin_queue_messages{state} */
	bool		 allow_empty;	/* --storage.allow-empty: store_params.allow_empty */
};

/* Checks the storage directory, opens the store and starts the housekeeping.
 * The dispatcher starts with the first outbox_load (which resumes everything
 * pending). Caller frees with outbox_free. */
struct outbox *outbox_open(const struct outbox_params *p, struct terr *err);
/* The queue, for whoever renders into it (deliver_enqueue); owned by ob and
 * NULL once ob is stopped. */
struct store *outbox_store(struct outbox *ob);

/*
 * Makes a new generation current and hands cfg to the dispatcher (starting
 * it on the first call). cfg's receivers are what the dispatcher sends with;
 * tmpl are the templates compiled for it. The generation owns tmpl and
 * owner, freed (tmpl_set_free, then owner_free(owner)) when its last holder
 * lets go: cfg must live as long as owner (the relay passes the config
 * itself, the watchdog the wdconfig that contains it). On failure (memory,
 * the dispatcher cannot start, no receiver named by dead_letter_receiver:
 * `--dead-letter.receiver: no receiver named "x" in the configuration`)
 * tmpl and owner are freed too, and the running generation stays.
 */
int	outbox_load(struct outbox *ob, const struct config *cfg, struct tmpl_set *tmpl,
	    void *owner, void (*owner_free)(void *), struct terr *err) WARN_UNUSED;
/* A reference to the current generation, NULL before the first load; valid
 * across reloads until outbox_release. Any thread. */
struct outbox_gen *outbox_hold(struct outbox *ob);
void	outbox_release(struct outbox *ob, struct outbox_gen *g);
const struct config *outbox_gen_config(const struct outbox_gen *g);
const struct tmpl_set *outbox_gen_templates(const struct outbox_gen *g);
void	*outbox_gen_owner(const struct outbox_gen *g);
/* tocsin_actions_total{action, result} (presses and action links), or
 * NULL when not kept. */
struct metric *outbox_actions_metric(struct outbox *ob);
/* True once a generation is loaded, while the store is healthy
 * (store_healthy) and reaches its database (store_reachable). */
bool	outbox_ready(struct outbox *ob);

/* Brings tocsin_queue_messages up to date (call on every scrape). When the
 * store cannot count, the last counts stay (the first are taken at
 * outbox_open), so that the series never vanish; tocsin_store_healthy says
 * whether they are current. */
void	outbox_refresh_metrics(struct outbox *ob);
/* Stops the housekeeping and the dispatcher (sends in flight finish and are
 * marked) and closes the store. Whatever renders into the store (the HTTP
 * server) must be stopped first. Idempotent. */
void	outbox_stop(struct outbox *ob);
/* outbox_stop, then frees everything, the current generation included.
 * NULL is fine. */
void	outbox_free(struct outbox *ob);

#endif
