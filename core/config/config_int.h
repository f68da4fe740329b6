/* config_int.h: internals shared by the config loader's files (config.c,
 * cfgfield.c, config_receivers.c, config_timeintervals.c) and by the
 * watchdog's loader (watchdog/wdconfig.c, through cfg_extra); not an
 * interface for anyone else. Every helper fails with "FILE:LINE:COL:
 * sentence" in ld->err. */
#ifndef TOCSIN_CONFIG_INT_H
#define TOCSIN_CONFIG_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "receiver.h"
#include "yamldoc.h"

/* The global section; receivers inherit from it. Secrets (SECRET) follow the
 * rules of receiver.h. */
struct cfg_global {
	int64_t			 resolve_timeout_ms;
	struct http_config	 http;
	char			*smtp_from;
	char			*smtp_hello;
	char			*smtp_smarthost;
	char			*smtp_auth_username;
	char			*smtp_auth_password;		/* SECRET */
	char			*smtp_auth_password_file;
	char			*smtp_auth_secret;		/* SECRET */
	char			*smtp_auth_identity;
	bool			 smtp_require_tls;
	char			*slack_api_url;			/* SECRET */
	char			*slack_api_url_file;
	char			*telegram_api_url;
	char			*telegram_bot_token;		/* SECRET */
	char			*telegram_bot_token_file;
	/* The last of the settings tocsin checks but has no use for. */
	char			*unused;
};

struct cfg_load;

/* Another document in the same schema (the watchdog's config): global,
 * templates and receivers are loaded as for the relay, every other top-level
 * key goes to key() (which fails with cfg_unknown for what it does not know),
 * "route" is not required, and finish() runs once everything is loaded,
 * while the nodes are still alive, to cross-check references with positions.
 * Both return 0 or -1 with ld->err set through cfg_fail. */
struct cfg_extra {
	int	(*key)(struct cfg_load *ld, const struct ynode *k,
		    const struct ynode *v, void *arg);
	int	(*finish)(struct cfg_load *ld, const struct config *cfg, void *arg);
	void	*arg;
};

struct cfg_load {
	const char		*name;		/* file name in positions */
	const char		*dir;		/* base of relative paths */
	struct terr		*err;
	struct cfg_global	 global;
	const struct cfg_extra	*extra;		/* NULL: alertmanager.yml */
};

/* config_load_buffer and config_load_file with extra (NULL: exactly them).
 * The caller frees the result with config_free. */
struct config *cfg_load_buffer_with(const char *name, const char *dir,
	    const char *yaml, size_t len, const struct cfg_extra *extra,
	    struct terr *err);
struct config *cfg_load_file_with(const char *path, const struct cfg_extra *extra,
	    struct terr *err);

/* Formats "name:line:col: message" for node n (or "name: message"). */
int	cfg_fail(struct cfg_load *ld, const struct ynode *n, const char *fmt, ...)
	    PRINTF_LIKE(3, 4);
/* Checks that n is a mapping with unique scalar keys. A null node counts as
 * an empty mapping (returns 0 and sets *empty). */
int	cfg_map(struct cfg_load *ld, const struct ynode *n, const char *what);
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
 * surrounding white space. n is the *_file node for the position. The
 * content never appears in messages. */
int	cfg_read_secret(struct cfg_load *ld, const char *field, const struct ynode *n,
	    const char *path, char **out);
/* "host:port" as Go's net.SplitHostPort checks it, with a non-empty port;
 * null or "" leaves the outputs untouched. */
int	cfg_hostport(struct cfg_load *ld, const char *field, const struct ynode *n,
	    char **hostport, char **host, char **port);
/* Go's model.LabelNameRE: [a-zA-Z_][a-zA-Z0-9_]*. */
bool	cfg_label_name_ok(const char *s);

/* http_config and tls_config blocks (config_receivers.c). */
void	cfg_http_defaults(struct http_config *h);
int	cfg_http_config(struct cfg_load *ld, const struct ynode *n, struct http_config *h);
int	cfg_http_copy(struct http_config *dst, const struct http_config *src);

/* One receivers entry (config_receivers.c); *r is zeroed by the caller and
 * cleared with receiver_clear on failure by the caller. Applies defaults and
 * global inheritance from ld->global. */
int	cfg_receiver(struct cfg_load *ld, const struct ynode *n, struct receiver *r);

/* One time_intervals (or mute_time_intervals) entry (config_timeintervals.c). */
struct time_interval *cfg_time_interval(struct cfg_load *ld, const struct ynode *n,
	    const char *what);

#endif
