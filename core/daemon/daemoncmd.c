/* daemoncmd.c: the daemons' common flags, set-up and HTTP server (see
 * daemoncmd.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "duration.h"
#include "daemoncmd.h"
#include "httpclient.h"
#include "log.h"
#include "policy.h"
#include "secretfile.h"
#include "store.h"
#include "webconfig.h"

struct daemoncmd {
	const struct daemoncmd_spec *spec;
	struct flag	*flags;		/* the common flags and the program's */
	/* The flags' values as typed (pointing into argv or at defaults). */
	const char	*config_file, *listen, *web_file, *max_body_s, *storage;
	const char	*storage_url_s, *storage_url_file, *lease_s;
	const char	*max_conns_s, *max_conns_ip_s, *header_to_s, *read_to_s, *budget_s;
	const char	*level, *format, *tmpl_am_s;
	bool		 help, help_man, version, allow_empty;
	/* --storage.url, or what --storage.url-file holds; wiped and freed
	 * with dc. */
	char		*storage_url;
	struct policy_flags pol;
	/* What they say. */
	unsigned long long max_body;
	struct httpd_params limits_http;	/* the connection limits only */
	enum log_level	 ll;
	enum log_format	 lf;
	enum tmpl_am_version tmpl_am;
	struct sender_limits limits;	/* op.limits points here */
	struct outbox_params op;
	/* Set up by daemoncmd_new and daemoncmd_serve. */
	struct webconfig *web;		/* until the HTTP server takes it */
	struct metrics	*metrics;
	struct daemon	*d;
	struct outbox	*ob;
	struct httpd	*h;
};

/* The common flags in --help's order, with the program's own after the
 * flag each names; the table ends with a NULL name. */
