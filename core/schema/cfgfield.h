/* cfgfield.h: the config loader's table engine. A mapping of the config
 * (the global section, a telegram_config, an http_config, a Slack action, a
 * watchdog check...) is described by a table of fields: name, kind, target
 * (offsetof), default, required message, global default, validator.
 * cf_parse walks the mapping once in file order, looks each key up in the
 * table, parses the value by its kind and reports unknown keys and wrong
 * types at the offending node (all of them); then it checks the required fields, fills in
 * the defaults and runs the type's finish function for what a table cannot
 * say (cross-field rules, *_file secrets, the order in which Alertmanager
 * reports problems).
 *
 * The engine has its own file so that config_receivers.c, config.c's global
 * section and watchdog/wdconfig.c's checks read as tables plus the few
 * rules particular to each. Like schema.h it is internal to the config
 * loaders; errors go through cfg_type_fail and cfg_fail ("FILE:LINE:COL:
 * sentence"). */
#ifndef TOCSIN_CFGFIELD_H
#define TOCSIN_CFGFIELD_H

#include <stdbool.h>
#include <stddef.h>

#include "schema.h"

enum cf_kind {
	CF_STR,		/* char *, cfg_str */
	CF_FILE,	/* char *, cfg_path: resolved against the config's dir */
	CF_URL,		/* char *, cfg_url: an http(s) URL with a host */
	CF_BOOL,	/* bool */
	CF_INT,		/* int64_t */
	CF_UINT,	/* uint64_t */
	CF_DURATION,	/* int64_t milliseconds, cfg_duration */
	CF_GO_DURATION,	/* int64_t milliseconds, cfg_go_duration (time.Duration) */
	CF_STR_LIST,	/* char **, with a size_t count */
	CF_HTTP,	/* struct http_config; absent or null: the global one */
	CF_TABLE,	/* a mapping that .sub describes, into the struct at .off */
	CF_TABLE_LIST,	/* a list of .sub mappings, an array with a size_t count */
	CF_CUSTOM,	/* .parse does it all */
};

struct cf_type;
struct cf_walk;

struct cf_field {
	const char		*name;		/* NULL ends a table */
	enum cf_kind		 kind;
	size_t			 off;		/* offsetof the target */
	size_t			 count;		/* offsetof a list's count */
	/* SECRET in receiver.h. A URL is then never echoed, not even in
	 * part; no kind echoes other strings. */
	bool			 secret;
	/* CF_BOOL: true before the walk (a null still reads false). */
	bool			 on;
	/* CF_DURATION: zero is an error ("F cannot be zero"); null is not. */
	bool			 nonzero;
	/* String kinds: the value while still NULL after the walk. */
	const char		*def;
	/* String kinds: required; the message when still empty after the
	 * walk (or, with .inherit, after cf_inherit). */
	const char		*missing;
	/* Taken from struct cfg_global at offset .goff by cf_inherit when
	 * still empty (CF_BOOL: when absent or null). */
	bool			 inherit;
	size_t			 goff;
	const struct cf_type	*sub;		/* CF_TABLE, CF_TABLE_LIST */
	/* CF_STR: checks the parsed value (NULL for null) at its node v. */
	int	(*check)(struct cfg_load *ld, const char *field,
		    const struct ynode *v, const char *s);
	/* CF_CUSTOM: parses v, the value of key k, into obj. */
	int	(*parse)(struct cfg_load *ld, const struct ynode *k,
		    const struct ynode *v, void *obj);
	/* Any kind: runs before the value is parsed and fails when what obj
	 * already holds rules key k out (a freshness check has no period);
	 * NULL: always allowed. */
	int	(*allow)(struct cfg_load *ld, const struct ynode *k, const void *obj);
};

/* Designated initializers for a row: where the value goes, where a list's
 * count goes, and the global default:
 *	{ "from", CF_STR, CF_AT(email_config, from), CF_GLOBAL(smtp_from) } */
#define CF_AT(type, f)		.off = offsetof(struct type, f)
#define CF_COUNT(type, f)	.count = offsetof(struct type, f)
#define CF_GLOBAL(f)		.inherit = true, \
				.goff = offsetof(struct cfg_global, f)

struct cf_type {
	const char		*what;		/* "telegram_config", in messages */
	const struct cf_field	*fields;
	size_t			 size;		/* of the struct, for lists */
	/* Runs last; NULL for none. */
	int	(*finish)(struct cfg_load *ld, const struct cf_walk *w);
};

/* The mapping being parsed, as a finish function sees it. */
struct cf_walk {
	const struct cf_type	*type;
	const struct ynode	*n;		/* a mapping, or a null scalar */
	void			*obj;
};

/* Parses n into obj as t describes it, in this order: the .on booleans are
 * set; n must be a mapping (null counts as empty; a repeated key is
 * reported and skipped); each key, in file order, is looked up ("unknown
 * field K in WHAT"), checked by .allow and its value parsed by kind and
 * .check or .nonzero, type errors being collected and any other error
 * ending the parse (schema.h); when the walk found type errors, the parse
 * fails there; the .missing fields are checked in table order; the .def
 * defaults and the global http_config are filled in (these fail only for
 * memory, so which problem is reported first does not depend on it); last,
 * t->finish. obj starts zeroed, or holds defaults
 * that a value in the file replaces (the global section starts from
 * Alertmanager's DefaultGlobalConfig); on failure it holds what was parsed
 * so far, for the caller to clear. */
int	cf_parse(struct cfg_load *ld, const struct ynode *n, const struct cf_type *t,
	    void *obj);
/* Applies the .inherit fields in table order; finish functions call it
 * where Alertmanager's order of checks puts it. A field missing here and in
 * global is one of Config's checks (cfg_late): -1, and the load goes on. */
int	cf_inherit(struct cfg_load *ld, const struct cf_walk *w);
/* "at most one of a & b must be configured", at b's value. */
int	cf_conflict(struct cfg_load *ld, const struct cf_walk *w, const char *a,
	    const char *b);
/* The value node of key name in the walked mapping, or NULL when absent. */
const struct ynode *cf_value(const struct cf_walk *w, const char *name);
/* The key node of name when its value is set (not null), else NULL. */
const struct ynode *cf_given(const struct cf_walk *w, const char *name);
/* A secret and its *_file: the file read now, so that a missing file is a
 * load error with a position; or, when neither is set, the global one
 * (gval, gfile). The content never appears in messages. */
int	cf_secret(struct cfg_load *ld, const struct cf_walk *w, const char *filefield,
	    char **val, char **file, const char *gval, const char *gfile);
/* Grows the array *v of *n elements of size elem by one zeroed element and
 * returns it, or NULL when out of memory. */
void	*cf_append(void **v, size_t *n, size_t elem);

#endif
