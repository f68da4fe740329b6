/* serve.c: `tocsin-relay [flags]`, the daemon: flags, config, wiring of the
 * HTTP server to the intake and the delivery runtime (runtime.c), signals
 * (stop, reload) and an orderly tear-down. */
#include <sys/socket.h>
#include <sys/stat.h>
#include <netdb.h>

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "duration.h"
#include "filesink.h"
#include "flags.h"
#include "httpd.h"
#include "intake.h"
#include "log.h"
#include "metrics.h"
#include "runtime.h"
#include "sdnotify.h"
#include "webconfig.h"

/* Generated from etc/default.yml by relay/CMakeLists.txt. */
extern const char tocsin_default_config[];
extern const size_t tocsin_default_config_len;

#define DEFAULT_MAX_BODY ((size_t)4 << 20)
#define EMBEDDED_NAME "<embedded etc/default.yml>"

struct serve {
	const char	*config_file;	/* NULL: the embedded default */
	const char	*web_file;	/* NULL: no TLS, no auth */
	struct httpd	*h;		/* NULL until the server exists */
	bool		 tls;		/* the listener speaks TLS */
	struct runtime	*rt;		/* store, dispatcher, loaded generation */
	struct intake	*intake;	/* the runtime's */
	struct metrics	*metrics;
	struct metric	*m_reload_ok;
	struct metric	*m_reload_ts;
	pthread_mutex_t	 reload_mu;	/* one reload at a time (SIGHUP, /-/reload) */
};

static struct config *
load_config(const struct serve *s, struct terr *err)
{
	if (s->config_file)
		return config_load_file(s->config_file, err);
	return config_load_buffer(EMBEDDED_NAME, ".", tocsin_default_config,
	    tocsin_default_config_len, err);
}

/* Re-reads the web config as exporter-toolkit does on every request: new
 * users and headers apply at once, TLS settings at the next start. A bad
 * file keeps the running one. */
static void
reload_web(struct serve *s)
{
	struct webconfig *wc;
	struct terr	 err;

	if (s->web_file == NULL || s->h == NULL)
		return;
	if ((wc = webconfig_load_file(s->web_file, &err)) == NULL) {
		log_error("Loading web config failed; keeping the running one", "file",
		    s->web_file, "err", err.msg);
		return;
	}
	if (webconfig_tls_enabled(wc))
		log_info("Web config reloaded; TLS settings apply at the next start",
		    "file", s->web_file);
	if (httpd_set_webconfig(s->h, wc) == -1) {
		log_error("Out of memory");
		webconfig_free(wc);
	}
}

/* Re-reads the config; on failure the running one stays. */
static int
reload(struct serve *s, struct terr *err)
{
	struct config	*cfg;
	int		 rc = -1;

	pthread_mutex_lock(&s->reload_mu);
	reload_web(s);
	log_info("Loading configuration file", "file",
	    s->config_file ? s->config_file : EMBEDDED_NAME);
	if ((cfg = load_config(s, err)) == NULL) {
		log_error("Loading configuration file failed", "file",
		    s->config_file ? s->config_file : EMBEDDED_NAME, "err", err->msg);
		(void)metric_set(s->m_reload_ok, NULL, 0);
		goto out;
	}
	if (runtime_load(s->rt, cfg, err) == -1) {
		log_error("Loading configuration file failed", "file",
		    s->config_file ? s->config_file : EMBEDDED_NAME, "err", err->msg);
		(void)metric_set(s->m_reload_ok, NULL, 0);
		goto out;
	}
	(void)metric_set(s->m_reload_ok, NULL, 1);
	(void)metric_set(s->m_reload_ts, NULL, (double)time(NULL));
	log_info("Completed loading of configuration file", "file",
	    s->config_file ? s->config_file : EMBEDDED_NAME);
	rc = 0;
 out:
	pthread_mutex_unlock(&s->reload_mu);
	return rc;
}

static void
handle_healthy(struct httpd_req *req, void *arg)
{
	httpd_reply_text(req, 200, "OK");
}

