/* test_queue_cli.c: `tocsin-relay queue list|retry|drop` run as a program over
 * a store this test fills (with a fixed clock) and keeps open, as a running
 * relay would: exact tables, JSON lines, state changes and error messages. */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "store.h"

#define T0	INT64_C(1795441725000)	/* 2026-11-23T13:48:45Z */
#define OUT_MAX	8192

struct fixture {
	char		 dir[64];
	char		 relay[PATH_MAX];
	int64_t		 now;
	struct store	*s;
	char		 out[OUT_MAX];	/* the last run's stdout */
	char		 err[OUT_MAX];	/* and stderr */
};

static int64_t
fake_clock(void *arg)
{
	return ((struct fixture *)arg)->now;
}

/* The relay next to this test in the same build tree: build/tests/test_x ->
 * build/relay/tocsin-relay. */
static void
find_relay(struct fixture *f)
{
	char	self[PATH_MAX], *d;
	ssize_t	n;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	assert_true(n > 0);
	self[n] = '\0';
	d = dirname(dirname(self));
	snprintf(f->relay, sizeof(f->relay), "%s/relay/tocsin-relay", d);
	if (access(f->relay, X_OK) == -1)
		fail_msg("%s: %s (build tocsin-relay first)", f->relay,
		    strerror(errno));
}

static void
slurp(const char *file, char *out)
{
	FILE	*fp;
	size_t	 n;

	assert_non_null(fp = fopen(file, "r"));
	n = fread(out, 1, OUT_MAX - 1, fp);
	out[n] = '\0';
	fclose(fp);
}

/* Runs tocsin-relay with args (NULL-terminated, without the program name);
 * returns its exit status and leaves its output in f->out and f->err. */
static int
run(struct fixture *f, ...)
{
	char	*argv[32], outf[128], errf[128];
	va_list	 ap;
	pid_t	 pid;
	int	 i = 0, st, fo, fe;

	argv[i++] = f->relay;
	va_start(ap, f);
	while ((argv[i] = va_arg(ap, char *)) != NULL) {
		i++;
		assert_true(i < 31);
	}
	va_end(ap);
	snprintf(outf, sizeof(outf), "%s.out", f->dir);
	snprintf(errf, sizeof(errf), "%s.err", f->dir);
	assert_true((fo = open(outf, O_WRONLY | O_CREAT | O_TRUNC, 0600)) != -1);
	assert_true((fe = open(errf, O_WRONLY | O_CREAT | O_TRUNC, 0600)) != -1);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		dup2(fo, 1);
		dup2(fe, 2);
		execv(f->relay, argv);
		_exit(127);
	}
	close(fo);
	close(fe);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	slurp(outf, f->out);
	slurp(errf, f->err);
	unlink(outf);
	unlink(errf);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static void
enqueue(struct fixture *f, const char *receiver, const char *integration,
    const char *dest, int64_t want_id)
{
	struct store_msg	m;
	struct store_ack	ack;
	struct terr		err;

	memset(&m, 0, sizeof(m));
	m.receiver = receiver;
	m.integration = integration;
	m.dest = dest;
	m.payload = "<b>PAYLOAD-SECRET</b>";
	m.payload_len = strlen(m.payload);
	assert_int_equal(store_enqueue(f->s, &m, 1, 0, &ack, &err), 0);
	assert_int_equal(ack.verdict, STORE_ACCEPTED);
	assert_int_equal(ack.id, want_id);
}

/*
 * 1 pending, never tried; 2 pending after two failures (retried);
 * 3 dead with a long multi-line error; 4 delivered; 5 dead, short error.
 * Destinations carry secrets that must never be printed.
 */
