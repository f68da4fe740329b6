/* log.c: logfmt / JSON line formatting and the process-wide log settings. */
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "clock.h"
#include "log.h"
#include "redact.h"

static struct {
	enum log_level	 level;
	enum log_format	 format;
	log_sink_fn	 sink;
	void		*sink_arg;
} logcfg = { LOGL_INFO, LOGF_LOGFMT, NULL, NULL };

static const char *level_names[] = { "debug", "info", "warn", "error" };

/*
 * Warnings and errors are limited per call site: a full disk or a dead
 * database fails every request, and thousands of identical lines a second
 * would bury the first one and fill the journal. Each site may write
 * LOG_BURST lines per LOG_WINDOW_MS; the rest are counted, and the site's
 * next line after the window says how many were dropped (dropped=N). The
 * table is small and keyed by file and line; two sites sharing a slot only
 * share a budget.
 */
#define LOG_BURST	20
#define LOG_WINDOW_MS	10000
#define LOG_SITES	128

static struct site {
	const char	*file;
	int		 line;
	int64_t		 start;		/* window start, monotonic ms */
	unsigned	 written;	/* lines in this window */
	uint64_t	 dropped;	/* since the last line written */
} sites[LOG_SITES];
static pthread_mutex_t	 sites_mu = PTHREAD_MUTEX_INITIALIZER;
static int64_t		(*log_now)(void) = mono_ms;

void
log_set_clock(int64_t (*now_ms)(void))
{
	log_now = now_ms != NULL ? now_ms : mono_ms;
}

/* Whether the line may be written; *dropped gets the count to report. */
static bool
site_admit(const char *file, int line, uint64_t *dropped)
{
	struct site	*st;
	uintptr_t	 h = (uintptr_t)file * 31u + (uintptr_t)line;
	int64_t		 now = log_now();
	bool		 ok;

	pthread_mutex_lock(&sites_mu);
	st = &sites[(h ^ h >> 7) % LOG_SITES];
	if (st->file != file || st->line != line) {
		*st = (struct site){ file, line, now, 0, 0 };
	} else if (now - st->start >= LOG_WINDOW_MS) {
		st->start = now;
		st->written = 0;
	}
	if ((ok = st->written < LOG_BURST)) {
		st->written++;
		*dropped = st->dropped;
		st->dropped = 0;
	} else
		st->dropped++;
	pthread_mutex_unlock(&sites_mu);
	return ok;
}

/* Replaced by every config load while other threads log: under a lock,
 * each line holding its own reference. */
static pthread_mutex_t	 redact_mu = PTHREAD_MUTEX_INITIALIZER;
static struct redactor	*redact_cur;

void
log_set_redactor(struct redactor *r)
{
	struct redactor *old;

	r = redactor_ref(r);
	pthread_mutex_lock(&redact_mu);
	old = redact_cur;
	redact_cur = r;
	pthread_mutex_unlock(&redact_mu);
	redactor_unref(old);
}

static struct redactor *
redactor_hold(void)
{
	struct redactor *r;

	pthread_mutex_lock(&redact_mu);
	r = redactor_ref(redact_cur);
	pthread_mutex_unlock(&redact_mu);
	return r;
}

void
log_setup(enum log_level level, enum log_format format)
{
	logcfg.level = level;
	logcfg.format = format;
	pthread_mutex_lock(&sites_mu);
	memset(sites, 0, sizeof(sites));
	pthread_mutex_unlock(&sites_mu);
}

void
log_set_sink(log_sink_fn fn, void *arg)
{
	logcfg.sink = fn;
	logcfg.sink_arg = arg;
}

