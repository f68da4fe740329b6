/* cmd_serve.c: `tocsin-watchdog [flags]`, the daemon: the wiring of the
 * persisted check states, the live checks, the scheduler, the freshness
 * queries and the HTTP API into what both daemons share
 * (core/daemon/daemoncmd.c: the common flags, the outbox, the HTTP server,
 * signals, reloads and systemd). */
#include <string.h>

#include "checkstate.h"
#include "daemoncmd.h"
#include "log.h"
#include "wdapi.h"
#include "watchdog_cmd.h"
#include "wdconfig.h"
#include "wdpair.h"
#include "wdprobe.h"
#include "wdsched.h"
#include "wdstate.h"

struct wdserve {
	struct daemoncmd *dc;
	struct wdstate	*ws;
	struct wdprobe	*probe;		/* NULL until started */
};

/* daemoncmd_spec.load: reads the config and makes it current. */
static int
load(void *arg, struct terr *err)
{
	struct wdserve	*s = arg;
	struct wdconfig	*wc;

	if ((wc = wdconfig_load_file(daemoncmd_config_file(s->dc), err)) == NULL ||
	    wdstate_load(s->ws, wc, err) == -1)
		return -1;
	wdprobe_reload(s->probe);
	return 0;
}

/* daemoncmd_spec.routes. */
static int
routes(void *arg, struct httpd *h)
{
	struct wdserve	*s = arg;

	return wdapi_register(h, s->ws);
}

/* daemoncmd_spec.metrics: the checks' states. */
static int
metrics(void *arg, struct buf *b)
{
	struct wdserve	*s = arg;

	return wdstate_write_metrics(s->ws, b);
}

int
wd_cmd_serve(int argc, char **argv)
{
	struct wdserve	 s = { NULL, NULL, NULL };
	const struct daemoncmd_spec spec = {
		.name = "tocsin-watchdog",
		.usage = "tocsin-watchdog --config.file=<file> [<flags>]\n"
		    "       tocsin-watchdog check-config <file>...\n\n"
		    "A dead-man's switch for the monitoring itself: notifies when heartbeats, "
		    "pings or fresh metrics stop, and again when they return",
		.config_help = "tocsin-watchdog configuration file name (required).",
		.listen = "127.0.0.1:9097",
		.listen_help = "Address to listen on for pings, heartbeats, the API, metrics and "
		    "health endpoints.",
		/* Cron jobs POST their output; the first CHECK_MSG_MAX bytes are
		 * kept, and anything up to this is accepted and cut rather than
		 * refused, so a verbose job's success still counts. */
		.max_body = (size_t)1 << 20,
		.max_body_help = "Largest accepted request body (default 1048576); a ping keeps "
		    "its first 10240 bytes.",
		.storage_help = "Base path for data storage: check states and the delivery "
		    "queue (unless --storage.url: then both are in PostgreSQL).",
		.url_help = "PostgreSQL database for the delivery queue and the check states "
		    "instead of SQLite under --storage.path; two watchdogs on one make a pair "
		    "(a libpq URL, postgresql://USER@HOST:PORT/DBNAME); keep a password in "
		    "--storage.url-file.",
		.lease_help = "With --storage.url: how long a stopped watchdog keeps the lead of "
		    "its pair, and a destination, before the other takes them (3s to 1h); "
		    "longer than any send takes.",
		.load = load,
		.routes = routes,
		.metrics = metrics,
		.arg = &s,
	};
	struct wdstate_params sp;
	struct wdsched	*sched = NULL;
	struct checkstate *cs = NULL;
	struct wdpair	*pair = NULL;
	const char	*url;
	struct terr	 err;
	int		 rc = 1;

	if ((s.dc = daemoncmd_new(&spec, argc, argv, &rc)) == NULL)
		return rc;
	if ((sched = wdsched_new(&err)) == NULL) {
		log_error("Out of memory");
		goto out;
	}
	/* With --storage.url the check states and the signals live in the
	 * database, and a second watchdog on it makes a pair (wdpair.h); one
	 * alone on it is a pair whose other half is missing, and leads. */
	if ((url = daemoncmd_storage_url(s.dc)) != NULL) {
		if ((cs = checkstate_open_pg(url, &err)) == NULL ||
		    (pair = wdpair_open(url, outbox_store(daemoncmd_outbox(s.dc)),
		    daemoncmd_storage_lease_ms(s.dc), &err)) == NULL) {
			log_error("Cannot open the storage", "err", err.msg);
			goto out;
		}
		/* A signal committed here is applied at once if we lead (the
		 * other's within wdpair_poll_ms). */
		wdpair_on_commit(pair, wdsched_wake, sched);
		log_info("The check states are in PostgreSQL: one watchdog of those "
		    "on it leads", "url", checkstate_path(cs));
	} else if ((cs = checkstate_open(daemoncmd_storage(s.dc), &err)) == NULL) {
		log_error("Cannot open the storage", "path", daemoncmd_storage(s.dc),
		    "err", err.msg);
		goto out;
	}
	memset(&sp, 0, sizeof(sp));
	sp.ob = daemoncmd_outbox(s.dc);
	sp.cs = cs;
	sp.metrics = daemoncmd_metrics(s.dc);
	sp.on_change = wdsched_wake;
	sp.on_change_arg = sched;
	sp.tmpl_am = daemoncmd_tmpl_am_version(s.dc);
	sp.pair = pair;
	if ((s.ws = wdstate_new(&sp, &err)) == NULL) {
		log_error("Cannot set up", "err", err.msg);
		goto out;
	}
	if (daemoncmd_load(s.dc) == -1)
		goto out;
	if (wdsched_start(sched, s.ws, &err) == -1 ||
	    (s.probe = wdprobe_start(s.ws, &err)) == NULL) {
		log_error("Cannot set up", "err", err.msg);
		goto out;
	}
	if (daemoncmd_serve(s.dc) == -1)
		goto out;
	rc = 0;
 out:
	/* The HTTP server is stopped; then whatever else signals checks (the
	 * scheduler, the queries), then the checks; the outbox's sends finish
	 * last. */
	wdprobe_free(s.probe);
	if (pair != NULL)
		wdpair_on_commit(pair, NULL, NULL);
	wdsched_free(sched);
	wdstate_free(s.ws);
	wdpair_close(pair);
	checkstate_close(cs);
	daemoncmd_free(s.dc);
	return rc;
}