static int
build_flags(struct daemoncmd *dc)
{
	const struct daemoncmd_spec *s = dc->spec;
	const struct flag common[] = {
		{ "config.file", FLAG_STRING, &dc->config_file, s->config_help, "FILE" },
		{ TMPL_AM_VERSION_FLAG, FLAG_STRING, &dc->tmpl_am_s,
		  TMPL_AM_VERSION_HELP, "0.34" },
		{ "web.listen-address", FLAG_STRING, &dc->listen, s->listen_help, s->listen },
		{ "web.config.file", FLAG_STRING, &dc->web_file,
		  "Path to a web configuration file enabling TLS or basic authentication.", "FILE" },
		{ "web.max-body-bytes", FLAG_STRING, &dc->max_body_s, s->max_body_help, "BYTES" },
		{ "web.max-buffered-body-bytes", FLAG_STRING, &dc->budget_s,
		  "Request bodies buffered at once, all connections together; a body that does "
		  "not fit gets 503 before it is read (default 67108864).", "BYTES" },
		{ "web.max-connections", FLAG_STRING, &dc->max_conns_s,
		  "Maximum number of simultaneous connections.", "512" },
		{ "web.max-connections-per-ip", FLAG_STRING, &dc->max_conns_ip_s,
		  "Maximum number of simultaneous connections from one address.", "128" },
		{ "web.read-header-timeout", FLAG_STRING, &dc->header_to_s,
		  "Time a connection has to send a request's headers, from its start or its "
		  "previous answer, however it trickles.", "10s" },
		{ "web.read-timeout", FLAG_STRING, &dc->read_to_s,
		  "Time a connection has to send a whole request, headers and body.", "1m" },
		{ "storage.path", FLAG_STRING, &dc->storage, s->storage_help, "data/" },
		{ "storage.url", FLAG_STRING, &dc->storage_url_s, s->url_help != NULL ?
		  s->url_help :
		  "PostgreSQL database for the delivery queue instead of SQLite under "
		  "--storage.path, shared by several daemons (a libpq URL, "
		  "postgresql://USER@HOST:PORT/DBNAME); keep a password in --storage.url-file.",
		  "URL" },
		{ "storage.url-file", FLAG_STRING, &dc->storage_url_file,
		  "File holding the --storage.url (with its password).", "FILE" },
		{ "storage.lease", FLAG_STRING, &dc->lease_s, s->lease_help != NULL ?
		  s->lease_help :
		  "With --storage.url: how long a destination stays a stopped daemon's "
		  "before another sends to it (3s to 1h); longer than any send takes.", "30s" },
		{ "storage.allow-empty", FLAG_BOOL, &dc->allow_empty,
		  "Start even though the queue's database is missing or empty while the mark "
		  "beside it says it held messages (they are lost; the log says so).", NULL },
		{ "storage.retention", FLAG_STRING, &dc->pol.retention,
		  "How long delivered and dead messages are kept.", POLICY_DEFAULT_RETENTION },
		{ "delivery.backoff-max", FLAG_STRING, &dc->pol.backoff_max,
		  "Longest wait between two attempts at a failing destination.",
		  POLICY_DEFAULT_BACKOFF_MAX },
		{ "delivery.retry-budget", FLAG_STRING, &dc->pol.retry_budget,
		  "A message still failing this long after it was accepted is given up (dead).",
		  POLICY_DEFAULT_RETRY_BUDGET },
		{ "delivery.max-concurrent-sends", FLAG_STRING, &dc->pol.max_sends,
		  "Sends in flight at most, one per destination; no one kind of integration, and no retries, may take the last quarter.",
		  POLICY_DEFAULT_MAX_SENDS },
		{ "dead-letter.receiver", FLAG_STRING, &dc->pol.dead_letter,
		  "Receiver that gets a TocsinDeliveryFailed notification for every message given up (default: none).",
		  "NAME" },
		{ "log.level", FLAG_STRING, &dc->level,
		  "Only log messages with the given severity or above. One of: [debug, info, warn, error]",
		  "info" },
		{ "log.format", FLAG_STRING, &dc->format,
		  "Output format of log messages. One of: [logfmt, json]", "logfmt" },
		{ "help", FLAG_BOOL, &dc->help, "Show help.", NULL },
		{ "version", FLAG_BOOL, &dc->version, "Show application version.", NULL },
		{ "help-man", FLAG_BOOL, &dc->help_man, NULL, NULL },
	};
	struct flag	 all[sizeof(common) / sizeof(common[0]) + SENDER_LIMITS_MAX];
	const struct channel_limit *lim;
	const struct daemoncmd_flag *o;
	size_t		 i, k, n = 0, nown = 0, ncommon = 0;

	for (i = 0; i < sizeof(common) / sizeof(common[0]); i++) {
		all[ncommon++] = common[i];
		/* Each channel's rate limits, after the dead-letter receiver. */
		if (strcmp(common[i].name, "dead-letter.receiver") == 0)
			for (k = 0; (lim = sender_limit_at(k)) != NULL; k++)
				all[ncommon++] = (struct flag){ lim->flag, FLAG_STRING,
				    &dc->pol.rate[k], lim->help, lim->def };
	}
	for (o = s->own; o && o->flag.name; o++)
		nown++;
	if ((dc->flags = calloc(ncommon + nown + 1, sizeof(*dc->flags))) == NULL)
		return -1;
	for (i = 0; i < ncommon; i++) {
		dc->flags[n++] = all[i];
		for (o = s->own; o && o->flag.name; o++)
			if (o->after && strcmp(o->after, all[i].name) == 0)
				dc->flags[n++] = o->flag;
	}
	/* An own flag placed after no common flag would be silently lost. */
	return n == ncommon + nown ? 0 : -1;
}

/* A count from 1 to max for --<flag>. */
static int
parse_count(const char *flag, const char *s, unsigned max, unsigned *out, struct terr *err)
{
	unsigned long long v = 0;	/* read only after success; -O2 cannot tell */

	if (daemoncmd_parse_bytes(flag, s, max, &v, err) == -1)
		return terr_set(err, "--%s: want a number from 1 to %u, got %s", flag, max, s);
	*out = (unsigned)v;
	return 0;
}

/* A duration from 1ms to 1h for --<flag>, in ms. */
static int
parse_timeout(const char *flag, const char *s, unsigned *out, struct terr *err)
{
	struct terr	 e;
	int64_t		 ms = 0;	/* read only after success */

	if (duration_parse(s, &ms, &e) == -1)
		return terr_set(err, "--%s: %s", flag, e.msg);
	if (ms < 1 || ms > 3600 * 1000)
		return terr_set(err, "--%s: want a duration from 1ms to 1h, got %s", flag, s);
	*out = (unsigned)ms;
	return 0;
}