static void
handle_ready(struct httpd_req *req, void *arg)
{
	struct serve	*s = arg;

	if (intake_ready(s->intake))
		httpd_reply_text(req, 200, "OK");
	else
		httpd_reply_text(req, 503, "Service Unavailable");
}

static void
handle_reload(struct httpd_req *req, void *arg)
{
	struct terr	 err;

	if (reload(arg, &err) == -1)
		httpd_reply_text(req, 500, "failed to reload config: %s", err.msg);
	else
		httpd_reply_text(req, 200, "OK");
}

static void
handle_metrics(struct httpd_req *req, void *arg)
{
	struct serve	*s = arg;
	struct buf	 b;

	runtime_refresh_metrics(s->rt);
	buf_init(&b, 0);
	if (metrics_write(s->metrics, &b) == -1)
		httpd_reply_text(req, 500, "cannot write metrics");
	else
		httpd_reply(req, 200, METRICS_CONTENT_TYPE, buf_str(&b), b.len);
	buf_free(&b);
}

static int
parse_size(const char *flag, const char *s, unsigned long long max, unsigned long long *out,
    struct terr *err)
{
	unsigned long long v;
	char	*end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end != '\0' || s[0] == '-' || v == 0 || v > max)
		return terr_set(err, "--%s: want a byte count from 1 to %llu, got %s", flag, max, s);
	*out = v;
	return 0;
}

static void
usage(const struct flag *flags)
{
	flags_usage("tocsin-relay [<flags>]\n"
	    "       tocsin-relay check-config <file>...\n"
	    "       tocsin-relay config routes [test] [<flags>] [<label=value>...]\n"
	    "       tocsin-relay template render [<flags>]\n\n"
	    "Receives Alertmanager webhook notifications and relays them to receivers", flags);
}

static int
register_metrics(struct serve *s, struct terr *err)
{
	struct metric	*info;

	info = metrics_gauge(s->metrics, "tocsin_build_info",
	    "A metric with a constant '1' value labeled by version.",
	    (const char *const[]){ "version", NULL });
	s->m_reload_ok = metrics_gauge(s->metrics, "tocsin_config_last_reload_successful",
	    "Whether the last configuration reload attempt was successful.", NULL);
	s->m_reload_ts = metrics_gauge(s->metrics,
	    "tocsin_config_last_reload_success_timestamp_seconds",
	    "Timestamp of the last successful configuration reload.", NULL);
	if (info == NULL || s->m_reload_ok == NULL || s->m_reload_ts == NULL ||
	    metric_set(info, (const char *const[]){ TOCSIN_VERSION }, 1) == -1)
		return terr_set(err, "cannot register metrics");
	return 0;
}

static int
register_routes(struct httpd *h, struct serve *s)
{
	if (httpd_handle(h, "POST", "/webhook", false, "/webhook", intake_handle_webhook,
	    s->intake) == -1 ||
	    httpd_handle(h, "POST", "/webhook/", true, "/webhook/{receiver}",
	    intake_handle_receiver, s->intake) == -1 ||
	    httpd_handle(h, "GET", "/-/healthy", false, NULL, handle_healthy, s) == -1 ||
	    httpd_handle(h, "GET", "/-/ready", false, NULL, handle_ready, s) == -1 ||
	    httpd_handle(h, "POST", "/-/reload", false, NULL, handle_reload, s) == -1 ||
	    httpd_handle(h, "GET", "/metrics", false, NULL, handle_metrics, s) == -1)
		return -1;
	return 0;
}

/* Longest wait for the self-check's answer, in milliseconds. */
#define SELFCHECK_MAX_MS 5000

/*
 * Whether the HTTP worker pool still serves: a request to our own listener
 * over loopback must be answered within timeout_ms. This is what the
 * systemd watchdog has to vouch for: the main thread only waits for
 * signals, so a ping sent merely because it runs would hide a pool whose
 * threads are all stuck (a blocked write, a deadlock) while Alertmanager's
 * requests time out. Any HTTP answer counts (a 401 under basic auth too):
 * it proves a worker took the connection and ran. Under TLS a plaintext
 * request gets no HTTP answer, so the worker closing the connection (or a
 * TLS alert) counts instead. These requests show up in
 * tocsin_http_requests_total{handler="/-/healthy"}, like any probe.
 */
