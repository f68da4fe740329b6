/* wdserve.c: `tocsin-watchdog [flags]`, the daemon: flags, and the wiring
 * of the outbox (queue and senders), the persisted check states, the live
 * checks, the scheduler, the freshness queries and the HTTP API; signals,
 * reloads and systemd are core/daemon.c's. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkstate.h"
#include "daemon.h"
#include "duration.h"
#include "flags.h"
#include "httpclient.h"
#include "httpd.h"
#include "log.h"
#include "metrics.h"
#include "outbox.h"
#include "wdapi.h"
#include "wdcli.h"
#include "wdconfig.h"
#include "wdprobe.h"
#include "wdsched.h"
#include "wdstate.h"
#include "webconfig.h"

/* Cron jobs POST their output; the first CHECK_MSG_MAX bytes are kept, and
 * anything up to this is accepted and cut rather than refused, so a verbose
 * job's success still counts. */
#define DEFAULT_MAX_BODY ((size_t)1 << 20)

struct wdserve {
	const char	*config_file;
	struct outbox	*ob;
	struct wdstate	*ws;
	struct wdprobe	*probe;		/* NULL until started */
	struct metrics	*metrics;
};

/* daemon_params.load: reads the config and makes it current. */
static int
load(void *arg, struct terr *err)
{
	struct wdserve	*s = arg;
	struct wdconfig	*wc;

	if ((wc = wdconfig_load_file(s->config_file, err)) == NULL ||
	    wdstate_load(s->ws, wc, err) == -1)
		return -1;
	wdprobe_reload(s->probe);
	return 0;
}

static void
handle_ready(struct httpd_req *req, void *arg)
{
	struct wdserve	*s = arg;

	if (outbox_ready(s->ob))
		httpd_reply_text(req, 200, "OK");
	else
		httpd_reply_text(req, 503, "Service Unavailable");
}

static void
handle_metrics(struct httpd_req *req, void *arg)
{
	struct wdserve	*s = arg;
	struct buf	 b;

	outbox_refresh_metrics(s->ob);
	buf_init(&b, 0);
	if (metrics_write(s->metrics, &b) == -1 || wdstate_write_metrics(s->ws, &b) == -1)
		httpd_reply_text(req, 500, "cannot write metrics");
	else
		httpd_reply(req, 200, METRICS_CONTENT_TYPE, buf_str(&b), b.len);
	buf_free(&b);
}

static int
parse_size(const char *flag, const char *v, unsigned long long max,
    unsigned long long *out, struct terr *err)
{
	unsigned long long n;
	char	*end;

	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno || end == v || *end != '\0' || v[0] == '-' || n == 0 || n > max)
		return terr_set(err, "--%s: want a byte count from 1 to %llu, got %s", flag,
		    max, v);
	*out = n;
	return 0;
}

/* --help, or with man its section of --help-man's page. */
static void
usage(const struct flag *flags, bool man)
{
	static const char text[] = "tocsin-watchdog --config.file=<file> [<flags>]\n"
	    "       tocsin-watchdog check-config <file>...\n\n"
	    "A dead-man's switch for the monitoring itself: notifies when heartbeats, "
	    "pings or fresh metrics stop, and again when they return";

	if (man)
		flags_man_command(stdout, text, flags);
	else
		flags_usage(text, flags);
}

static int
register_routes(struct httpd *h, struct wdserve *s)
{
	if (wdapi_register(h, s->ws) == -1 ||
	    httpd_handle(h, "GET", "/-/ready", false, NULL, handle_ready, s) == -1 ||
	    httpd_handle(h, "GET", "/metrics", false, NULL, handle_metrics, s) == -1)
		return -1;
	return 0;
}

