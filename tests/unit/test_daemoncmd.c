/* test_daemoncmd.c: the daemons' common command line: --help lists a
 * program's own flags after the common flag each names, --version, errors
 * that name their flag with the program's name and exit status 1, the
 * program's own check called with the outbox's params, and a start that
 * opens the outbox under --storage.path. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "daemoncmd.h"
#include "scratch_dir.h"

#define OUT_MAX 8192

/* A program "prog" with --x.own after --storage.path and --x.last after
 * --log.format (see prog_init), and what its last run did. */
struct prog {
	struct daemoncmd_spec spec;
	struct daemoncmd_flag own[3];
	int		 status;	/* daemoncmd_new's *status */
	const char	*own_value;	/* --x.own and --x.last */
	const char	*fail;		/* the check's error, NULL: none */
	int		 checked;	/* times the check ran */
	int64_t		 max_bytes_seen; /* op->max_bytes when it ran */
	char		 out[OUT_MAX];	/* the last run's stdout */
	char		 err[OUT_MAX];	/* and stderr */
};

static int
check(void *arg, struct outbox_params *op, struct terr *err)
{
	struct prog	*p = arg;

	p->checked++;
	p->max_bytes_seen = op->max_bytes;
	if (p->fail)
		return terr_set(err, "--x.own: %s", p->fail);
	return 0;
}

static int
load(void *arg, struct terr *err)
{
	(void)arg;
	return terr_set(err, "not in this test");
}

static int
routes(void *arg, struct httpd *h)
{
	(void)arg;
	(void)h;
	return 0;
}

/* A file's first OUT_MAX - 1 bytes, then the file emptied. */
static void
slurp(FILE *fp, char *out)
{
	size_t	 n;

	rewind(fp);
	n = fread(out, 1, OUT_MAX - 1, fp);
	out[n] = '\0';
	assert_int_equal(ftruncate(fileno(fp), 0), 0);
	rewind(fp);
}

/* daemoncmd_new over args (NULL-terminated, after the program's name),
 * with stdout and stderr in p->out and p->err. */
