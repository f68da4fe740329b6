/* serve.c: `tocsin-relay [flags]`, the daemon: flags, config, and the
 * wiring of the HTTP server to the intake and the delivery runtime
 * (runtime.c); signals, reloads and systemd are core/daemon.c's. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "daemon.h"
#include "duration.h"
#include "filesink.h"
#include "flags.h"
#include "httpclient.h"
#include "httpd.h"
#include "intake.h"
#include "log.h"
#include "metrics.h"
#include "policy.h"
#include "runtime.h"
#include "webconfig.h"

/* Generated from etc/default.yml by relay/CMakeLists.txt. */
extern const char tocsin_default_config[];
extern const size_t tocsin_default_config_len;

#define DEFAULT_MAX_BODY ((size_t)4 << 20)
#define EMBEDDED_NAME "<embedded etc/default.yml>"

struct serve {
	const char	*config_file;	/* NULL: the embedded default */
	struct runtime	*rt;		/* outbox and intake */
	struct metrics	*metrics;
};

/* daemon_params.load: reads the config and makes it current. */
static int
load(void *arg, struct terr *err)
{
	struct serve	*s = arg;
	struct config	*cfg;

	if (s->config_file)
		cfg = config_load_file(s->config_file, err);
	else
		cfg = config_load_buffer(EMBEDDED_NAME, ".", tocsin_default_config,
		    tocsin_default_config_len, err);
	if (cfg == NULL)
		return -1;
	return runtime_load(s->rt, cfg, err);
}

