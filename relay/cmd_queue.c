/* cmd_queue.c: `tocsin-relay queue --storage.path=DIR list|retry ID|drop ID`
 * (or --storage.url=URL for the queue in PostgreSQL), the operator's view
 * of the durable queue: what waits, what died, and why. */
#include <sys/stat.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "relay_cmd.h"
#include "flags.h"
#include "jsonw.h"
#include "secretfile.h"
#include "store.h"
#include "utf8.h"

#define QUEUE_USAGE \
	"tocsin-relay queue --storage.path=DIR|--storage.url=URL " \
	"[--state=pending|dead|delivered|all] [-o simple|json] list | retry ID | drop ID\n\n" \
	"Lists the messages in the delivery queue under --storage.path (or in the " \
	"PostgreSQL database of --storage.url), sends one again (retry) or removes it (drop)."

#define ERROR_MAX	60	/* characters of last_error in the table */
#define NCOLS		8

static int
fail(const char *msg)
{
	/* The store prefixes its messages for the daemon's logs; here the
	 * command already says where they come from. */
	if (strncmp(msg, "store: ", 7) == 0)
		msg += 7;
	fprintf(stderr, "tocsin-relay: error: %s\n", msg);
	return 1;
}

/* A table cell: one line whatever the text holds (an upstream's error can
 * span lines), invalid UTF-8 as '?', and at most max characters (0: no
 * limit), the cut marked with "...". *width gets the cell's width in
 * characters. Caller frees. */
static char *
cell(const char *text, size_t max, size_t *width)
{
	const unsigned char	*s = (const unsigned char *)text;
	struct buf		 b;
	size_t			 n = strlen(text), i = 0, len, chars = 0, total = 0;
	size_t			 keep = SIZE_MAX;
	uint32_t		 r;

	/* Count first, so that the cut leaves room for the marker. */
	while (i < n) {
		i += utf8_seqlen(s + i, n - i);
		total++;
	}
	if (max > 3 && total > max)
		keep = max - 3;
	buf_init(&b, 0);
	for (i = 0; i < n && chars < keep; chars++) {
		len = utf8_decode(s + i, n - i, &r);
		if (len == 0) {
			if (buf_addc(&b, '?') == -1)
				goto nomem;
			i++;
		} else if (len == 1 && (s[i] < 0x20 || s[i] == 0x7f)) {
			if (buf_addc(&b, ' ') == -1)
				goto nomem;
			i++;
		} else {
			if (buf_add(&b, s + i, len) == -1)
				goto nomem;
			i += len;
		}
	}
	if (keep != SIZE_MAX) {
		if (buf_adds(&b, "...") == -1)
			goto nomem;
		chars += 3;
	}
	*width = chars;
	return buf_steal(&b);
nomem:
	buf_free(&b);
	return NULL;
}

/* RFC 3339 in UTC, to the second, as amtool prints times. */
static void
fmt_time(int64_t ms, char out[32])
{
	struct tm	tm;
	time_t		t;
	int64_t		sec = ms / 1000;

	if (ms % 1000 < 0)
		sec--;
	t = (time_t)sec;
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, 32, "%" PRId64, ms);
}

/* The table like amtool's simple output (Go's tabwriter with padding 2 and
 * every cell tab-terminated): each column as wide as its widest cell plus two
 * spaces, the last one included. */