static bool
workers_alive(const struct serve *s, int timeout_ms)
{
	static const char req[] = "GET /-/healthy HTTP/1.0\r\n\r\n";
	struct addrinfo	 hints, *res = NULL;
	struct pollfd	 pfd;
	const char	*addr, *colon;
	char		 host[128], port[16], ans[16];
	size_t		 hl, got = 0;
	ssize_t		 n;
	bool		 alive = false;
	int		 fd = -1;

	addr = httpd_address(s->h);
	if ((colon = strrchr(addr, ':')) == NULL)
		return false;
	hl = (size_t)(colon - addr);
	if (hl >= 2 && addr[0] == '[') {
		addr++;
		hl -= 2;
	}
	if (hl >= sizeof(host) || strlen(colon + 1) >= sizeof(port))
		return false;
	memcpy(host, addr, hl);
	host[hl] = '\0';
	snprintf(port, sizeof(port), "%s", colon + 1);
	/* A wildcard listener is reached through loopback. */
	if (hl == 0 || strcmp(host, "0.0.0.0") == 0)
		snprintf(host, sizeof(host), "127.0.0.1");
	else if (strcmp(host, "::") == 0)
		snprintf(host, sizeof(host), "::1");
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	if (getaddrinfo(host, port, &hints, &res) != 0)
		return false;
	if ((fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, res->ai_addr, res->ai_addrlen) == -1 ||
	    send(fd, req, sizeof(req) - 1, MSG_NOSIGNAL) != (ssize_t)(sizeof(req) - 1))
		goto out;
	pfd.fd = fd;
	pfd.events = POLLIN;
	/* The answer may come in pieces; the first few bytes are enough. */
	while (got < 5) {
		if (poll(&pfd, 1, timeout_ms) != 1)
			goto out;
		if ((n = recv(fd, ans + got, sizeof(ans) - got, 0)) <= 0) {
			alive = s->tls && (n == 0 || errno == ECONNRESET);
			goto out;
		}
		got += (size_t)n;
	}
	alive = s->tls || memcmp(ans, "HTTP/", 5) == 0;
 out:
	if (fd != -1)
		close(fd);
	freeaddrinfo(res);
	return alive;
}

