/* daemon.c: signals, reloads and systemd notifications around a daemon's
 * HTTP server (see daemon.h). */
#include <sys/socket.h>
#include <netdb.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"
#include "sdnotify.h"
#include "webconfig.h"

/* Longest wait for the self-check's answer, in milliseconds. */
#define SELFCHECK_MAX_MS 5000

struct daemon {
	struct daemon_params	 p;
	struct httpd		*h;		/* NULL until daemon_register */
	bool			 tls;		/* the listener speaks TLS */
	struct metric		*m_reload_ok;
	struct metric		*m_reload_ts;
	pthread_mutex_t		 reload_mu;	/* one reload at a time (SIGHUP, /-/reload) */
};

static void
signal_set(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
}

void
daemon_block_signals(void)
{
	sigset_t	 set;

	signal_set(&set);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
}

struct daemon *
daemon_new(const struct daemon_params *p, struct terr *err)
{
	struct daemon	*d;
	struct metric	*info;

	if ((d = calloc(1, sizeof(*d))) == NULL) {
		terr_set(err, "out of memory");
		return NULL;
	}
	d->p = *p;
	pthread_mutex_init(&d->reload_mu, NULL);
	info = metrics_gauge(p->metrics, "tocsin_build_info",
	    "A metric with a constant '1' value labeled by version.",
	    (const char *const[]){ "version", NULL });
	d->m_reload_ok = metrics_gauge(p->metrics, "tocsin_config_last_reload_successful",
	    "Whether the last configuration reload attempt was successful.", NULL);
	d->m_reload_ts = metrics_gauge(p->metrics,
	    "tocsin_config_last_reload_success_timestamp_seconds",
	    "Timestamp of the last successful configuration reload.", NULL);
	if (info == NULL || d->m_reload_ok == NULL || d->m_reload_ts == NULL ||
	    metric_set(info, (const char *const[]){ TOCSIN_VERSION }, 1) == -1) {
		terr_set(err, "cannot register metrics");
		daemon_free(d);
		return NULL;
	}
	return d;
}

void
daemon_free(struct daemon *d)
{
	if (d == NULL)
		return;
	pthread_mutex_destroy(&d->reload_mu);
	free(d);
}

/* Reads the web config again for a reload; NULL with err when it does not
 * load (unparsable, a hash that is not bcrypt, a missing file or TLS file),
 * which fails the reload: the old one stays. *none is set when the daemon
 * has no web config to read. */
static struct webconfig *
read_web(struct daemon *d, bool *none, struct terr *err)
{
	struct webconfig *wc;
	struct terr	 e;

	*none = d->p.web_file == NULL || d->h == NULL;
	if (*none)
		return NULL;
	log_info("Loading web config file", "file", d->p.web_file);
	if ((wc = webconfig_load_file(d->p.web_file, &e)) == NULL)
		terr_set(err, "web config: %s", e.msg);
	return wc;
}

int
daemon_reload(struct daemon *d, struct terr *err)
{
	struct webconfig *wc;
	bool		 none;
	int		 rc = -1;

	pthread_mutex_lock(&d->reload_mu);
	/* Both files load before either applies, so that a reload either
	 * takes both or keeps both. */
	if ((wc = read_web(d, &none, err)) == NULL && !none) {
		log_error("Loading web config file failed", "file", d->p.web_file,
		    "err", err->msg);
		(void)metric_set(d->m_reload_ok, NULL, 0);
		goto out;
	}
	log_info("Loading configuration file", "file", d->p.config_name);
	if (d->p.load(d->p.load_arg, err) == -1) {
		log_error("Loading configuration file failed", "file", d->p.config_name,
		    "err", err->msg);
		(void)metric_set(d->m_reload_ok, NULL, 0);
		webconfig_free(wc);
		goto out;
	}
	/* Users and headers apply to the next request, the certificate to
	 * the next handshake (httpd.h). */
	if (wc != NULL && httpd_set_webconfig(d->h, wc, err) == -1) {
		/* Only memory, or a certificate GnuTLS took for the check
		 * but cannot serve: rare enough not to hold the config back,
		 * and still a failed reload to see. */
		log_error("Applying web config file failed; the configuration "
		    "file is loaded", "file", d->p.web_file, "err", err->msg);
		webconfig_free(wc);
		(void)metric_set(d->m_reload_ok, NULL, 0);
		goto out;
	}
	(void)metric_set(d->m_reload_ok, NULL, 1);
	(void)metric_set(d->m_reload_ts, NULL, (double)time(NULL));
	log_info("Completed loading of configuration file", "file", d->p.config_name);
	rc = 0;
 out:
	pthread_mutex_unlock(&d->reload_mu);
	return rc;
}

/* A reload under systemd: RELOADING=1, the reload, then READY=1 whether it
 * worked or not (a failed reload keeps the old configuration running), and
 * a STATUS line saying which. SIGHUP and POST /-/reload both come here, so
 * systemd sees every reload the same way. */