static struct daemoncmd *
run(struct prog *p, ...)
{
	char		*argv[16] = { (char *)"prog" };
	struct daemoncmd *dc;
	FILE		*out, *err;
	va_list		 ap;
	int		 argc = 1, saved_out, saved_err;

	va_start(ap, p);
	while ((argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	assert_non_null(out = tmpfile());
	assert_non_null(err = tmpfile());
	fflush(stdout);
	fflush(stderr);
	saved_out = dup(STDOUT_FILENO);
	saved_err = dup(STDERR_FILENO);
	dup2(fileno(out), STDOUT_FILENO);
	dup2(fileno(err), STDERR_FILENO);
	dc = daemoncmd_new(&p->spec, argc, argv, &p->status);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, STDOUT_FILENO);
	dup2(saved_err, STDERR_FILENO);
	close(saved_out);
	close(saved_err);
	slurp(out, p->out);
	slurp(err, p->err);
	fclose(out);
	fclose(err);
	return dc;
}

static void
prog_init(struct prog *p)
{
	const struct daemoncmd_flag own[] = {
		{ "storage.path", { "x.own", FLAG_STRING, &p->own_value, "Own flag.", "V" } },
		{ "log.format", { "x.last", FLAG_STRING, &p->own_value, "Last flag.", "V" } },
		{ NULL, { NULL, 0, NULL, NULL, NULL } },
	};
	struct daemoncmd_spec *s = &p->spec;

	memset(p, 0, sizeof(*p));
	memcpy(p->own, own, sizeof(own));
	p->status = -1;
	s->name = "prog";
	s->usage = "prog [<flags>]\n\nDoes things";
	s->config_help = "Config file.";
	s->listen = "127.0.0.1:1";
	s->listen_help = "Listen here.";
	s->max_body = 1000;
	s->max_body_help = "Largest body.";
	s->storage_help = "Data here.";
	s->own = p->own;
	s->check = check;
	s->load = load;
	s->routes = routes;
	s->arg = p;
}

static int
setup(void **state)
{
	struct prog	*p;

	if ((p = malloc(sizeof(*p))) == NULL)
		return -1;
	prog_init(p);
	*state = p;
	return 0;
}

static int
teardown(void **state)
{
	free(*state);
	return 0;
}

static void
test_help_lists_own_flags_after_their_anchor(void **state)
{
	struct prog	*p = *state;

	assert_null(run(p, "--help", NULL));
	assert_int_equal(p->status, 0);
	assert_string_equal(p->err, "");
	assert_string_equal(p->out,
	    "usage: prog [<flags>]\n\nDoes things\n\nFlags:\n"
	    "  --config.file=FILE                   Config file.\n"
	    "  --template.alertmanager-version=0.34 Alertmanager release whose template semantics to follow where releases differ: 0.34 or 0.25.\n"
	    "  --web.listen-address=127.0.0.1:1     Listen here.\n"
	    "  --web.config.file=FILE               Path to a web configuration file enabling TLS or basic authentication.\n"
	    "  --web.max-body-bytes=BYTES           Largest body.\n"
	    "  --web.max-buffered-body-bytes=BYTES  Request bodies buffered at once, all connections together; a body that does not fit gets 503 before it is read (default 67108864).\n"
	    "  --web.max-connections=512            Maximum number of simultaneous connections.\n"
	    "  --web.max-connections-per-ip=128     Maximum number of simultaneous connections from one address.\n"
	    "  --web.read-header-timeout=10s        Time a connection has to send a request's headers, from its start or its previous answer, however it trickles.\n"
	    "  --web.read-timeout=1m                Time a connection has to send a whole request, headers and body.\n"
	    "  --storage.path=data/                 Data here.\n"
	    "  --x.own=V                            Own flag.\n"
	    "  --storage.url=URL                    PostgreSQL database for the delivery queue instead of SQLite under --storage.path, shared by several daemons (a libpq URL, postgresql://USER@HOST:PORT/DBNAME); keep a password in --storage.url-file.\n"
	    "  --storage.url-file=FILE              File holding the --storage.url (with its password).\n"
	    "  --storage.lease=30s                  With --storage.url: how long a destination stays a stopped daemon's before another sends to it (3s to 1h); longer than any send takes.\n"
	    "  --storage.allow-empty                Start even though the queue's database is missing or empty while the mark beside it says it held messages (they are lost; the log says so).\n"
	    "  --storage.retention=120h             How long delivered and dead messages are kept.\n"
	    "  --delivery.backoff-max=5m            Longest wait between two attempts at a failing destination.\n"
	    "  --delivery.retry-budget=24h          A message still failing this long after it was accepted is given up (dead).\n"
	    "  --delivery.max-concurrent-sends=64   Sends in flight at most, one per destination; no one kind of integration, and no retries, may take the last quarter.\n"
	    "  --dead-letter.receiver=NAME          Receiver that gets a TocsinDeliveryFailed notification for every message given up (default: none).\n"
	    "  --ratelimit.telegram-chat=1/s        Messages per Telegram chat (N/s, N/m or N/h; 0: no limit).\n"
	    "  --ratelimit.telegram-group=20/m      Messages per Telegram group chat, on top of the chat limit.\n"
	    "  --ratelimit.telegram-bot=30/s        Messages per Telegram bot, all chats together.\n"
	    "  --ratelimit.slack=1/s                Messages per Slack webhook URL, or per app token and channel.\n"
	    "  --ratelimit.webhook=1/s              Messages per webhook URL.\n"
	    "  --ratelimit.gotify=1/s               Messages per Gotify server.\n"
	    "  --ratelimit.pagerduty=120/m          Events per PagerDuty routing key.\n"
	    "  --ratelimit.ntfy=12/m                Messages per ntfy server.\n"
	    "  --ratelimit.discord=2/s              Messages per Discord webhook URL.\n"
	    "  --ratelimit.pushover=1/s             Messages per Pushover application and user.\n"
	    "  --log.level=info                     Only log messages with the given severity or above. One of: [debug, info, warn, error]\n"
	    "  --log.format=logfmt                  Output format of log messages. One of: [logfmt, json]\n"
	    "  --x.last=V                           Last flag.\n"
	    "  --help                               Show help.\n"
	    "  --version                            Show application version.\n");
	assert_int_equal(p->checked, 0);
}

static void
test_version(void **state)
{
	struct prog	*p = *state;

	assert_null(run(p, "--version", NULL));
	assert_int_equal(p->status, 0);
	assert_string_equal(p->out, "prog, version " TOCSIN_VERSION "\n");
	assert_string_equal(p->err, "");
}

static void
test_errors_name_the_flag(void **state)
{
	static const struct {
		const char	*args[3];
		const char	*fail;		/* the program's check fails so */
		const char	*want;
		int		 checked;	/* did the program's check run */
	} cases[] = {
		{ { "--nope" }, NULL, "prog: error: unknown long flag '--nope', try --help\n", 0 },
		{ { "--config.file" }, NULL,
		  "prog: error: expected argument for flag '--config.file', try --help\n", 0 },
		{ { "--config.file=c.yml", "extra" }, NULL,
		  "prog: error: unexpected extra, try --help\n", 0 },
		{ { "--log.level=loud" }, NULL,
		  "prog: error: invalid --log.level or --log.format\n", 0 },
		{ { "--template.alertmanager-version=0.26" }, NULL,
		  "prog: error: --template.alertmanager-version: unsupported Alertmanager "
		  "version \"0.26\" (supported: 0.34, 0.25)\n", 0 },
		{ { "--web.max-body-bytes=0" }, NULL,
		  "prog: error: --web.max-body-bytes: want a byte count from 1 to 1073741824, got 0\n", 0 },
		{ { "--web.max-connections=0" }, NULL,
		  "prog: error: --web.max-connections: want a number from 1 to 65536, got 0\n", 0 },
		{ { "--web.max-connections-per-ip=many" }, NULL,
		  "prog: error: --web.max-connections-per-ip: want a number from 1 to 65536, "
		  "got many\n", 0 },
		{ { "--web.read-header-timeout=5x" }, NULL,
		  "prog: error: --web.read-header-timeout: not a valid duration string: \"5x\"\n", 0 },
		{ { "--web.read-timeout=2h" }, NULL,
		  "prog: error: --web.read-timeout: want a duration from 1ms to 1h, got 2h\n", 0 },
		{ { "--web.max-buffered-body-bytes=-1" }, NULL,
		  "prog: error: --web.max-buffered-body-bytes: want a byte count from 1 to "
		  "1099511627776, got -1\n", 0 },
		{ { "--storage.url=postgresql://a:pw@db/q", "--storage.url-file=/nonexistent" }, NULL,
		  "prog: error: --storage.url and --storage.url-file: give one of them\n", 0 },
		{ { "--storage.url-file=/nonexistent/url" }, NULL,
		  "prog: error: cannot read --storage.url-file \"/nonexistent/url\": No such file "
		  "or directory\n", 0 },
		{ { "--storage.url=" }, NULL, "prog: error: --storage.url: empty\n", 0 },
		{ { "--storage.lease=1s" }, NULL,
		  "prog: error: --storage.lease: want a duration from 3s to 1h, got 1s\n", 0 },
		{ { "--x.own=bad" }, "not good", "prog: error: --x.own: not good\n", 1 },
		{ { "--ratelimit.webhook=1" }, NULL,
		  "prog: error: --ratelimit.webhook: want a rate such as 1/s, 20/m or 100/h, "
		  "or 0 for no limit, got \"1\"\n", 1 },
		{ { "--delivery.backoff-max=0" }, NULL,
		  "prog: error: --delivery.backoff-max: must be longer than zero\n", 1 },
	};

	struct prog	*p = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		prog_init(p);
		p->spec.config_default = "<built in>";
		p->fail = cases[i].fail;
		assert_null(run(p, cases[i].args[0], cases[i].args[1], cases[i].args[2],
		    NULL));
		assert_int_equal(p->status, 1);
		assert_string_equal(p->out, "");
		assert_string_equal(p->err, cases[i].want);
		assert_int_equal(p->checked, cases[i].checked);
	}
}

