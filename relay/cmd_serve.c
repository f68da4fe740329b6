/* cmd_serve.c: `tocsin-relay [flags]`, the daemon: the relay's own flags and
 * config, and the wiring of the webhook intake and the delivery runtime
 * (runtime.c) into what both daemons share (core/daemon/daemoncmd.c: the common
 * flags, the HTTP server, signals, reloads and systemd). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "relay_cmd.h"
#include "action_http.h"
#include "config.h"
#include "daemoncmd.h"
#include "duration.h"
#include "filesink.h"
#include "link_actions.h"
#include "log.h"
#include "runtime.h"

/* Generated from etc/default.yml by relay/CMakeLists.txt. */
extern const char tocsin_default_config[];
extern const size_t tocsin_default_config_len;

#define EMBEDDED_NAME "<embedded etc/default.yml>"

struct serve {
	struct daemoncmd *dc;
	const char	*max_store_s, *dedup_s;	/* the relay's own flags */
	int64_t		 dedup_ms;
	const char	*external_url, *key_file;	/* action links */
	struct action_key key;
	struct action_links links;
	struct action_http act;
	struct runtime	*rt;		/* outbox and intake */
};

/* daemoncmd_spec.check: --storage.max-bytes and --dedup.window. */
static int
check(void *arg, struct outbox_params *op, struct terr *err)
{
	struct serve	*s = arg;
	unsigned long long max_store = 0;

	if (s->max_store_s && daemoncmd_parse_bytes("storage.max-bytes", s->max_store_s,
	    INT64_MAX, &max_store, err) == -1)
		return -1;
	op->max_bytes = (int64_t)max_store;
	if (duration_parse(s->dedup_s, &s->dedup_ms, err) == -1)
		return terr_prefix(err, "--dedup.window");
	if (s->external_url != NULL &&
	    strncmp(s->external_url, "http://", 7) != 0 &&
	    strncmp(s->external_url, "https://", 8) != 0)
		return terr_set(err, "--web.external-url: not an http:// or "
		    "https:// URL: \"%s\"", s->external_url);
	if (s->key_file != NULL && s->external_url == NULL)
		return terr_set(err, "--web.action-key-file: action links need "
		    "--web.external-url");
	return 0;
}

/* The key of action links, when there are links: from --web.action-key-file
 * or generated once under --storage.path. */
static int
links_open(struct serve *s, struct terr *err)
{
	if (s->external_url == NULL)
		return 0;
	if (action_key_load(s->key_file, daemoncmd_storage(s->dc), &s->key,
	    err) == -1)
		return -1;
	s->links.base_url = s->external_url;
	s->links.key = &s->key;
	intake_set_links(runtime_intake(s->rt), &s->links);
	s->act.ob = daemoncmd_outbox(s->dc);
	s->act.key = &s->key;
	return 0;
}

/* daemoncmd_spec.load: reads the config and makes it current. */
static int
load(void *arg, struct terr *err)
{
	struct serve	*s = arg;
	const char	*file = daemoncmd_config_file(s->dc);
	struct config	*cfg;

	if (file)
		cfg = config_load_file(file, err);
	else
		cfg = config_load_buffer(EMBEDDED_NAME, ".", tocsin_default_config,
		    tocsin_default_config_len, err);
	if (cfg == NULL)
		return -1;
	return runtime_load(s->rt, cfg, err);
}

/* daemoncmd_spec.routes. */
static int
routes(void *arg, struct httpd *h)
{
	struct serve	*s = arg;
	struct intake	*intake = runtime_intake(s->rt);

	if (httpd_handle(h, "POST", "/webhook", false, "/webhook", intake_handle_webhook,
	    intake) == -1 ||
	    httpd_handle(h, "POST", "/webhook/", true, "/webhook/{receiver}",
	    intake_handle_receiver, intake) == -1 ||
	    (s->links.key != NULL && action_http_routes(h, &s->act) == -1))
		return -1;
	return 0;
}

int
cmd_serve(int argc, char **argv)
{
	struct serve	 s = { .dedup_s = "5m",
	    .act = { .mu = PTHREAD_MUTEX_INITIALIZER } };
	const struct daemoncmd_flag own[] = {
		{ "storage.path", { "storage.max-bytes", FLAG_STRING, &s.max_store_s,
		  "Largest size of the delivery queue's database; beyond it intake answers 503 (default: no limit).",
		  "BYTES" } },
		{ "web.listen-address", { "web.external-url", FLAG_STRING, &s.external_url,
		  "The URL under which the relay is reachable (e.g. through a reverse proxy): the base of the action links notifications carry. Without it they carry none.",
		  "URL" } },
		{ "web.config.file", { "web.action-key-file", FLAG_STRING, &s.key_file,
		  "File whose text (32 characters or more) signs action links (default: <storage.path>/action.key, generated once).",
		  "FILE" } },
		{ "storage.retention", { "dedup.window", FLAG_STRING, &s.dedup_s,
		  "A notification identical to one accepted within this duration is not sent again.",
		  "5m" } },
		{ NULL, { NULL, 0, NULL, NULL, NULL } },
	};
	const struct daemoncmd_spec spec = {
		.name = "tocsin-relay",
		.usage = "tocsin-relay [<flags>]\n"
		    "       tocsin-relay check-config <file>...\n"
		    "       tocsin-relay config routes [test] [<flags>] [<label=value>...]\n"
		    "       tocsin-relay template render [<flags>]\n"
		    "       tocsin-relay send-test --config.file=<file> --receiver=<name> [<label=value>...]\n"
		    "       tocsin-relay queue --storage.path=<dir> list|retry <id>|drop <id>\n\n"
		    "Receives Alertmanager webhook notifications and relays them to receivers",
		.config_help = "tocsin configuration file name (default: the embedded etc/default.yml).",
		.config_default = EMBEDDED_NAME,
		.listen = "127.0.0.1:9096",
		.listen_help = "Address to listen on for the webhook, metrics and health endpoints.",
		.max_body = (size_t)4 << 20,
		.max_body_help = "Largest accepted request body (default 4194304).",
		.storage_help = "Base path for data storage.",
		.own = own,
		.check = check,
		.load = load,
		.routes = routes,
		.arg = &s,
	};
	struct runtime_params rp;
	struct filesink	*files = NULL;
	struct terr	 err;
	int		 rc = 1;

	if ((s.dc = daemoncmd_new(&spec, argc, argv, &rc)) == NULL)
		return rc;
	if ((files = filesink_new()) == NULL) {
		log_error("Out of memory");
		goto out;
	}
	rp.ob = daemoncmd_outbox(s.dc);
	rp.metrics = daemoncmd_metrics(s.dc);
	rp.dedup_window_ms = s.dedup_ms;
	rp.files = files;
	rp.tmpl_am = daemoncmd_tmpl_am_version(s.dc);
	if ((s.rt = runtime_open(&rp, &err)) == NULL) {
		log_error("Cannot set up", "err", err.msg);
		goto out;
	}
	if (links_open(&s, &err) == -1) {
		log_error("Cannot set up action links", "err", err.msg);
		goto out;
	}
	if (daemoncmd_load(s.dc) == -1 || daemoncmd_serve(s.dc) == -1)
		goto out;
	rc = 0;
 out:
	explicit_bzero(&s.key, sizeof(s.key));
	/* The HTTP server is stopped; the outbox's sends finish last. */
	runtime_free(s.rt);
	filesink_free(files);
	daemoncmd_free(s.dc);
	return rc;
}