static int
setup(void **state)
{
	struct fixture		*f;
	struct store_params	 p;
	struct terr		 err;

	f = calloc(1, sizeof(*f));
	assert_non_null(f);
	find_relay(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/tocsin-queue-cli-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->now = T0;
	memset(&p, 0, sizeof(p));
	p.path = f->dir;
	p.clock = fake_clock;
	p.clock_arg = f;
	f->s = store_open(&p, &err);
	assert_non_null(f->s);

	enqueue(f, "pager", "telegram/0", "telegram:123:SECRET-CHAT", 1);
	f->now = T0 + 1500;
	enqueue(f, "équipe-ops", "slack/1", "https://hooks.slack.com/services/SECRET", 2);
	f->now = T0 + 60000;
	assert_int_equal(store_mark_retry(f->s, 2, T0 + 90000,
	    "HTTP 503 Service Unavailable", &err), 0);
	f->now = T0 + 120000;
	enqueue(f, "mail", "email/0", "smtp:mail.example.org:25:SECRET", 3);
	assert_int_equal(store_mark_retry(f->s, 2, T0 + 3600000,
	    "HTTP 429 Too Many Requests", &err), 0);
	f->now = T0 + 180000;
	assert_int_equal(store_mark_dead(f->s, 3, "550 5.1.1 <ops@example.org>:\r\n"
	    "Recipient address rejected: User unknown in virtual mailbox table",
	    &err), 0);
	enqueue(f, "pager", "telegram/0", "telegram:123:SECRET-CHAT", 4);
	assert_int_equal(store_mark_delivered(f->s, 4, &err), 0);
	f->now = T0 + 86400000;
	enqueue(f, "hooks", "webhook/0", "https://example.org/SECRET", 5);
	assert_int_equal(store_mark_dead(f->s, 5, "HTTP 404 Not Found", &err), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	char		 cmd[128];

	store_close(f->s);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void
assert_no_secrets(const char *out)
{
	assert_null(strstr(out, "SECRET"));
}

#define HEADER \
	"ID  STATE    RECEIVER    INTEGRATION  ATTEMPTS  CREATED               NEXT ATTEMPT          LAST ERROR                                                    \n"

static const char table_default[] =
	HEADER
	"1   pending  pager       telegram/0   0         2026-11-23T13:48:45Z  2026-11-23T13:48:45Z                                                                \n"
	"2   pending  équipe-ops  slack/1      2         2026-11-23T13:48:46Z  2026-11-23T14:48:45Z  HTTP 429 Too Many Requests                                    \n"
	"3   dead     mail        email/0      1         2026-11-23T13:50:45Z                        550 5.1.1 <ops@example.org>:  Recipient address rejected:...  \n"
	"5   dead     hooks       webhook/0    1         2026-11-24T13:48:45Z                        HTTP 404 Not Found                                            \n";

static void
test_queue_list_table_shows_pending_and_dead_by_default(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(run(f, "queue", "--storage.path", f->dir, "list", NULL), 0);
	assert_string_equal(f->out, table_default);
	assert_string_equal(f->err, "");
	assert_no_secrets(f->out);
	assert_null(strstr(f->out, "PAYLOAD"));
}

static void
test_queue_list_state_filters(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(run(f, "queue", "list", "--state=delivered",
	    "--storage.path", f->dir, NULL), 0);
	assert_string_equal(f->out,
	    "ID  STATE      RECEIVER  INTEGRATION  ATTEMPTS  CREATED               NEXT ATTEMPT  LAST ERROR  \n"
	    "4   delivered  pager     telegram/0   0         2026-11-23T13:51:45Z                            \n");
	assert_int_equal(run(f, "queue", "--storage.path", f->dir,
	    "--state", "pending", "list", NULL), 0);
	assert_string_equal(f->out,
	    "ID  STATE    RECEIVER    INTEGRATION  ATTEMPTS  CREATED               NEXT ATTEMPT          LAST ERROR                  \n"
	    "1   pending  pager       telegram/0   0         2026-11-23T13:48:45Z  2026-11-23T13:48:45Z                              \n"
	    "2   pending  équipe-ops  slack/1      2         2026-11-23T13:48:46Z  2026-11-23T14:48:45Z  HTTP 429 Too Many Requests  \n");
	assert_int_equal(run(f, "queue", "--storage.path", f->dir,
	    "--state=all", "list", NULL), 0);
	assert_string_equal(f->out,
	    "ID  STATE      RECEIVER    INTEGRATION  ATTEMPTS  CREATED               NEXT ATTEMPT          LAST ERROR                                                    \n"
	    "1   pending    pager       telegram/0   0         2026-11-23T13:48:45Z  2026-11-23T13:48:45Z                                                                \n"
	    "2   pending    équipe-ops  slack/1      2         2026-11-23T13:48:46Z  2026-11-23T14:48:45Z  HTTP 429 Too Many Requests                                    \n"
	    "3   dead       mail        email/0      1         2026-11-23T13:50:45Z                        550 5.1.1 <ops@example.org>:  Recipient address rejected:...  \n"
	    "4   delivered  pager       telegram/0   0         2026-11-23T13:51:45Z                                                                                      \n"
	    "5   dead       hooks       webhook/0    1         2026-11-24T13:48:45Z                        HTTP 404 Not Found                                            \n");
	assert_string_equal(f->err, "");
}

static void
test_queue_list_json_lines(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(run(f, "queue", "--storage.path", f->dir, "-o", "json",
	    "list", NULL), 0);
	assert_string_equal(f->out,
	    "{\"id\":1,\"state\":\"pending\",\"receiver\":\"pager\",\"integration\":\"telegram/0\","
	    "\"attempts\":0,\"created\":\"2026-11-23T13:48:45Z\",\"next_attempt\":\"2026-11-23T13:48:45Z\","
	    "\"last_error\":\"\"}\n"
	    "{\"id\":2,\"state\":\"pending\",\"receiver\":\"équipe-ops\",\"integration\":\"slack/1\","
	    "\"attempts\":2,\"created\":\"2026-11-23T13:48:46Z\",\"next_attempt\":\"2026-11-23T14:48:45Z\","
	    "\"last_error\":\"HTTP 429 Too Many Requests\"}\n"
	    "{\"id\":3,\"state\":\"dead\",\"receiver\":\"mail\",\"integration\":\"email/0\","
	    "\"attempts\":1,\"created\":\"2026-11-23T13:50:45Z\",\"next_attempt\":null,"
	    "\"last_error\":\"550 5.1.1 \\u003cops@example.org\\u003e:\\r\\nRecipient address rejected: "
	    "User unknown in virtual mailbox table\"}\n"
	    "{\"id\":5,\"state\":\"dead\",\"receiver\":\"hooks\",\"integration\":\"webhook/0\","
	    "\"attempts\":1,\"created\":\"2026-11-24T13:48:45Z\",\"next_attempt\":null,"
	    "\"last_error\":\"HTTP 404 Not Found\"}\n");
	assert_string_equal(f->err, "");
	assert_no_secrets(f->out);
	assert_int_equal(run(f, "queue", "--storage.path", f->dir, "--output=json",
	    "--state=delivered", "list", NULL), 0);
	assert_string_equal(f->out,
	    "{\"id\":4,\"state\":\"delivered\",\"receiver\":\"pager\",\"integration\":\"telegram/0\","
	    "\"attempts\":0,\"created\":\"2026-11-23T13:51:45Z\",\"next_attempt\":null,"
	    "\"last_error\":\"\"}\n");
}

/* While this process holds the store open like a running relay. */
static void
test_queue_retry_moves_dead_to_pending(void **state)
{
	struct fixture		*f = *state;
	struct store_entry	*e = NULL;
	struct terr		 err;
	struct timespec		 ts;
	int64_t			 before, after;

	clock_gettime(CLOCK_REALTIME, &ts);
	before = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	assert_int_equal(run(f, "queue", "--storage.path", f->dir, "retry", "3",
	    NULL), 0);
	clock_gettime(CLOCK_REALTIME, &ts);
	after = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	assert_string_equal(f->out, "message 3: dead -> pending\n");
	assert_string_equal(f->err, "");

	assert_int_equal(run(f, "queue", "--storage.path", f->dir,
	    "--state=dead", "list", NULL), 0);
	assert_string_equal(f->out,
	    "ID  STATE  RECEIVER  INTEGRATION  ATTEMPTS  CREATED               NEXT ATTEMPT  LAST ERROR          \n"
	    "5   dead   hooks     webhook/0    1         2026-11-24T13:48:45Z                HTTP 404 Not Found  \n");

	/* Due at the CLI's own clock, attempts reset, the reason kept. */
	assert_int_equal(store_get(f->s, 3, &e, &err), 0);
	assert_non_null(e);
	assert_int_equal(e->state, STORE_PENDING);
	assert_int_equal(e->attempts, 0);
	assert_true(e->next_attempt >= before && e->next_attempt <= after);
	assert_string_equal(e->receiver, "mail");
	store_entry_free(e);

	/* A second retry finds it pending. */
	assert_int_equal(run(f, "queue", "--storage.path", f->dir, "retry", "3",
	    NULL), 1);
	assert_string_equal(f->out, "");
	assert_string_equal(f->err,
	    "tocsin-relay: error: message 3 is pending, not dead\n");
}

static void
test_queue_drop_deletes_in_any_state(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(run(f, "queue", "--storage.path", f->dir, "drop", "2",
	    NULL), 0);
	assert_string_equal(f->out, "message 2 dropped\n");
	assert_string_equal(f->err, "");
	assert_int_equal(run(f, "queue", "drop", "5", "--storage.path", f->dir,
	    NULL), 0);
	assert_string_equal(f->out, "message 5 dropped\n");
	assert_int_equal(run(f, "queue", "--storage.path", f->dir, "list", NULL), 0);
	assert_string_equal(f->out,
	    "ID  STATE    RECEIVER  INTEGRATION  ATTEMPTS  CREATED               NEXT ATTEMPT          LAST ERROR                                                    \n"
	    "1   pending  pager     telegram/0   0         2026-11-23T13:48:45Z  2026-11-23T13:48:45Z                                                                \n"
	    "3   dead     mail      email/0      1         2026-11-23T13:50:45Z                        550 5.1.1 <ops@example.org>:  Recipient address rejected:...  \n");
	assert_int_equal(run(f, "queue", "--storage.path", f->dir, "drop", "2",
	    NULL), 1);
	assert_string_equal(f->out, "");
	assert_string_equal(f->err, "tocsin-relay: error: no message 2\n");
}

static void
test_queue_list_empty_store_prints_the_header(void **state)
{
	struct fixture	*f = *state;
	struct terr	 err;
	int		 id;

	for (id = 1; id <= 5; id++)
		assert_int_equal(store_drop(f->s, id, &err), 0);
	assert_int_equal(run(f, "queue", "--storage.path", f->dir, "list", NULL), 0);
	assert_string_equal(f->out,
	    "ID  STATE  RECEIVER  INTEGRATION  ATTEMPTS  CREATED  NEXT ATTEMPT  LAST ERROR  \n");
	assert_int_equal(run(f, "queue", "--storage.path", f->dir, "-o", "json",
	    "list", NULL), 0);
	assert_string_equal(f->out, "");
}

struct writer {
	struct fixture	*f;
	atomic_bool	 stop;
	int		 stored;
	int		 failed;
};

/* The relay's side: one committed enqueue after another. */
static void *
write_loop(void *arg)
{
	struct writer		*w = arg;
	struct store_msg	 m;
	struct store_ack	 ack;
	struct terr		 err;

	memset(&m, 0, sizeof(m));
	m.receiver = "pager";
	m.integration = "telegram/0";
	m.dest = "telegram:123:SECRET-CHAT";
	m.payload = "x";
	m.payload_len = 1;
	while (!atomic_load(&w->stop) || w->stored < 20) {
		if (store_enqueue(w->f->s, &m, 1, 0, &ack, &err) == -1)
			w->failed++;
		else
			w->stored++;
	}
	return NULL;
}

/* Both processes write the same database: the CLI waits for the relay's
 * write lock instead of failing, and neither loses anything. */
static void
test_queue_retry_and_drop_while_the_relay_writes(void **state)
{
	struct fixture	*f = *state;
	struct writer	 w;
	pthread_t	 t;
	int64_t		 counts[STORE_NSTATES];
	struct terr	 err;
	int		 rc1, rc2, rc3;

	memset(&w, 0, sizeof(w));
	w.f = f;
	atomic_init(&w.stop, false);
	assert_int_equal(pthread_create(&t, NULL, write_loop, &w), 0);
	rc1 = run(f, "queue", "--storage.path", f->dir, "retry", "3", NULL);
	assert_string_equal(f->out, "message 3: dead -> pending\n");
	rc2 = run(f, "queue", "--storage.path", f->dir, "drop", "5", NULL);
	assert_string_equal(f->out, "message 5 dropped\n");
	rc3 = run(f, "queue", "--storage.path", f->dir, "--state=dead", "list", NULL);
	atomic_store(&w.stop, true);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(rc1, 0);
	assert_int_equal(rc2, 0);
	assert_int_equal(rc3, 0);
	assert_string_equal(f->out,
	    "ID  STATE  RECEIVER  INTEGRATION  ATTEMPTS  CREATED  NEXT ATTEMPT  LAST ERROR  \n");
	assert_int_equal(w.failed, 0);
	assert_int_equal(store_count(f->s, counts, &err), 0);
	/* 1, 2, 3 and everything the writer stored are pending; 4 delivered. */
	assert_int_equal(counts[STORE_PENDING], 3 + w.stored);
	assert_int_equal(counts[STORE_DELIVERED], 1);
	assert_int_equal(counts[STORE_DEAD], 0);
}

struct errcase {
	const char	*args[6];	/* after "queue"; "@" is the store's directory */
	const char	*want;		/* stderr; "@" as above */
};

static void
expand(const char *tmpl, const char *dir, char *out, size_t len)
{
	size_t	o = 0;

	for (; *tmpl != '\0' && o + 1 < len; tmpl++) {
		if (*tmpl == '@')
			o += (size_t)snprintf(out + o, len - o, "%s", dir);
		else
			out[o++] = *tmpl;
	}
	out[o < len ? o : len - 1] = '\0';
}

static void
test_queue_errors_name_the_problem_and_exit_1(void **state)
{
	static const struct errcase cases[] = {
		{ { "list" }, "--storage.path or --storage.url is required" },
		{ { "--storage.path=", "list" }, "--storage.path or --storage.url is required" },
		{ { "--storage.path=@/missing", "list" },
		  "no queue at @/missing: No such file or directory" },
		{ { "--storage.path=@/empty", "list" },
		  "no queue at @/empty: queue.db: No such file or directory" },
		{ { "--storage.path=@/empty", "retry", "1" },
		  "no queue at @/empty: queue.db: No such file or directory" },
		{ { "--storage.path=@/empty", "drop", "1" },
		  "no queue at @/empty: queue.db: No such file or directory" },
		{ { "--storage.path=@/queue.db", "list" },
		  "no queue at @/queue.db: not a directory" },
		{ { "--storage.path=@" },
		  "expected a command: list, retry ID or drop ID" },
		{ { "--storage.path=@", "purge" },
		  "unknown command 'purge' (list, retry or drop)" },
		{ { "--storage.path=@", "list", "1" }, "unexpected 1" },
		{ { "--storage.path=@", "retry" }, "retry needs a message id" },
		{ { "--storage.path=@", "drop" }, "drop needs a message id" },
		{ { "--storage.path=@", "drop", "1", "2" }, "unexpected 2" },
		{ { "--storage.path=@", "retry", "abc" }, "invalid message id 'abc'" },
		{ { "--storage.path=@", "retry", "0" }, "invalid message id '0'" },
		{ { "--storage.path=@", "drop", "-3" }, "invalid message id '-3'" },
		{ { "--storage.path=@", "drop", "4x" }, "invalid message id '4x'" },
		{ { "--storage.path=@", "drop", "99999999999999999999" },
		  "invalid message id '99999999999999999999'" },
		{ { "--storage.path=@", "retry", "--state=dead", "3" },
		  "--state applies to list only" },
		{ { "--storage.path=@", "drop", "3", "-o", "json" },
		  "--output applies to list only" },
		{ { "--storage.path=@", "retry", "42" }, "no message 42" },
		{ { "--storage.path=@", "retry", "1" },
		  "message 1 is pending, not dead" },
		{ { "--storage.path=@", "retry", "4" },
		  "message 4 is delivered, not dead" },
		{ { "--storage.path=@", "drop", "42" }, "no message 42" },
		{ { "--storage.path=@", "--state=failed", "list" },
		  "invalid --state 'failed' (pending, dead, delivered or all)" },
		{ { "--storage.path=@", "-o", "yaml", "list" },
		  "invalid --output 'yaml' (simple or json)" },
		{ { "--storage.path=@", "--verbose", "list" },
		  "unknown long flag '--verbose'" },
		{ { "list", "--storage.path" },
		  "expected argument for flag '--storage.path'" },
	};
	struct fixture	*f = *state;
	char		 args[6][256], want[512], empty[128], *a[6];
	size_t		 i, j;
	struct stat	 st;
	int		 rc;

	snprintf(empty, sizeof(empty), "%s/empty", f->dir);
	assert_int_equal(mkdir(empty, 0700), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(a, 0, sizeof(a));
		for (j = 0; j < 6 && cases[i].args[j] != NULL; j++) {
			expand(cases[i].args[j], f->dir, args[j], sizeof(args[j]));
			a[j] = args[j];
		}
		expand(cases[i].want, f->dir, want, sizeof(want) - 22);
		memmove(want + 21, want, strlen(want) + 1);
		memcpy(want, "tocsin-relay: error: ", 21);
		strcat(want, "\n");
		rc = run(f, "queue", a[0], a[1], a[2], a[3], a[4], NULL);
		if (rc != 1 || strcmp(f->err, want) != 0 || f->out[0] != '\0')
			fail_msg("case %zu: exit %d, stdout \"%s\", stderr \"%s\", "
			    "want \"%s\"", i, rc, f->out, f->err, want);
	}
	/* Nothing was created where no store was. */
	snprintf(empty, sizeof(empty), "%s/missing", f->dir);
	assert_int_equal(stat(empty, &st), -1);
	snprintf(empty, sizeof(empty), "%s/empty/queue.db", f->dir);
	assert_int_equal(stat(empty, &st), -1);
	/* And the refused changes changed nothing. */
	assert_int_equal(run(f, "queue", "--storage.path", f->dir, "list", NULL), 0);
	assert_string_equal(f->out, table_default);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_queue_list_table_shows_pending_and_dead_by_default, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_list_state_filters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_list_json_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_retry_moves_dead_to_pending, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_drop_deletes_in_any_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_list_empty_store_prints_the_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_retry_and_drop_while_the_relay_writes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_errors_name_the_problem_and_exit_1, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
