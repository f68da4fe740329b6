/* daemoncmd.h: what `tocsin-relay [flags]` and `tocsin-watchdog [flags]`
 * share around their own wiring: the common flags (--config.file,
 * --template.alertmanager-version, --web.*,
 * --storage.path, the delivery policy of delivery/policy.h, --log.*, --help,
 * --help-man, --version), checked with errors naming the flag; the set-up
 * (logging, signals, libcurl, the web config, the metrics registry,
 * core/daemon, the outbox under --storage.path); and the HTTP server with
 * the web config, /-/healthy, /-/ready, /-/reload and /metrics, next to the
 * program's own routes. */
#ifndef TOCSIN_DAEMONCMD_H
#define TOCSIN_DAEMONCMD_H

#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "flags.h"
#include "httpd.h"
#include "metrics.h"
#include "outbox.h"
#include "tmpl.h"

struct daemoncmd;	/* opaque */

/* A program's own flag, which --help lists after the common flag named
 * after (so that related flags stay together). */
struct daemoncmd_flag {
	const char	*after;
	struct flag	 flag;
};

/* What differs between the daemons. Borrowed for the daemoncmd's life. */
struct daemoncmd_spec {
	const char	*name;		/* "tocsin-relay": --version, errors, logs */
	const char	*usage;		/* --help's synopsis and description */
	const char	*config_help;	/* --config.file's help */
	/* What logs name as the configuration without --config.file (an
	 * embedded default); NULL: --config.file is required. */
	const char	*config_default;
	const char	*listen;	/* --web.listen-address's default */
	const char	*listen_help;
	size_t		 max_body;	/* --web.max-body-bytes's default */
	const char	*max_body_help;
	const char	*storage_help;	/* --storage.path's help */
	const char	*url_help;	/* --storage.url's; NULL: the relay's */
	const char	*lease_help;	/* --storage.lease's; NULL: the relay's */
	/* The program's own flags, ended by one with a NULL flag.name; NULL:
	 * none. */
	const struct daemoncmd_flag *own;
	/* Checks the program's own flags once the common web flags are fine,
	 * and sets what they say in the outbox's params; -1 with an error
	 * naming the flag. NULL: nothing to check. */
	int	(*check)(void *arg, struct outbox_params *op, struct terr *err);
	/* daemon_params.load: loads the configuration and makes it current. */
	int	(*load)(void *arg, struct terr *err);
	/* Registers the program's own routes. */
	int	(*routes)(void *arg, struct httpd *h);
	/* Appends the program's own metrics to /metrics' page; NULL: none. */
	int	(*metrics)(void *arg, struct buf *b);
	void	*arg;
};

/*
 * Parses and checks argv (argv[0] is the program), then sets up logging and
 * signals, libcurl, the web config, the metrics, core/daemon and the outbox
 * (not loaded yet). Returns the daemoncmd to wire the program to (caller
 * frees with daemoncmd_free), or NULL with *status set to the process's
 * exit status: 0 once --help, --help-man (the daemon's section of the
 * manual page) or --version printed; 1 after a flag error on stderr
 * ("<name>: error: --<flag>: <why>") or a set-up error in the log.
 */
struct daemoncmd *daemoncmd_new(const struct daemoncmd_spec *spec, int argc,
	    char **argv, int *status);
/* The first load (daemon_reload); the daemon logs a failure. */
int	daemoncmd_load(struct daemoncmd *dc) WARN_UNUSED;
/* Starts the HTTP server, runs until SIGTERM or SIGINT (daemon_run), then
 * stops the server, waiting for its requests. Logs what failed. */
int	daemoncmd_serve(struct daemoncmd *dc) WARN_UNUSED;

/* Owned by dc. */
struct outbox *daemoncmd_outbox(struct daemoncmd *dc);
struct metrics *daemoncmd_metrics(struct daemoncmd *dc);
/* --config.file; NULL: the default (spec.config_default). */
const char *daemoncmd_config_file(const struct daemoncmd *dc);
/* --storage.path. */
const char *daemoncmd_storage(const struct daemoncmd *dc);
/* --storage.url (or what --storage.url-file holds), NULL when the queue is
 * in SQLite; owned by dc. */
const char *daemoncmd_storage_url(const struct daemoncmd *dc);
/* --storage.lease in ms, or the store's default when not given. */
int64_t	daemoncmd_storage_lease_ms(const struct daemoncmd *dc);
/* --template.alertmanager-version: the release whose template semantics
 * the program's templates follow. */
enum tmpl_am_version daemoncmd_tmpl_am_version(const struct daemoncmd *dc);

/* A byte count from 1 to max for --<flag>, as the byte flags take it. */
int	daemoncmd_parse_bytes(const char *flag, const char *s, unsigned long long max,
	    unsigned long long *out, struct terr *err) WARN_UNUSED;

/* Stops the HTTP server if it still runs, then frees the daemon, the
 * outbox (its sends in flight finish), the metrics and the rest: whatever
 * the program wired to them must be freed first. NULL is fine. */
void	daemoncmd_free(struct daemoncmd *dc);

#endif
