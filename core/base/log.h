/* log.h: structured logging in Alertmanager's style (logfmt or JSON lines).
 *
 *   ts=2026-11-23T13:49:41.313Z caller=intake.c:88 level=info msg="..." key=value
 *
 * The level, format and sink are process-wide and set once in main() before
 * any thread starts; they are the one deliberate global besides the signal
 * flag, because threading a logger through every call would obscure the code
 * more than it protects, and so are the secrets redacted from every value
 * (log_set_redactor). Values are passed as strings; never pass secrets. */
#ifndef TOCSIN_LOG_H
#define TOCSIN_LOG_H

#include <stdint.h>
#include <stdio.h>

#include "err.h"

enum log_level {
	LOGL_DEBUG,
	LOGL_INFO,
	LOGL_WARN,
	LOGL_ERROR,
};

enum log_format {
	LOGF_LOGFMT,
	LOGF_JSON,
};

/* Where formatted lines go (without the trailing newline). Default: stderr. */
typedef void (*log_sink_fn)(const char *line, void *arg);

/* Sets the level and format, and forgets the lines counted against the
 * limit below. */
void	log_setup(enum log_level level, enum log_format format);
/* Replaces the sink (tests capture lines this way); NULL restores stderr. */
void	log_set_sink(log_sink_fn fn, void *arg);
/* The secrets taken out of every value logged from now on (redact.h): the
 * loaded configuration's, set again by each load, so that a secret reaches
 * no log line whatever text carries it (an upstream's error quoting the
 * request). Takes a reference; NULL logs values as they are. Any thread. */
struct redactor;
void	log_set_redactor(struct redactor *r);
int	log_parse_level(const char *s, enum log_level *out);
int	log_parse_format(const char *s, enum log_format *out);
int	log_enabled(enum log_level level);

/* The monotonic clock (ms) that paces warnings and errors; NULL restores
 * the real one. For tests. */
void	log_set_clock(int64_t (*now_ms)(void));

/* Emits msg followed by key/value string pairs, terminated by NULL. A NULL
 * value is written as an empty string. Warnings and errors are limited to
 * 20 lines per call site in 10 s; the next line written after that carries
 * dropped=N, the lines left out. */
void	log_kv(enum log_level level, const char *file, int line, const char *msg, ...);

#define log_debug(...) log_kv(LOGL_DEBUG, __FILE__, __LINE__, __VA_ARGS__, (const char *)NULL)
#define log_info(...) log_kv(LOGL_INFO, __FILE__, __LINE__, __VA_ARGS__, (const char *)NULL)
#define log_warn(...) log_kv(LOGL_WARN, __FILE__, __LINE__, __VA_ARGS__, (const char *)NULL)
#define log_error(...) log_kv(LOGL_ERROR, __FILE__, __LINE__, __VA_ARGS__, (const char *)NULL)

#endif