static uint64_t
now_usec(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* Pings systemd's watchdog when the workers answer; logs when they do not,
 * so the restart that follows has a reason in the journal. */
static void
watchdog_tick(const struct serve *s, int check_ms)
{
	struct terr	 err;

	if (!workers_alive(s, check_ms)) {
		log_error("HTTP workers did not answer the self-check; not pinging the watchdog");
		return;
	}
	if (sdnotify_watchdog(&err) == -1)
		log_warn("Cannot notify systemd", "err", err.msg);
}

/* SIGHUP under systemd: RELOADING=1, the reload, then READY=1 whether it
 * worked or not (a failed reload keeps the old configuration running). */
static void
reload_notified(struct serve *s)
{
	struct terr	 err, nerr;
	int		 rc;

	if (sdnotify_reloading(&nerr) == -1)
		log_warn("Cannot notify systemd", "err", nerr.msg);
	rc = reload(s, &err);
	if (sdnotify_ready(&nerr) == -1 ||
	    (rc == 0 ? sdnotify_status(&nerr, "Configuration reloaded") :
	    sdnotify_status(&nerr, "Reload failed, running the previous configuration: %s",
	    err.msg)) == -1)
		log_warn("Cannot notify systemd", "err", nerr.msg);
}

/* Signals are blocked in every thread and taken synchronously here, so no
 * handler runs at an arbitrary point and no flag needs polling. With the
 * systemd watchdog on, the wait wakes at half its interval to ping. */
static void
wait_for_stop(struct serve *s, const sigset_t *set)
{
	struct timespec	 ts;
	uint64_t	 wd, interval = 0, next = 0, now, left;
	int		 sig, check_ms = 0;

	if ((wd = sdnotify_watchdog_usec()) > 0) {
		interval = wd / 2;
		/* A slow check plus the interval stays below the deadline. */
		check_ms = (int)(wd / 4 / 1000 > SELFCHECK_MAX_MS ? SELFCHECK_MAX_MS :
		    wd / 4 / 1000);
		if (check_ms == 0)
			check_ms = 1;
		watchdog_tick(s, check_ms);
		next = now_usec() + interval;
	}
	for (;;) {
		if (interval == 0) {
			if (sigwait(set, &sig) != 0)
				continue;
		} else {
			now = now_usec();
			left = next > now ? next - now : 0;
			ts.tv_sec = (time_t)(left / 1000000);
			ts.tv_nsec = (long)(left % 1000000) * 1000;
			sig = left > 0 ? sigtimedwait(set, NULL, &ts) : -1;
			if (now_usec() >= next) {
				watchdog_tick(s, check_ms);
				next = now_usec() + interval;
			}
		}
		if (sig <= 0)
			continue;
		if (sig == SIGHUP) {
			reload_notified(s);
			continue;
		}
		log_info(sig == SIGINT ? "Received SIGINT, exiting gracefully..." :
		    "Received SIGTERM, exiting gracefully...");
		return;
	}
}

int
cmd_serve(int argc, char **argv)
{
	const char	*config_file = NULL, *listen = "127.0.0.1:9096", *storage = "data/";
	const char	*web_file = NULL, *level = "info", *format = "logfmt";
	const char	*max_body_s = NULL, *dedup_s = "5m", *max_store_s = NULL;
	const char	*backoff_s = "5m";
	bool		 help = false, version = false, tls = false;
	const struct flag flags[] = {
		{ "config.file", FLAG_STRING, &config_file,
		  "tocsin configuration file name (default: the embedded etc/default.yml).", "FILE" },
		{ "web.listen-address", FLAG_STRING, &listen,
		  "Address to listen on for the webhook, metrics and health endpoints.", "127.0.0.1:9096" },
		{ "web.config.file", FLAG_STRING, &web_file,
		  "Path to a web configuration file enabling TLS or basic authentication.", "FILE" },
		{ "web.max-body-bytes", FLAG_STRING, &max_body_s,
		  "Largest accepted request body (default 4194304).", "BYTES" },
		{ "storage.path", FLAG_STRING, &storage, "Base path for data storage.", "data/" },
		{ "storage.max-bytes", FLAG_STRING, &max_store_s,
		  "Largest size of the delivery queue's database; beyond it intake answers 503 (default: no limit).",
		  "BYTES" },
		{ "dedup.window", FLAG_STRING, &dedup_s,
		  "A notification identical to one accepted within this duration is not sent again.", "5m" },
		{ "delivery.backoff-max", FLAG_STRING, &backoff_s,
		  "Longest wait between two attempts at a failing destination.", "5m" },
		{ "log.level", FLAG_STRING, &level,
		  "Only log messages with the given severity or above. One of: [debug, info, warn, error]",
		  "info" },
		{ "log.format", FLAG_STRING, &format,
		  "Output format of log messages. One of: [logfmt, json]", "logfmt" },
		{ "help", FLAG_BOOL, &help, "Show help.", NULL },
		{ "version", FLAG_BOOL, &version, "Show application version.", NULL },
		{ NULL, 0, NULL, NULL, NULL },
	};
	struct serve	 s;
	struct flag_list pos = { NULL, 0 };
	struct httpd_params hp;
	struct httpd	*h = NULL;
	struct webconfig *web = NULL;
	struct filesink	*files = NULL;
	struct terr	 err;
	enum log_level	 ll;
	enum log_format	 lf;
	unsigned long long max_body = DEFAULT_MAX_BODY, max_store = 0;
	struct runtime_params rp;
	int64_t		 dedup_ms = 0, backoff_ms = 0;
	sigset_t	 set;
	int		 rc = 1;

	memset(&s, 0, sizeof(s));
	pthread_mutex_init(&s.reload_mu, NULL);
	if (flags_parse(flags, argc, argv, &pos, &err) == -1) {
		fprintf(stderr, "tocsin-relay: error: %s, try --help\n", err.msg);
		goto out;
	}
	if (help) {
		usage(flags);
		rc = 0;
		goto out;
	}
	if (version) {
		printf("tocsin-relay, version %s\n", TOCSIN_VERSION);
		rc = 0;
		goto out;
	}
	if (pos.n > 0) {
		fprintf(stderr, "tocsin-relay: error: unexpected %s, try --help\n", pos.v[0]);
		goto out;
	}
	if (log_parse_level(level, &ll) == -1 || log_parse_format(format, &lf) == -1) {
		fprintf(stderr, "tocsin-relay: error: invalid --log.level or --log.format\n");
		goto out;
	}
	if ((max_body_s && parse_size("web.max-body-bytes", max_body_s, 1ULL << 30, &max_body,
	    &err) == -1) || (max_store_s && parse_size("storage.max-bytes", max_store_s,
	    INT64_MAX, &max_store, &err) == -1)) {
		fprintf(stderr, "tocsin-relay: error: %s\n", err.msg);
		goto out;
	}
	if (duration_parse(dedup_s, &dedup_ms, &err) == -1) {
		fprintf(stderr, "tocsin-relay: error: --dedup.window: %s\n", err.msg);
		goto out;
	}
	if (duration_parse(backoff_s, &backoff_ms, &err) == -1 || backoff_ms == 0) {
		fprintf(stderr, "tocsin-relay: error: --delivery.backoff-max: %s\n",
		    backoff_ms == 0 ? "must not be zero" : err.msg);
		goto out;
	}
	log_setup(ll, lf);
	log_info("Starting tocsin-relay", "version", TOCSIN_VERSION);
	s.config_file = config_file;
	if (config_file == NULL)
		log_info("No --config.file given; using the embedded default configuration",
		    "source", EMBEDDED_NAME);

	if (web_file && (web = webconfig_load_file(web_file, &err)) == NULL) {
		log_error("Invalid web config", "err", err.msg);
		goto out;
	}
	if ((s.metrics = metrics_new(0)) == NULL || (files = filesink_new()) == NULL) {
		log_error("Out of memory");
		goto out;
	}
	memset(&rp, 0, sizeof(rp));
	rp.storage_path = storage;
	rp.dedup_window_ms = dedup_ms;
	rp.max_bytes = (int64_t)max_store;
	rp.backoff_max_ms = backoff_ms;
	rp.metrics = s.metrics;
	rp.files = files;
	if (register_metrics(&s, &err) == -1) {
		log_error("Cannot set up", "err", err.msg);
		goto out;
	}
	if ((s.rt = runtime_open(&rp, &err)) == NULL) {
		log_error("Cannot open the storage", "path", storage, "err", err.msg);
		goto out;
	}
	s.intake = runtime_intake(s.rt);
	if (reload(&s, &err) == -1)
		goto out;

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
	if (register_routes(h, &s) == -1) {
		log_error("Out of memory");
		goto out;
	}

	/* Block before the server starts its threads: they inherit the mask. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	s.web_file = web_file;
	s.tls = tls;
	s.h = h;
	if (httpd_start(h, &err) == -1) {
		log_error("Cannot start the HTTP server", "err", err.msg);
		goto out;
	}
	log_info("Listening", "address", httpd_address(h),
	    "tls", tls ? "true" : "false",
	    "config", config_file ? config_file : EMBEDDED_NAME);
	/* httpd_start has bound and its workers are running: the port answers. */
	if (sdnotify_ready(&err) == -1 ||
	    sdnotify_status(&err, "Listening on %s", httpd_address(h)) == -1)
		log_warn("Cannot notify systemd", "err", err.msg);
	wait_for_stop(&s, &set);
	if (sdnotify_stopping(&err) == -1)
		log_warn("Cannot notify systemd", "err", err.msg);
	rc = 0;
 out:
	/* The server first: it waits for running handlers, which use the rest;
	 * then the dispatcher finishes its sends, then the store closes. */
	s.h = NULL;
	httpd_free(h);
	runtime_free(s.rt);
	filesink_free(files);
	metrics_free(s.metrics);
	webconfig_free(web);
	pthread_mutex_destroy(&s.reload_mu);
	free(pos.v);
	return rc;
}