/* The HTTP server's connection limits and deadlines (httpd.h). */
static int
check_http_limits(struct daemoncmd *dc, struct terr *err)
{
	struct httpd_params *hp = &dc->limits_http;
	unsigned long long budget = 0;

	if (parse_count("web.max-connections", dc->max_conns_s, 65536, &hp->conn_limit, err) == -1 ||
	    parse_count("web.max-connections-per-ip", dc->max_conns_ip_s, 65536,
	    &hp->per_ip_limit, err) == -1 ||
	    parse_timeout("web.read-header-timeout", dc->header_to_s, &hp->header_timeout_ms,
	    err) == -1 ||
	    parse_timeout("web.read-timeout", dc->read_to_s, &hp->read_timeout_ms, err) == -1 ||
	    daemoncmd_parse_bytes("web.max-buffered-body-bytes", dc->budget_s, 1ULL << 40,
	    &budget, err) == -1)
		return -1;
	hp->body_budget = (size_t)budget;
	return 0;
}

/* --storage.url or --storage.url-file (read now, so that a missing file
 * fails the start with the flag's name), and --storage.lease. */
static int
check_storage_url(struct daemoncmd *dc, struct terr *err)
{
	struct terr	 e;
	int64_t		 ms = 0;	/* read only after success */

	if (dc->storage_url_s != NULL && dc->storage_url_file != NULL)
		return terr_set(err, "--storage.url and --storage.url-file: give one of them");
	if (dc->storage_url_file != NULL) {
		if (secretfile_read("--storage.url-file", dc->storage_url_file,
		    &dc->storage_url, err) == -1)
			return -1;
		if (*dc->storage_url == '\0')
			return terr_set(err, "--storage.url-file: %s is empty",
			    dc->storage_url_file);
	} else if (dc->storage_url_s != NULL) {
		if (*dc->storage_url_s == '\0')
			return terr_set(err, "--storage.url: empty");
		if ((dc->storage_url = strdup(dc->storage_url_s)) == NULL)
			return terr_set(err, "out of memory");
	}
	if (dc->lease_s != NULL) {
		if (duration_parse(dc->lease_s, &ms, &e) == -1)
			return terr_set(err, "--storage.lease: %s", e.msg);
		/* At least three of the dispatcher's one-second scans, which
		 * renew a lease once half of it is gone. */
		if (ms < 3000 || ms > 3600 * 1000)
			return terr_set(err, "--storage.lease: want a duration from 3s to 1h, got %s",
			    dc->lease_s);
		dc->op.storage_lease_ms = ms;
	}
	return 0;
}

/* Everything after the flags' syntax; errors name the flag. */
static int
check(struct daemoncmd *dc, const struct flag_list *pos, struct terr *err)
{
	const struct daemoncmd_spec *s = dc->spec;

	if (pos->n > 0)
		return terr_set(err, "unexpected %s, try --help", pos->v[0]);
	/* No default config (the watchdog): without checks and a receiver to
	 * tell, it would watch nothing and tell no one. */
	if (dc->config_file == NULL && s->config_default == NULL)
		return terr_set(err, "required flag --config.file not provided, try --help");
	if (log_parse_level(dc->level, &dc->ll) == -1 ||
	    log_parse_format(dc->format, &dc->lf) == -1)
		return terr_set(err, "invalid --log.level or --log.format");
	if (tmpl_am_version_parse(dc->tmpl_am_s, &dc->tmpl_am, err) == -1)
		return -1;
	if (dc->max_body_s && daemoncmd_parse_bytes("web.max-body-bytes", dc->max_body_s,
	    1ULL << 30, &dc->max_body, err) == -1)
		return -1;
	if (check_http_limits(dc, err) == -1 || check_storage_url(dc, err) == -1)
		return -1;
	if (s->check && s->check(s->arg, &dc->op, err) == -1)
		return -1;
	return policy_apply(&dc->pol, &dc->op, &dc->limits, err);
}

/* What logs name as the configuration. */
static const char *
config_name(const struct daemoncmd *dc)
{
	return dc->config_file ? dc->config_file : dc->spec->config_default;
}

/* Logging and signals, then libcurl, the web config, the metrics,
 * core/daemon and the outbox (not loaded yet). Logs what failed. */