static int
print_table(const struct store_entry *e, size_t n)
{
	static const char *const head[NCOLS] = { "ID", "STATE", "RECEIVER",
	    "INTEGRATION", "ATTEMPTS", "CREATED", "NEXT ATTEMPT", "LAST ERROR" };
	char		**cells = NULL, num[32], t1[32], t2[32];
	size_t		 *w = NULL, colw[NCOLS], i, c, rows = n + 1;
	const char	 *src[NCOLS];
	char		  idbuf[32];
	int		  rc = -1;

	if ((cells = calloc(rows * NCOLS, sizeof(*cells))) == NULL ||
	    (w = calloc(rows * NCOLS, sizeof(*w))) == NULL)
		goto out;
	for (i = 0; i < rows; i++) {
		if (i == 0) {
			memcpy(src, head, sizeof(src));
		} else {
			const struct store_entry *m = &e[i - 1];

			snprintf(idbuf, sizeof(idbuf), "%" PRId64, m->id);
			snprintf(num, sizeof(num), "%d", m->attempts);
			fmt_time(m->created, t1);
			t2[0] = '\0';
			if (m->state == STORE_PENDING)
				fmt_time(m->next_attempt, t2);
			src[0] = idbuf;
			src[1] = store_state_str(m->state);
			src[2] = m->receiver;
			src[3] = m->integration;
			src[4] = num;
			src[5] = t1;
			src[6] = t2;
			src[7] = m->last_error;
		}
		for (c = 0; c < NCOLS; c++) {
			cells[i * NCOLS + c] = cell(src[c],
			    i > 0 && c == NCOLS - 1 ? ERROR_MAX : 0, &w[i * NCOLS + c]);
			if (cells[i * NCOLS + c] == NULL)
				goto out;
		}
	}
	for (c = 0; c < NCOLS; c++) {
		colw[c] = 0;
		for (i = 0; i < rows; i++)
			if (w[i * NCOLS + c] > colw[c])
				colw[c] = w[i * NCOLS + c];
	}
	for (i = 0; i < rows; i++) {
		for (c = 0; c < NCOLS; c++)
			printf("%s%*s", cells[i * NCOLS + c],
			    (int)(colw[c] - w[i * NCOLS + c] + 2), "");
		putchar('\n');
	}
	rc = 0;
out:
	if (cells != NULL)
		for (i = 0; i < rows * NCOLS; i++)
			free(cells[i]);
	free(cells);
	free(w);
	return rc;
}

/* One JSON object per line with the table's fields; last_error in full. */
static int
print_json(const struct store_entry *e, size_t n)
{
	struct buf	b;
	char		t1[32], t2[32];
	size_t		i;
	int		rc = -1;

	buf_init(&b, 0);
	for (i = 0; i < n; i++) {
		buf_reset(&b);
		fmt_time(e[i].created, t1);
		if (buf_printf(&b, "{\"id\":%" PRId64 ",\"state\":\"%s\",\"receiver\":",
		    e[i].id, store_state_str(e[i].state)) == -1 ||
		    jsonw_cstr(&b, e[i].receiver) == -1 ||
		    buf_adds(&b, ",\"integration\":") == -1 ||
		    jsonw_cstr(&b, e[i].integration) == -1 ||
		    buf_printf(&b, ",\"attempts\":%d,\"created\":\"%s\",\"next_attempt\":",
		    e[i].attempts, t1) == -1)
			goto out;
		if (e[i].state == STORE_PENDING) {
			fmt_time(e[i].next_attempt, t2);
			if (buf_printf(&b, "\"%s\"", t2) == -1)
				goto out;
		} else if (buf_adds(&b, "null") == -1)
			goto out;
		if (buf_adds(&b, ",\"last_error\":") == -1 ||
		    jsonw_cstr(&b, e[i].last_error) == -1 ||
		    buf_adds(&b, "}\n") == -1)
			goto out;
		fwrite(buf_str(&b), 1, b.len, stdout);
	}
	rc = 0;
out:
	buf_free(&b);
	return rc;
}

static int
parse_states(const char *s, unsigned *states)
{
	if (s == NULL)
		*states = 1u << STORE_PENDING | 1u << STORE_DEAD;
	else if (strcmp(s, "pending") == 0)
		*states = 1u << STORE_PENDING;
	else if (strcmp(s, "dead") == 0)
		*states = 1u << STORE_DEAD;
	else if (strcmp(s, "delivered") == 0)
		*states = 1u << STORE_DELIVERED;
	else if (strcmp(s, "all") == 0)
		*states = 1u << STORE_PENDING | 1u << STORE_DEAD | 1u << STORE_DELIVERED;
	else
		return -1;
	return 0;
}

