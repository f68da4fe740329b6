/* schema.h: what every loader of Alertmanager's schema shares (the relay's
 * config, the channels' own sections, the watchdog's): the global section
 * receivers inherit from, the load state and the typed scalar readers. Every
 * reader fails with "FILE:LINE:COL: sentence" in ld->err. */
#ifndef TOCSIN_SCHEMA_H
#define TOCSIN_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "httpconfig.h"
#include "yamldoc.h"

/* The global section; receivers inherit from it. Secrets (SECRET) follow the
 * rules of httpconfig.h. */
struct cfg_global {
	int64_t			 resolve_timeout_ms;
	struct http_config	 http;
	char			*smtp_from;
	char			*smtp_hello;
	char			*smtp_smarthost;
	char			*smtp_auth_username;
	char			*smtp_auth_password;		/* SECRET */
	char			*smtp_auth_password_file;
	char			*smtp_auth_secret;		/* SECRET (inline or file) */
	char			*smtp_auth_secret_file;
	char			*smtp_auth_identity;
	bool			 smtp_require_tls;
	struct tls_config	 smtp_tls;			/* smtp_tls_config */
	/* smtp_force_implicit_tls, a *bool: unset leaves it to the port. */
	bool			 smtp_force_implicit_tls;
	bool			 smtp_force_implicit_tls_set;
	char			*slack_api_url;			/* SECRET */
	char			*slack_api_url_file;
	char			*slack_app_token;		/* SECRET */
	char			*slack_app_token_file;
	char			*slack_app_url;
	char			*telegram_api_url;
	char			*telegram_bot_token;		/* SECRET */
	char			*telegram_bot_token_file;
	char			*pagerduty_url;
	/* The last of the settings tocsin checks but has no use for. */
	char			*unused;
};

struct cfg_extra;
struct redactor;

/* An error that Alertmanager reports only once a walk is over: a route's
 * own checks after the route is decoded, Config's checks (references,
 * unique names, what receivers inherit) after the whole file. The first
 * one is kept while the walk goes on, so that a type error found later in
 * the file is still the one reported. */
struct cfg_later {
	bool			 set;
	char			 msg[TERR_MAX];		/* with its position */
};

/* The state of one load. Errors come in three kinds, as with Alertmanager's
 * loader (Go's yaml.v2 under UnmarshalStrict):
 * - a type error (an unknown or repeated field, a value of the wrong kind,
 *   a bool or integer that does not parse: cfg_type_fail) is collected and
 *   the walk goes on with the next key, so that one run reports all of
 *   them; a mapping that holds one skips its own validation, as Go's
 *   UnmarshalYAML methods return before validating;
 * - any other error (cfg_fail: a value that parses but is invalid) ends the
 *   load at once and is reported alone, whatever was collected before;
 * - a check made after a walk (cfg_defer, cfg_late) is reported only when
 *   the walk found neither. */
struct cfg_load {
	const char		*name;		/* file name in positions */
	const char		*dir;		/* base of relative paths */
	struct terr		*err;		/* the error that ended the load */
	struct cfg_global	 global;
	const struct cfg_extra	*extra;		/* NULL: alertmanager.yml */
	struct terrs		 terrors;	/* the type errors so far */
	/* Their nodes' positions (line << 32 | column), for cfg_type_errors. */
	uint64_t		*tpos;
	bool			 fatal;		/* cfg_fail was called */
	struct cfg_later	 late;		/* Config's checks (cfg_late) */
	/* Every secret value read (fields marked secret, *_file secrets,
	 * Basic credentials), for the loaded config's redactor; NULL: none
	 * kept. */
	struct redactor		*secrets;
	/* The document being walked (ydoc_stream reads a deferred list). */
	struct ydoc		*doc;
};

/* Formats "name:line:col: message" for node n (or "name: message") into
 * ld->err and ends the load: returns -1 and sets ld->fatal. */
int	cfg_fail(struct cfg_load *ld, const struct ynode *n, const char *fmt, ...)
	    PRINTF_LIKE(3, 4);
/* A type error: the same message, added to ld->terrors; returns -1 without
 * ending the load (the caller's walk goes on unless cfg_stop says so). */
int	cfg_type_fail(struct cfg_load *ld, const struct ynode *n, const char *fmt,
	    ...) PRINTF_LIKE(3, 4);
/* Keeps the error in l unless l holds one already; returns -1 without
 * ending the load. */
int	cfg_defer(struct cfg_load *ld, struct cfg_later *l, const struct ynode *n,
	    const char *fmt, ...) PRINTF_LIKE(4, 5);
/* cfg_defer into ld->late: an error of Config's checks, reported when the
 * file has neither type errors nor other errors. */
int	cfg_late(struct cfg_load *ld, const struct ynode *n, const char *fmt, ...)
	    PRINTF_LIKE(3, 4);
/* The end of a mapping's walk that started at mark with its deferred
 * checks in l: -1 when the walk found type errors (l is dropped, as Go's
 * UnmarshalYAML returns before validating), -1 through cfg_fail when l
 * holds an error, else 0. */