static int
reload_notified(struct daemon *d, struct terr *err)
{
	struct terr	 nerr;
	int		 rc;

	if (sdnotify_reloading(&nerr) == -1)
		log_warn("Cannot notify systemd", "err", nerr.msg);
	rc = daemon_reload(d, err);
	if (sdnotify_ready(&nerr) == -1 ||
	    (rc == 0 ? sdnotify_status(&nerr, "Configuration reloaded") :
	    sdnotify_status(&nerr, "Reload failed, running the previous configuration: %s",
	    err->msg)) == -1)
		log_warn("Cannot notify systemd", "err", nerr.msg);
	return rc;
}

static void
handle_healthy(struct httpd_req *req, void *arg)
{
	httpd_reply_text(req, 200, "OK");
}

static void
handle_reload(struct httpd_req *req, void *arg)
{
	struct terr	 err;

	if (reload_notified(arg, &err) == -1)
		httpd_reply_text(req, 500, "failed to reload config: %s", err.msg);
	else
		httpd_reply_text(req, 200, "OK");
}

int
daemon_register(struct daemon *d, struct httpd *h, bool tls)
{
	d->h = h;
	d->tls = tls;
	if (httpd_handle(h, "GET", "/-/healthy", false, NULL, handle_healthy, d) == -1 ||
	    httpd_handle(h, "POST", "/-/reload", false, NULL, handle_reload, d) == -1)
		return -1;
	return 0;
}

/*
 * Whether the HTTP worker pool still serves: a request to our own listener
 * over loopback must be answered within timeout_ms. This is what the
 * systemd watchdog has to vouch for: the main thread only waits for
 * signals, so a ping sent merely because it runs would hide a pool whose
 * threads are all stuck (a blocked write, a deadlock) while clients'
 * requests time out. Any HTTP answer counts (a 401 under basic auth too):
 * it proves a worker took the connection and ran. Under TLS a plaintext
 * request gets no HTTP answer, so the worker closing the connection (or a
 * TLS alert) counts instead. These requests show up in
 * tocsin_http_requests_total{handler="/-/healthy"}, like any probe.
 */
static bool
workers_alive(const struct daemon *d, int timeout_ms)
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

	addr = httpd_address(d->h);
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
			alive = d->tls && (n == 0 || errno == ECONNRESET);
			goto out;
		}
		got += (size_t)n;
	}
	alive = d->tls || memcmp(ans, "HTTP/", 5) == 0;
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
watchdog_tick(const struct daemon *d, int check_ms)
{
	struct terr	 err;

	if (!workers_alive(d, check_ms)) {
		log_error("HTTP workers did not answer the self-check; not pinging the watchdog");
		return;
	}
	if (sdnotify_watchdog(&err) == -1)
		log_warn("Cannot notify systemd", "err", err.msg);
}

/* Signals are blocked in every thread (daemon_block_signals) and taken
 * synchronously here, so no handler runs at an arbitrary point and no flag
 * needs polling. With the systemd watchdog on, the wait wakes at half its
 * interval to ping. */
static void
wait_for_stop(struct daemon *d)
{
	struct timespec	 ts;
	struct terr	 err;
	sigset_t	 set;
	uint64_t	 wd, interval = 0, next = 0, now, left;
	int		 sig, check_ms = 0;

	signal_set(&set);
	if ((wd = sdnotify_watchdog_usec()) > 0) {
		interval = wd / 2;
		/* A slow check plus the interval stays below the deadline. */
		check_ms = (int)(wd / 4 / 1000 > SELFCHECK_MAX_MS ? SELFCHECK_MAX_MS :
		    wd / 4 / 1000);
		if (check_ms == 0)
			check_ms = 1;
		watchdog_tick(d, check_ms);
		next = now_usec() + interval;
	}
	for (;;) {
		if (interval == 0) {
			if (sigwait(&set, &sig) != 0)
				continue;
		} else {
			now = now_usec();
			left = next > now ? next - now : 0;
			ts.tv_sec = (time_t)(left / 1000000);
			ts.tv_nsec = (long)(left % 1000000) * 1000;
			sig = left > 0 ? sigtimedwait(&set, NULL, &ts) : -1;
			if (now_usec() >= next) {
				watchdog_tick(d, check_ms);
				next = now_usec() + interval;
			}
		}
		if (sig <= 0)
			continue;
		if (sig == SIGHUP) {
			(void)reload_notified(d, &err);
			continue;
		}
		log_info(sig == SIGINT ? "Received SIGINT, exiting gracefully..." :
		    "Received SIGTERM, exiting gracefully...");
		return;
	}
}

void
daemon_run(struct daemon *d)
{
	struct terr	 err;

	/* httpd_start has bound and its workers are running: the port answers. */
	if (sdnotify_ready(&err) == -1 ||
	    sdnotify_status(&err, "Listening on %s", httpd_address(d->h)) == -1)
		log_warn("Cannot notify systemd", "err", err.msg);
	wait_for_stop(d);
	if (sdnotify_stopping(&err) == -1)
		log_warn("Cannot notify systemd", "err", err.msg);
}