/* A message id as the store hands them out: a positive decimal integer. */
static int
parse_id(const char *s, int64_t *id)
{
	char		*end;
	long long	 v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v <= 0)
		return -1;
	*id = v;
	return 0;
}

/* The store must already exist: opening creates one, and an operator who
 * mistyped the path should hear so rather than see an empty queue. */
static int
check_store(const char *dir, struct terr *err)
{
	struct stat	 st;
	char		*file = NULL;
	int		 rc = -1;

	if (stat(dir, &st) == -1) {
		terr_set(err, "no queue at %s: %s", dir, strerror(errno));
		goto out;
	}
	if (!S_ISDIR(st.st_mode)) {
		terr_set(err, "no queue at %s: not a directory", dir);
		goto out;
	}
	/* list, retry and drop refuse to create a store, so a mistyped path
	 * is an error, not an empty queue. */
	if (asprintf(&file, "%s/%s", dir, STORE_SQLITE_FILE) == -1) {
		file = NULL;
		terr_set(err, "out of memory");
		goto out;
	}
	if (stat(file, &st) == -1) {
		terr_set(err, "no queue at %s: %s: %s", dir, STORE_SQLITE_FILE,
		    strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(file);
	return rc;
}

/* kingpin's short flag "-o X" as the long "--output X" that flags.c knows.
 * Returns a copy of argv the caller frees (the strings are argv's). */
static char **
expand_short(int argc, char **argv)
{
	char	**v;
	int	  i;

	if ((v = calloc((size_t)argc + 1, sizeof(*v))) == NULL)
		return NULL;
	for (i = 0; i < argc; i++)
		v[i] = i > 0 && strcmp(argv[i], "-o") == 0 ? "--output" : argv[i];
	return v;
}

int
cmd_queue(int argc, char **argv)
{
	const char		*path = NULL, *state = NULL, *output = NULL;
	const char		*url_s = NULL, *url_file = NULL;
	char			*url = NULL;
	const char		*sub;
	bool			 help = false, help_man = false;
	struct flag_list	 pos = { NULL, 0 };
	struct store_params	 p;
	struct store		*s = NULL;
	struct store_entry	*e = NULL;
	struct terr		 err;
	char			**av = NULL;
	size_t			 n = 0;
	unsigned		 states = 0;
	int64_t			 id = 0;
	int			 rc = 1;
	const struct flag flags[] = {
		{ "storage.path", FLAG_STRING, &path,
		  "Base path of the relay's data storage.", "DIR" },
		{ "storage.url", FLAG_STRING, &url_s,
		  "The relays' PostgreSQL database (a libpq URL), instead of --storage.path.",
		  "URL" },
		{ "storage.url-file", FLAG_STRING, &url_file,
		  "File holding the --storage.url (with its password).", "FILE" },
		{ "state", FLAG_STRING, &state,
		  "list: pending, dead, delivered or all (default: pending and dead).",
		  "STATE" },
		{ "output", FLAG_STRING, &output,
		  "Output format (-o): simple or json.", "FORMAT" },
		{ "help", FLAG_BOOL, &help, "Show this help.", NULL },
		{ "help-man", FLAG_BOOL, &help_man, NULL, NULL },
		{ NULL, 0, NULL, NULL, NULL },
	};

	if ((av = expand_short(argc, argv)) == NULL) {
		rc = fail("out of memory");
		goto out;
	}
	if (flags_parse(flags, argc, av, &pos, &err) == -1) {
		rc = fail(err.msg);
		goto out;
	}
	if (flags_help_done(help, help_man, QUEUE_USAGE, flags)) {
		rc = 0;
		goto out;
	}
	if (pos.n == 0) {
		rc = fail("expected a command: list, retry ID or drop ID");
		goto out;
	}
	sub = pos.v[0];
	if (strcmp(sub, "list") == 0) {
		if (pos.n > 1) {
			snprintf(err.msg, sizeof(err.msg), "unexpected %s", pos.v[1]);
			rc = fail(err.msg);
			goto out;
		}
		if (parse_states(state, &states) == -1) {
			snprintf(err.msg, sizeof(err.msg), "invalid --state '%s' "
			    "(pending, dead, delivered or all)", state);
			rc = fail(err.msg);
			goto out;
		}
		if (output == NULL)
			output = "simple";
		if (strcmp(output, "simple") != 0 && strcmp(output, "json") != 0) {
			snprintf(err.msg, sizeof(err.msg), "invalid --output '%s' "
			    "(simple or json)", output);
			rc = fail(err.msg);
			goto out;
		}
	} else if (strcmp(sub, "retry") == 0 || strcmp(sub, "drop") == 0) {
		if (pos.n < 2) {
			snprintf(err.msg, sizeof(err.msg), "%s needs a message id", sub);
			rc = fail(err.msg);
			goto out;
		}
		if (pos.n > 2) {
			snprintf(err.msg, sizeof(err.msg), "unexpected %s", pos.v[2]);
			rc = fail(err.msg);
			goto out;
		}
		if (state != NULL || output != NULL) {
			rc = fail(state != NULL ? "--state applies to list only" :
			    "--output applies to list only");
			goto out;
		}
		if (parse_id(pos.v[1], &id) == -1) {
			snprintf(err.msg, sizeof(err.msg),
			    "invalid message id '%s'", pos.v[1]);
			rc = fail(err.msg);
			goto out;
		}
	} else {
		snprintf(err.msg, sizeof(err.msg), "unknown command '%s' "
		    "(list, retry or drop)", sub);
		rc = fail(err.msg);
		goto out;
	}
	memset(&p, 0, sizeof(p));
	if (url_s != NULL || url_file != NULL) {
		if ((url_s != NULL) + (url_file != NULL) + (path != NULL) > 1) {
			rc = fail("give one of --storage.path, --storage.url and"
			    " --storage.url-file");
			goto out;
		}
		if (url_file != NULL && secretfile_read("--storage.url-file",
		    url_file, &url, &err) == -1) {
			rc = fail(err.msg);
			goto out;
		}
		if (url == NULL && (url = strdup(url_s)) == NULL) {
			rc = fail("out of memory");
			goto out;
		}
		p.url = url;
	} else {
		if (path == NULL || *path == '\0') {
			rc = fail("--storage.path or --storage.url is required");
			goto out;
		}
		if (check_store(path, &err) == -1) {
			rc = fail(err.msg);
			goto out;
		}
		/* A second handle next to a running relay's is fine: SQLite
		 * in WAL mode, and the store waits for the daemon's write
		 * lock. (PostgreSQL: one more client.) */
		p.path = path;
	}
	if ((s = store_open(&p, &err)) == NULL) {
		rc = fail(err.msg);
		goto out;
	}
	if (strcmp(sub, "list") == 0) {
		if (store_list(s, states, &e, &n, &err) == -1) {
			rc = fail(err.msg);
			goto out;
		}
		if ((strcmp(output, "json") == 0 ? print_json(e, n) :
		    print_table(e, n)) == -1) {
			rc = fail("out of memory");
			goto out;
		}
	} else if (strcmp(sub, "retry") == 0) {
		if (store_retry(s, id, &err) == -1) {
			rc = fail(err.msg);
			goto out;
		}
		printf("message %" PRId64 ": dead -> pending\n", id);
	} else {
		if (store_drop(s, id, &err) == -1) {
			rc = fail(err.msg);
			goto out;
		}
		printf("message %" PRId64 " dropped\n", id);
	}
	rc = 0;
out:
	if (fflush(stdout) == EOF && rc == 0)
		rc = fail("cannot write to standard output");
	store_entries_free(e, n);
	store_close(s);
	if (url != NULL) {
		explicit_bzero(url, strlen(url));
		free(url);
	}
	free(pos.v);
	free(av);
	return rc;
}