int	cfg_later_end(struct cfg_load *ld, const struct cfg_later *l, size_t mark);
/* The type errors in file order (Go decodes in file order; the global
 * section, which tocsin reads first, is then in its place), appended to
 * out; -1 when out of memory. */
int	cfg_type_errors(const struct cfg_load *ld, struct terrs *out);
/* After a -1: true when the load is over (cfg_fail), false when the walk
 * goes on with its next key or item. */
bool	cfg_stop(const struct cfg_load *ld);
/* How many type errors so far; a walk that finds more than at its start
 * returns -1 instead of validating what it read. */
size_t	cfg_mark(const struct cfg_load *ld);
/* The end of a walk that started at mark: -1 when the load is over or the
 * walk found type errors, else 0. */
int	cfg_walked(const struct cfg_load *ld, size_t mark);
/* Checks that n is a mapping with scalar keys (type errors). A null node
 * counts as an empty mapping. A key given twice is a type error too, but
 * the mapping is still walked: 0 then, with the error collected. */
int	cfg_map(struct cfg_load *ld, const struct ynode *n, const char *what);
/* True for a key that repeats an earlier one of its mapping: cfg_map
 * reports it, walkers skip it and its value. */
bool	cfg_repeated(const struct ynode *key);
/* Checks that n is a sequence (null counts as empty). */
int	cfg_seq(struct cfg_load *ld, const struct ynode *n, const char *what);
int	cfg_unknown(struct cfg_load *ld, const struct ynode *key, const char *what);

/* Typed scalars. `field` names the key in messages. Null leaves the zero
 * value (NULL, false, 0), as Go's YAML decoder does. Strings replace and
 * free *out. */
int	cfg_str(struct cfg_load *ld, const char *field, const struct ynode *n, char **out);
int	cfg_bool(struct cfg_load *ld, const char *field, const struct ynode *n, bool *out);
int	cfg_int64(struct cfg_load *ld, const char *field, const struct ynode *n, int64_t *out);
int	cfg_uint64(struct cfg_load *ld, const char *field, const struct ynode *n, uint64_t *out);
int	cfg_duration(struct cfg_load *ld, const char *field, const struct ynode *n, int64_t *ms);
/* Go's time.Duration (duration_parse_go) in milliseconds, a part of a
 * millisecond rounded up so that a positive value stays positive; null is
 * zero. */
int	cfg_go_duration(struct cfg_load *ld, const char *field, const struct ynode *n,
	    int64_t *ms);
/* An http(s) URL with a host, as Alertmanager's config.URL requires. With
 * secret set, the value is never echoed in messages. */
int	cfg_url(struct cfg_load *ld, const char *field, const struct ynode *n,
	    bool secret, char **out);
/* A file name resolved against ld->dir. */
int	cfg_path(struct cfg_load *ld, const char *field, const struct ynode *n, char **out);
/* A list of strings. */
int	cfg_str_list(struct cfg_load *ld, const char *field, const struct ynode *n,
	    char ***out, size_t *nout);
/* Reads a *_file secret (already resolved path) at load time, trimmed of
 * surrounding white space, and keeps it in ld->secrets. n is the *_file
 * node for the position. The content never appears in messages. */
int	cfg_read_secret(struct cfg_load *ld, const char *field, const struct ynode *n,
	    const char *path, char **out);
/* The same for a *_file whose content is no secret (Telegram's
 * chat_id_file): read the same way, not kept. */
int	cfg_read_file_value(struct cfg_load *ld, const char *field,
	    const struct ynode *n, const char *path, char **out);
/* Keeps a secret value (redactor_add) or the Basic credentials of user and
 * password (redactor_add_basic) in ld->secrets; NULL or "" keeps nothing.
 * -1 through cfg_fail at n when memory runs out. */
int	cfg_keep_secret(struct cfg_load *ld, const struct ynode *n, const char *value);
int	cfg_keep_basic(struct cfg_load *ld, const struct ynode *n, const char *user,
	    const char *password);
/* "host:port" as Go's net.SplitHostPort checks it, with a non-empty port;
 * null or "" leaves the outputs untouched. */
int	cfg_hostport(struct cfg_load *ld, const char *field, const struct ynode *n,
	    char **hostport, char **host, char **port);
/* Go's model.LabelNameRE: [a-zA-Z_][a-zA-Z0-9_]*. */
bool	cfg_label_name_ok(const char *s);

/* "a scalar", "a list" or "a mapping", for "must not contain ..." messages. */
const char *cfg_kind_article(const struct ynode *n);
/* p against dir (absolute p as is), cleaned of "." and ".." as Go's
 * filepath.Join does; NULL when out of memory. Caller frees. */
char	*cfg_join_dir(const char *dir, const char *p);
/* NULL or "": what Alertmanager's checks call unset. */
bool	cfg_empty(const char *s);
/* *dst = a copy of src (NULL stays NULL); -1 when out of memory. */
int	cfg_dup(char **dst, const char *src);
/* Wipes a secret before freeing it, so that a later heap dump or
 * use-after-free does not leak it. NULL is fine. */
void	cfg_secret_free(char *s);

#endif