int
log_parse_level(const char *s, enum log_level *out)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (strcmp(s, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

int
log_parse_format(const char *s, enum log_format *out)
{
	if (strcmp(s, "logfmt") == 0)
		*out = LOGF_LOGFMT;
	else if (strcmp(s, "json") == 0)
		*out = LOGF_JSON;
	else
		return -1;
	return 0;
}

int
log_enabled(enum log_level level)
{
	return level >= logcfg.level;
}

/* logfmt quotes a value when it is empty or holds a space, '=', '"' or a
 * control character, as go-logfmt does. */
static int
logfmt_needs_quotes(const char *v)
{
	if (*v == '\0')
		return 1;
	for (; *v; v++)
		if ((unsigned char)*v <= ' ' || *v == '=' || *v == '"' || *v == 0x7f)
			return 1;
	return 0;
}

static int
add_escaped(struct buf *b, const char *v)
{
	int r = 0;

	for (; *v && r == 0; v++) {
		unsigned char c = (unsigned char)*v;

		switch (c) {
		case '"':  r = buf_adds(b, "\\\""); break;
		case '\\': r = buf_adds(b, "\\\\"); break;
		case '\n': r = buf_adds(b, "\\n"); break;
		case '\r': r = buf_adds(b, "\\r"); break;
		case '\t': r = buf_adds(b, "\\t"); break;
		default:
			if (c < 0x20 || c == 0x7f)
				r = buf_printf(b, "\\u%04x", c);
			else
				r = buf_addc(b, (char)c);
		}
	}
	return r;
}

static int
add_field(struct buf *b, const char *key, const char *value)
{
	int r;

	if (value == NULL)
		value = "";
	if (logcfg.format == LOGF_JSON) {
		r = buf_adds(b, b->len > 1 ? ",\"" : "\"");
		r |= add_escaped(b, key);
		r |= buf_adds(b, "\":\"");
		r |= add_escaped(b, value);
		r |= buf_addc(b, '"');
		return r;
	}
	r = b->len ? buf_addc(b, ' ') : 0;
	r |= buf_printf(b, "%s=", key);
	if (!logfmt_needs_quotes(value))
		return r | buf_adds(b, value);
	r |= buf_addc(b, '"');
	r |= add_escaped(b, value);
	return r | buf_addc(b, '"');
}

void
log_kv(enum log_level level, const char *file, int line, const char *msg, ...)
{
	char		 ts[64], caller[160], ndropped[24];
	const char	*base, *k, *v;
	uint64_t	 dropped = 0;
	struct timespec	 now;
	struct tm	 tm;
	struct buf	 b, clean;
	struct redactor	*red;
	va_list		 ap;
	int		 r;

	if (!log_enabled(level))
		return;
	if (level >= LOGL_WARN && !site_admit(file, line, &dropped))
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	snprintf(ts, sizeof(ts), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (long)(now.tv_nsec / 1000000) % 1000);
	base = strrchr(file, '/');
	snprintf(caller, sizeof(caller), "%s:%d", base ? base + 1 : file, line);

	buf_init(&b, 64 * 1024);
	r = logcfg.format == LOGF_JSON ? buf_addc(&b, '{') : 0;
	r |= add_field(&b, "ts", ts);
	r |= add_field(&b, "caller", caller);
	r |= add_field(&b, "level", level_names[level]);
	r |= add_field(&b, "msg", msg);
	red = redactor_hold();
	buf_init(&clean, 64 * 1024);
	va_start(ap, msg);
	while (r == 0 && (k = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		if (red != NULL && v != NULL) {
			buf_reset(&clean);
			/* Cut short rather than unredacted. */
			if (redactor_text(red, v, &clean) == -1 &&
			    buf_adds(&clean, "...") == -1)
				buf_reset(&clean);
			v = buf_str(&clean);
		}
		r |= add_field(&b, k, v);
	}
	va_end(ap);
	buf_free(&clean);
	redactor_unref(red);
	if (dropped > 0) {
		snprintf(ndropped, sizeof(ndropped), "%" PRIu64, dropped);
		r |= add_field(&b, "dropped", ndropped);
	}
	if (logcfg.format == LOGF_JSON)
		r |= buf_addc(&b, '}');
	/* A line too long for the cap is still worth a truncated line. */
	(void)r;
	if (logcfg.sink)
		logcfg.sink(buf_str(&b), logcfg.sink_arg);
	else {
		flockfile(stderr);
		fputs(buf_str(&b), stderr);
		fputc('\n', stderr);
		funlockfile(stderr);
		fflush(stderr);
	}
	buf_free(&b);
}