static int
start(struct daemoncmd *dc)
{
	struct daemon_params dp;
	struct terr	 err;
	char		 starting[64], where[256];

	log_setup(dc->ll, dc->lf);
	daemon_block_signals();
	snprintf(starting, sizeof(starting), "Starting %s", dc->spec->name);
	log_info(starting, "version", TOCSIN_VERSION);
	if (dc->config_file == NULL)
		log_info("No --config.file given; using the embedded default configuration",
		    "source", dc->spec->config_default);
	/* Before any thread: libcurl's global set-up is not thread-safe, and
	 * the senders (and the watchdog's queries) would otherwise race to
	 * run it on their first requests. */
	if (http_global_init(&err) == -1) {
		log_error("Cannot set up", "err", err.msg);
		return -1;
	}
	if (dc->web_file && (dc->web = webconfig_load_file(dc->web_file, &err)) == NULL) {
		log_error("Invalid web config", "err", err.msg);
		return -1;
	}
	if ((dc->metrics = metrics_new(0)) == NULL) {
		log_error("Out of memory");
		return -1;
	}
	memset(&dp, 0, sizeof(dp));
	dp.config_name = config_name(dc);
	dp.web_file = dc->web_file;
	dp.metrics = dc->metrics;
	dp.load = dc->spec->load;
	dp.load_arg = dc->spec->arg;
	if ((dc->d = daemon_new(&dp, &err)) == NULL) {
		log_error("Cannot set up", "err", err.msg);
		return -1;
	}
	dc->op.storage_path = dc->storage;
	dc->op.storage_url = dc->storage_url;
	dc->op.metrics = dc->metrics;
	dc->op.allow_empty = dc->allow_empty;
	if (dc->storage_url != NULL) {
		/* Never the URL itself: it may hold the password. */
		store_pg_describe(dc->storage_url, where, sizeof(where));
		log_info("The delivery queue is in PostgreSQL", "url", where);
	}
	if ((dc->ob = outbox_open(&dc->op, &err)) == NULL) {
		if (dc->storage_url != NULL)
			log_error("Cannot open the storage", "url", where, "err", err.msg);
		else
			log_error("Cannot open the storage", "path", dc->storage, "err", err.msg);
		return -1;
	}
	return 0;
}

struct daemoncmd *
daemoncmd_new(const struct daemoncmd_spec *spec, int argc, char **argv, int *status)
{
	struct daemoncmd *dc;
	struct flag_list pos = { NULL, 0 };
	struct terr	 err;

	*status = 1;
	if ((dc = calloc(1, sizeof(*dc))) == NULL) {
		fprintf(stderr, "%s: error: out of memory\n", spec->name);
		return NULL;
	}
	dc->spec = spec;
	dc->listen = spec->listen;
	dc->storage = "data/";
	dc->level = "info";
	dc->format = "logfmt";
	dc->max_body = spec->max_body;
	dc->max_conns_s = "512";
	dc->max_conns_ip_s = "128";
	dc->header_to_s = "10s";
	dc->read_to_s = "1m";
	dc->budget_s = "67108864";
	policy_init(&dc->pol);
	if (build_flags(dc) == -1) {
		fprintf(stderr, "%s: error: cannot build the flag table\n", spec->name);
		goto fail;
	}
	if (flags_parse(dc->flags, argc, argv, &pos, &err) == -1) {
		fprintf(stderr, "%s: error: %s, try --help\n", spec->name, err.msg);
		goto fail;
	}
	if (flags_help_done(dc->help, dc->help_man, spec->usage, dc->flags) ||
	    dc->version) {
		if (!dc->help && !dc->help_man)
			printf("%s, version %s\n", spec->name, TOCSIN_VERSION);
		*status = 0;
		goto fail;
	}
	if (check(dc, &pos, &err) == -1) {
		fprintf(stderr, "%s: error: %s\n", spec->name, err.msg);
		goto fail;
	}
	if (start(dc) == -1)
		goto fail;
	free(pos.v);
	return dc;
 fail:
	free(pos.v);
	daemoncmd_free(dc);
	return NULL;
}

int
daemoncmd_load(struct daemoncmd *dc)
{
	struct terr	 err;

	return daemon_reload(dc->d, &err);
}

