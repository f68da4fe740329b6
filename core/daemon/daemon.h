/* daemon.h: what both daemons do around their own work: signals (SIGTERM
 * and SIGINT stop, SIGHUP reloads), config reloads (also on POST /-/reload)
 * with the reload metrics Alertmanager exports, and systemd's Type=notify
 * protocol: READY=1 once the port answers, RELOADING=1 .. READY=1 around
 * every reload, STOPPING=1, and WATCHDOG=1 only while a loopback request
 * shows that the HTTP workers still serve. */
#ifndef TOCSIN_DAEMON_H
#define TOCSIN_DAEMON_H

#include <stdbool.h>

#include "err.h"
#include "httpd.h"
#include "metrics.h"

struct daemon;	/* opaque */

struct daemon_params {
	/* What the logs name as the configuration: the file, or the name of
	 * an embedded default. Borrowed. */
	const char	*config_name;
	/* --web.config.file, re-read on every reload; NULL: none. Borrowed. */
	const char	*web_file;
	/* Borrowed. Registers tocsin_build_info{version},
	 * tocsin_config_last_reload_successful and
	 * tocsin_config_last_reload_success_timestamp_seconds. */
	struct metrics	*metrics;
	/* Loads the configuration and makes it current, or returns -1 with
	 * the reason and keeps the running one. Called by daemon_reload, one
	 * call at a time, from the main thread or an HTTP worker. */
	int		(*load)(void *arg, struct terr *err);
	void		*load_arg;
};

/* Blocks SIGINT, SIGTERM and SIGHUP in the calling thread and ignores
 * SIGPIPE. Call it first in main(), before any thread exists: threads
 * inherit the mask, so these signals can only be taken by daemon_run's
 * wait, never by a thread whose default action would end the process. */
void	daemon_block_signals(void);

/* Caller frees with daemon_free. */
struct daemon *daemon_new(const struct daemon_params *p, struct terr *err);
void	daemon_free(struct daemon *d);

/* Loads (start-up) or reloads the configuration through p->load, with the
 * log lines and metrics Alertmanager has; a reload also re-reads the web
 * config (new users apply at once, TLS at the next start). */
int	daemon_reload(struct daemon *d, struct terr *err) WARN_UNUSED;

/* Registers GET /-/healthy (what the self-check asks) and POST /-/reload
 * (a reload told to systemd like SIGHUP) on h, and remembers h for the
 * self-check and the web config. tls: the listener speaks TLS. */
int	daemon_register(struct daemon *d, struct httpd *h, bool tls) WARN_UNUSED;

/* Runs once httpd_start has returned: READY=1 and "STATUS=Listening on
 * ADDR", then waits for signals until SIGTERM or SIGINT, then STOPPING=1.
 * With the systemd watchdog on (WatchdogSec), pings at half its interval
 * after each successful self-check. */
void	daemon_run(struct daemon *d);

#endif