static void
handle_ready(struct httpd_req *req, void *arg)
{
	struct serve	*s = arg;

	if (runtime_ready(s->rt))
		httpd_reply_text(req, 200, "OK");
	else
		httpd_reply_text(req, 503, "Service Unavailable");
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

/* --help, or with man its section of --help-man's page. */
static void
usage(const struct flag *flags, bool man)
{
	static const char text[] = "tocsin-relay [<flags>]\n"
	    "       tocsin-relay check-config <file>...\n"
	    "       tocsin-relay config routes [test] [<flags>] [<label=value>...]\n"
	    "       tocsin-relay template render [<flags>]\n"
	    "       tocsin-relay send-test --config.file=<file> --receiver=<name> [<label=value>...]\n"
	    "       tocsin-relay queue --storage.path=<dir> list|retry <id>|drop <id>\n\n"
	    "Receives Alertmanager webhook notifications and relays them to receivers";

	if (man)
		flags_man_command(stdout, text, flags);
	else
		flags_usage(text, flags);
}

static int
register_routes(struct httpd *h, struct serve *s, struct intake *intake)
{
	if (httpd_handle(h, "POST", "/webhook", false, "/webhook", intake_handle_webhook,
	    intake) == -1 ||
	    httpd_handle(h, "POST", "/webhook/", true, "/webhook/{receiver}",
	    intake_handle_receiver, intake) == -1 ||
	    httpd_handle(h, "GET", "/-/ready", false, NULL, handle_ready, s) == -1 ||
	    httpd_handle(h, "GET", "/metrics", false, NULL, handle_metrics, s) == -1)
		return -1;
	return 0;
}

int
cmd_serve(int argc, char **argv)
{
	const char	*config_file = NULL, *listen = "127.0.0.1:9096", *storage = "data/";
	const char	*web_file = NULL, *level = "info", *format = "logfmt";
	const char	*max_body_s = NULL, *dedup_s = "5m", *max_store_s = NULL;
	const char	*backoff_s = "5m";
	bool		 help = false, help_man = false, version = false, tls = false;
	struct policy_flags pol;
	struct sender_limits limits;
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
		{ "storage.retention", FLAG_STRING, &pol.retention,
		  "How long delivered and dead messages are kept.", POLICY_DEFAULT_RETENTION },
		{ "dedup.window", FLAG_STRING, &dedup_s,
		  "A notification identical to one accepted within this duration is not sent again.", "5m" },
		{ "delivery.backoff-max", FLAG_STRING, &backoff_s,
		  "Longest wait between two attempts at a failing destination.", "5m" },
		{ "delivery.retry-budget", FLAG_STRING, &pol.retry_budget,
		  "A message still failing this long after it was accepted is given up (dead).",
		  POLICY_DEFAULT_RETRY_BUDGET },
		{ "dead-letter.receiver", FLAG_STRING, &pol.dead_letter,
		  "Receiver that gets a TocsinDeliveryFailed notification for every message given up (default: none).",
		  "NAME" },
		{ "ratelimit.telegram-chat", FLAG_STRING, &pol.rl_telegram_chat,
		  "Messages per Telegram chat (N/s, N/m or N/h; 0: no limit).",
		  POLICY_DEFAULT_TELEGRAM_CHAT },
		{ "ratelimit.telegram-group", FLAG_STRING, &pol.rl_telegram_group,
		  "Messages per Telegram group chat, on top of the chat limit.",
		  POLICY_DEFAULT_TELEGRAM_GROUP },
		{ "ratelimit.telegram-bot", FLAG_STRING, &pol.rl_telegram_bot,
		  "Messages per Telegram bot, all chats together.", POLICY_DEFAULT_TELEGRAM_BOT },
		{ "ratelimit.slack", FLAG_STRING, &pol.rl_slack,
		  "Messages per Slack webhook URL.", POLICY_DEFAULT_SLACK },
		{ "ratelimit.webhook", FLAG_STRING, &pol.rl_webhook,
		  "Messages per webhook URL.", POLICY_DEFAULT_WEBHOOK },
		{ "log.level", FLAG_STRING, &level,
		  "Only log messages with the given severity or above. One of: [debug, info, warn, error]",
		  "info" },
		{ "log.format", FLAG_STRING, &format,
		  "Output format of log messages. One of: [logfmt, json]", "logfmt" },
		{ "help", FLAG_BOOL, &help, "Show help.", NULL },
		{ "version", FLAG_BOOL, &version, "Show application version.", NULL },
		{ "help-man", FLAG_BOOL, &help_man, NULL, NULL },
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
	struct daemon_params dp;
	struct daemon	*d = NULL;
	int64_t		 dedup_ms = 0, backoff_ms = 0;
	int		 rc = 1;

	memset(&s, 0, sizeof(s));
	memset(&rp, 0, sizeof(rp));
	policy_init(&pol);
	if (flags_parse(flags, argc, argv, &pos, &err) == -1) {
		fprintf(stderr, "tocsin-relay: error: %s, try --help\n", err.msg);
		goto out;
	}
	if (help || help_man) {
		usage(flags, help_man);
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
	if (policy_apply(&pol, &rp.outbox, &limits, &err) == -1) {
		fprintf(stderr, "tocsin-relay: error: %s\n", err.msg);
		goto out;
	}
	log_setup(ll, lf);
	daemon_block_signals();
	log_info("Starting tocsin-relay", "version", TOCSIN_VERSION);
	s.config_file = config_file;
	if (config_file == NULL)
		log_info("No --config.file given; using the embedded default configuration",
		    "source", EMBEDDED_NAME);
	/* Before any thread: libcurl's global set-up is not thread-safe, and
	 * the dispatcher's workers would otherwise race to run it on their
	 * first sends. */
	if (http_global_init(&err) == -1) {
		log_error("Cannot set up", "err", err.msg);
		goto out;
	}

	if (web_file && (web = webconfig_load_file(web_file, &err)) == NULL) {
		log_error("Invalid web config", "err", err.msg);
		goto out;
	}
	if ((s.metrics = metrics_new(0)) == NULL || (files = filesink_new()) == NULL) {
		log_error("Out of memory");
		goto out;
	}
	memset(&dp, 0, sizeof(dp));
	dp.config_name = config_file ? config_file : EMBEDDED_NAME;
	dp.web_file = web_file;
	dp.metrics = s.metrics;
	dp.load = load;
	dp.load_arg = &s;
	if ((d = daemon_new(&dp, &err)) == NULL) {
		log_error("Cannot set up", "err", err.msg);
		goto out;
	}
	rp.outbox.storage_path = storage;
	rp.outbox.max_bytes = (int64_t)max_store;
	rp.outbox.backoff_max_ms = backoff_ms;
	rp.outbox.metrics = s.metrics;
	rp.dedup_window_ms = dedup_ms;
	rp.files = files;
	if ((s.rt = runtime_open(&rp, &err)) == NULL) {
		log_error("Cannot open the storage", "path", storage, "err", err.msg);
		goto out;
	}
	if (daemon_reload(d, &err) == -1)
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
	if (register_routes(h, &s, runtime_intake(s.rt)) == -1 ||
	    daemon_register(d, h, tls) == -1) {
		log_error("Out of memory");
		goto out;
	}
	if (httpd_start(h, &err) == -1) {
		log_error("Cannot start the HTTP server", "err", err.msg);
		goto out;
	}
	log_info("Listening", "address", httpd_address(h),
	    "tls", tls ? "true" : "false",
	    "config", config_file ? config_file : EMBEDDED_NAME);
	daemon_run(d);
	rc = 0;
 out:
	/* The server first: it waits for running handlers, which use the rest;
	 * then the dispatcher finishes its sends, then the store closes. */
	httpd_free(h);
	daemon_free(d);
	runtime_free(s.rt);
	filesink_free(files);
	metrics_free(s.metrics);
	webconfig_free(web);
	free(pos.v);
	return rc;
}