static void
handle_ready(struct httpd_req *req, void *arg)
{
	struct daemoncmd *dc = arg;

	if (outbox_ready(dc->ob))
		httpd_reply_text(req, 200, "OK");
	else
		httpd_reply_text(req, 503, "Service Unavailable");
}

static void
handle_metrics(struct httpd_req *req, void *arg)
{
	struct daemoncmd *dc = arg;
	const struct daemoncmd_spec *s = dc->spec;
	struct buf	 b;

	outbox_refresh_metrics(dc->ob);
	buf_init(&b, 0);
	if (metrics_write(dc->metrics, &b) == -1 ||
	    (s->metrics && s->metrics(s->arg, &b) == -1))
		httpd_reply_text(req, 500, "cannot write metrics");
	else {
		size_t len = b.len;

		(void)httpd_reply_take(req, 200, METRICS_CONTENT_TYPE,
		    buf_steal(&b), len);
	}
	buf_free(&b);
}

int
daemoncmd_serve(struct daemoncmd *dc)
{
	const struct daemoncmd_spec *s = dc->spec;
	struct httpd_params hp;
	struct terr	 err;
	bool		 tls;
	int		 rc = -1;

	hp = dc->limits_http;
	hp.listen = dc->listen;
	hp.max_body = (size_t)dc->max_body;
	hp.web = dc->web;
	hp.metrics = dc->metrics;
	tls = webconfig_tls_enabled(dc->web);
	dc->h = httpd_new(&hp, &err);
	dc->web = NULL;	/* the server owns it now */
	if (dc->h == NULL) {
		log_error("Cannot set up the HTTP server", "err", err.msg);
		return -1;
	}
	if (s->routes(s->arg, dc->h) == -1 ||
	    httpd_handle(dc->h, "GET", "/-/ready", false, NULL, handle_ready, dc) == -1 ||
	    httpd_handle(dc->h, "GET", "/metrics", false, NULL, handle_metrics, dc) == -1 ||
	    daemon_register(dc->d, dc->h, tls) == -1) {
		log_error("Out of memory");
		goto out;
	}
	if (httpd_start(dc->h, &err) == -1) {
		log_error("Cannot start the HTTP server", "err", err.msg);
		goto out;
	}
	log_info("Listening", "address", httpd_address(dc->h), "tls", tls ? "true" : "false",
	    "config", config_name(dc));
	daemon_run(dc->d);
	rc = 0;
 out:
	/* It waits for running and suspended requests, which use the
	 * program's wiring: that must outlive it. */
	httpd_free(dc->h);
	dc->h = NULL;
	return rc;
}

struct outbox *
daemoncmd_outbox(struct daemoncmd *dc)
{
	return dc->ob;
}

struct metrics *
daemoncmd_metrics(struct daemoncmd *dc)
{
	return dc->metrics;
}

const char *
daemoncmd_config_file(const struct daemoncmd *dc)
{
	return dc->config_file;
}

const char *
daemoncmd_storage_url(const struct daemoncmd *dc)
{
	return dc->storage_url;
}

int64_t
daemoncmd_storage_lease_ms(const struct daemoncmd *dc)
{
	return dc->op.storage_lease_ms > 0 ? dc->op.storage_lease_ms :
	    STORE_PG_LEASE_MS;
}

const char *
daemoncmd_storage(const struct daemoncmd *dc)
{
	return dc->storage;
}

enum tmpl_am_version
daemoncmd_tmpl_am_version(const struct daemoncmd *dc)
{
	return dc->tmpl_am;
}

int
daemoncmd_parse_bytes(const char *flag, const char *s, unsigned long long max,
    unsigned long long *out, struct terr *err)
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

void
daemoncmd_free(struct daemoncmd *dc)
{
	if (dc == NULL)
		return;
	httpd_free(dc->h);
	daemon_free(dc->d);
	/* Its dispatcher finishes the sends in flight, then the store closes. */
	outbox_free(dc->ob);
	metrics_free(dc->metrics);
	webconfig_free(dc->web);
	free(dc->flags);
	if (dc->storage_url != NULL) {
		explicit_bzero(dc->storage_url, strlen(dc->storage_url));
		free(dc->storage_url);
	}
	free(dc);
}