/* Without a default (the watchdog), --config.file is required. */
static void
test_config_required_without_default(void **state)
{
	struct prog	*p = *state;

	assert_null(run(p, "--storage.path=x", NULL));
	assert_int_equal(p->status, 1);
	assert_string_equal(p->err,
	    "prog: error: required flag --config.file not provided, try --help\n");
}

/* An own flag after a flag that is not there would never be parsed. */
static void
test_own_flag_after_no_flag_is_refused(void **state)
{
	struct prog	*p = *state;

	p->own[1].after = "storage.size";
	assert_null(run(p, "--help", NULL));
	assert_int_equal(p->status, 1);
	assert_string_equal(p->out, "");
	assert_string_equal(p->err, "prog: error: cannot build the flag table\n");
}

static void
test_start_opens_the_outbox(void **state)
{
	struct prog	*p = *state;
	struct daemoncmd *dc;
	char		 dir[64], storage[128], db[160];

	scratch_make(dir, sizeof(dir), "test_daemoncmd");
	snprintf(storage, sizeof(storage), "--storage.path=%s/data", dir);
	dc = run(p, "--config.file=c.yml", storage, "--x.own=v", NULL);
	assert_non_null(dc);
	assert_string_equal(p->out, "");
	/* The log starts with the program's name. */
	assert_non_null(strstr(p->err, " level=info msg=\"Starting prog\" version="
	    TOCSIN_VERSION "\n"));
	assert_int_equal(p->checked, 1);
	assert_int_equal(p->max_bytes_seen, 0);
	assert_string_equal(p->own_value, "v");
	assert_string_equal(daemoncmd_config_file(dc), "c.yml");
	assert_string_equal(daemoncmd_storage(dc), storage + strlen("--storage.path="));
	assert_non_null(daemoncmd_outbox(dc));
	assert_non_null(daemoncmd_metrics(dc));
	snprintf(db, sizeof(db), "%s/data/queue.db", dir);
	assert_int_equal(access(db, F_OK), 0);
	daemoncmd_free(dc);
	scratch_remove(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_help_lists_own_flags_after_their_anchor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors_name_the_flag, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_required_without_default, setup, teardown),
		cmocka_unit_test_setup_teardown(test_own_flag_after_no_flag_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_start_opens_the_outbox, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