int
wd_cmd_serve(int argc, char **argv)
{
	const char	*config_file = NULL, *listen = "127.0.0.1:9097", *storage = "data/";
	const char	*web_file = NULL, *level = "info", *format = "logfmt";
	const char	*max_body_s = NULL;
	bool		 help = false, help_man = false, version = false, tls;
	const struct flag flags[] = {
		{ "config.file", FLAG_STRING, &config_file,
		  "tocsin-watchdog configuration file name (required).", "FILE" },
		{ "web.listen-address", FLAG_STRING, &listen,
		  "Address to listen on for pings, heartbeats, the API, metrics and health endpoints.",
		  "127.0.0.1:9097" },
		{ "web.config.file", FLAG_STRING, &web_file,
		  "Path to a web configuration file enabling TLS or basic authentication.", "FILE" },
		{ "web.max-body-bytes", FLAG_STRING, &max_body_s,
		  "Largest accepted request body (default 1048576); a ping keeps its first 10240 bytes.",
		  "BYTES" },
		{ "storage.path", FLAG_STRING, &storage,
		  "Base path for data storage: check states and the delivery queue.", "data/" },
		{ "log.level", FLAG_STRING, &level,
		  "Only log messages with the given severity or above. One of: [debug, info, warn, error]",
		  "info" },
		{ "log.format", FLAG_STRING, &format,
		  "Output format of log messages. One of: [logfmt, json]", "logfmt" },
		{ "help", FLAG_BOOL, &help, "Show help.", NULL },
		{ "help-man", FLAG_BOOL, &help_man, NULL, NULL },
		{ "version", FLAG_BOOL, &version, "Show application version.", NULL },
		{ NULL, 0, NULL, NULL, NULL },
	};
	struct wdserve	 s;
	struct flag_list pos = { NULL, 0 };
	struct outbox_params op;
	struct wdstate_params sp;
	struct daemon_params dp;
	struct httpd_params hp;
	struct daemon	*d = NULL;
	struct wdsched	*sched = NULL;
	struct checkstate *cs = NULL;
	struct httpd	*h = NULL;
	struct webconfig *web = NULL;
	struct terr	 err;
	enum log_level	 ll;
	enum log_format	 lf;
	unsigned long long max_body = DEFAULT_MAX_BODY;
	int		 rc = 1;

	memset(&s, 0, sizeof(s));
	if (flags_parse(flags, argc, argv, &pos, &err) == -1) {
		fprintf(stderr, "tocsin-watchdog: error: %s, try --help\n", err.msg);
		goto out;
	}
	if (help || help_man) {
		usage(flags, help_man);
		rc = 0;
		goto out;
	}
	if (version) {
		printf("tocsin-watchdog, version %s\n", TOCSIN_VERSION);
		rc = 0;
		goto out;
	}
	if (pos.n > 0) {
		fprintf(stderr, "tocsin-watchdog: error: unexpected %s, try --help\n", pos.v[0]);
		goto out;
	}
	/* No default config: without checks and a receiver to tell, a
	 * watchdog would watch nothing and tell no one. */
	if (config_file == NULL) {
		fprintf(stderr, "tocsin-watchdog: error: required flag --config.file not "
		    "provided, try --help\n");
		goto out;
	}
	if (log_parse_level(level, &ll) == -1 || log_parse_format(format, &lf) == -1) {
		fprintf(stderr, "tocsin-watchdog: error: invalid --log.level or --log.format\n");
		goto out;
	}
	if (max_body_s && parse_size("web.max-body-bytes", max_body_s, 1ULL << 30, &max_body,
	    &err) == -1) {
		fprintf(stderr, "tocsin-watchdog: error: %s\n", err.msg);
		goto out;
	}
	log_setup(ll, lf);
	daemon_block_signals();
	log_info("Starting tocsin-watchdog", "version", TOCSIN_VERSION);
	s.config_file = config_file;
	/* Before any thread: libcurl's global set-up is not thread-safe, and
	 * the senders and the freshness queries would otherwise race to run
	 * it on their first requests. */
	if (http_global_init(&err) == -1) {
		log_error("Cannot set up", "err", err.msg);
		goto out;
	}
	if (web_file && (web = webconfig_load_file(web_file, &err)) == NULL) {
		log_error("Invalid web config", "err", err.msg);
		goto out;
	}
	if ((s.metrics = metrics_new(0)) == NULL || (sched = wdsched_new(&err)) == NULL) {
		log_error("Out of memory");
		goto out;
	}
	memset(&dp, 0, sizeof(dp));
	dp.config_name = config_file;
	dp.web_file = web_file;
	dp.metrics = s.metrics;
	dp.load = load;
	dp.load_arg = &s;
	if ((d = daemon_new(&dp, &err)) == NULL) {
		log_error("Cannot set up", "err", err.msg);
		goto out;
	}
	memset(&op, 0, sizeof(op));
	op.storage_path = storage;
	op.metrics = s.metrics;
	if ((s.ob = outbox_open(&op, &err)) == NULL ||
	    (cs = checkstate_open(storage, &err)) == NULL) {
		log_error("Cannot open the storage", "path", storage, "err", err.msg);
		goto out;
	}
	memset(&sp, 0, sizeof(sp));
	sp.ob = s.ob;
	sp.cs = cs;
	sp.metrics = s.metrics;
	sp.on_change = wdsched_wake;
	sp.on_change_arg = sched;
	if ((s.ws = wdstate_new(&sp, &err)) == NULL) {
		log_error("Cannot set up", "err", err.msg);
		goto out;
	}
	if (daemon_reload(d, &err) == -1)
		goto out;
	if (wdsched_start(sched, s.ws, &err) == -1 ||
	    (s.probe = wdprobe_start(s.ws, &err)) == NULL) {
		log_error("Cannot set up", "err", err.msg);
		goto out;
	}

	memset(&hp, 0, sizeof(hp));
	hp.listen = listen;
	hp.max_body = (size_t)max_body;
	hp.web = web;
	tls = webconfig_tls_enabled(web);
	hp.metrics = s.metrics;
	h = httpd_new(&hp, &err);
	web = NULL;	/* the server owns it now */
	if (h == NULL) {
		log_error("Cannot set up the HTTP server", "err", err.msg);
		goto out;
	}
	if (register_routes(h, &s) == -1 || daemon_register(d, h, tls) == -1) {
		log_error("Out of memory");
		goto out;
	}
	if (httpd_start(h, &err) == -1) {
		log_error("Cannot start the HTTP server", "err", err.msg);
		goto out;
	}
	log_info("Listening", "address", httpd_address(h), "tls", tls ? "true" : "false",
	    "config", config_file);
	daemon_run(d);
	rc = 0;
 out:
	/* Everything that signals checks first (requests, the scheduler, the
	 * queries), then the checks, then the queue's sends finish and it
	 * closes. */
	httpd_free(h);
	wdprobe_free(s.probe);
	wdsched_free(sched);
	daemon_free(d);
	wdstate_free(s.ws);
	outbox_free(s.ob);
	checkstate_close(cs);
	metrics_free(s.metrics);
	webconfig_free(web);
	free(pos.v);
	return rc;
}
