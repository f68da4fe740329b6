/* tmpl_int.h: the template engine's internals shared by its files: parse
 * trees, run-time values, the per-render arena and the function table. */
#ifndef TOCSIN_TMPL_INT_H
#define TOCSIN_TMPL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tmpl.h"

/* ---- parse trees (immutable after parsing) ---- */

enum nkind {
	N_LIST, N_TEXT, N_ACTION, N_IF, N_RANGE, N_WITH, N_TEMPLATE,
	N_BREAK, N_CONTINUE,
	N_PIPE, N_CMD,
	N_FIELD, N_VAR, N_IDENT, N_DOT, N_NIL, N_BOOL, N_NUM, N_STR, N_CHAIN,
};

struct node {
	enum nkind	 k;
	int		 line, col;
	char		*src;		/* the source text of an operand, for errors */
	struct node	**kids;		/* list items, pipe commands, command args */
	size_t		 nkids;
	char		*s;		/* text, string literal, ident, template name */
	size_t		 slen;
	char		**ids;		/* field chain (field/var/chain) */
	size_t		 nids;
	char		**decl;		/* pipe's declared/assigned variables */
	size_t		 ndecl;
	bool		 assign;	/* pipe uses = rather than := */
	struct node	*pipe, *list, *elist, *base;
	bool		 b;
	bool		 is_int, is_float;
	int64_t		 i;
	double		 f;
};

struct tdef {
	char		*name;
	char		*file;		/* parse name, for errors */
	struct node	*root;
	bool		 builtin;	/* from tmpl_set_add_builtin */
};

struct tmpl_set {
	const struct tmpl_set *parent;	/* looked up after this set's defs */
	struct tdef	*defs;
	size_t		 ndefs;
	struct node	**trees;	/* every tree parsed, for freeing */
	size_t		 ntrees;
	enum tmpl_am_version am;
	bool		 adding_builtin;
	struct tmpl_cache *cache;	/* what renders compiled, see below */
};

/* ---- compiled on first use (tmpl_cache.c) ---- */

enum tmpl_cache_kind {
	TMPL_CACHE_TEXT,	/* a struct tmpl_set: an ad-hoc text's overlay */
	TMPL_CACHE_REGEX,	/* a pcre2_code */
};

/* A set's cache: what its renders compiled, kept until the set is freed,
 * shared by the threads that render with it. tmpl_cache_free frees the
 * values too. NULL when memory runs out. */
struct tmpl_cache *tmpl_cache_new(void);
void	tmpl_cache_free(struct tmpl_cache *c);
/* The value kept under kind and key, or NULL. */
void	*tmpl_cache_find(struct tmpl_cache *c, enum tmpl_cache_kind kind,
	    const char *key);
/* Keeps val under kind and key unless a value is kept there already, and
 * returns the value kept: val (which the cache then owns), the earlier one
 * (another thread compiled it first), or NULL when the cache is full or
 * memory runs out. Unless it returns val, val stays the caller's. */
void	*tmpl_cache_keep(struct tmpl_cache *c, enum tmpl_cache_kind kind,
	    const char *key, void *val);

/* Parses text into a tree, registering defines in set (which then owns
 * them). *root is the top level, owned by set too. */
int	tmpl_parse(struct tmpl_set *set, const char *name, const char *text,
	    struct node **root, struct terr *err);
void	tmpl_node_free(struct node *n);
/* Go's IsEmptyTree: only whitespace text (an empty definition never
 * replaces a non-empty one). */
bool	tmpl_tree_is_empty(const struct node *n);
/* Looks name up in set, then in its parents. */
const struct tdef *tmpl_set_find(const struct tmpl_set *set, const char *name);
/* Adds or replaces a template; set takes root in every case. An empty body
 * never replaces an existing definition (Go's rule). -1: out of memory. */
int	tmpl_set_define(struct tmpl_set *set, const char *name, const char *file,
	    struct node *root, bool empty);

/* ---- values ---- */

enum vtype {
	V_NIL, V_BOOL, V_INT, V_FLOAT, V_STR, V_HTML, V_KV, V_PAIRS, V_PAIR,
	V_ALERT, V_ALERTS, V_STRS, V_TIME, V_DUR, V_DATA, V_MAP, V_LIST,
	V_MONTH, V_WEEKDAY, V_URL,
};

struct val;

struct vmap {
	char		**k;
	struct val	*v;
	size_t		 n;
};

struct vlist {
	struct val	*v;
	size_t		 n;
};

struct val {
	enum vtype	 t;
	/* V_ALERTS: template.Alerts (has methods) vs []Alert; V_STRS:
	 * template.Strings (0.34's Names and Values, with Join) vs []string */
	bool		 named;
	union {
		bool			 b;
		int64_t			 i;
		double			 f;
		const char		*s;
		const struct kv		*kv;
		const struct kv_pair	*pair;
		struct {
			const struct kv_pair	*v;
			size_t			 n;
		}			 pairs;
		const struct alert	*alert;
		struct {
			const struct alert	**v;
			size_t			 n;
		}			 alerts;
		struct {
			const char		**v;
			size_t			 n;
		}			 strs;
		struct tstamp		 tm;
		const struct notification *data;
		struct vmap		*map;
		struct vlist		*list;
	} u;
};

/* A render's scratch memory: everything a render allocates, freed at once. */
struct arena {
	struct ablk	*head;
	size_t		 total, cap;
};

void	*arena_alloc(struct arena *a, size_t n);
char	*arena_strndup(struct arena *a, const char *s, size_t n);
char	*arena_strdup(struct arena *a, const char *s);
void	 arena_free(struct arena *a);

/* Go's name for a value's type, for error messages ("template.KV"). */
const char *val_type_name(const struct val *v);
bool	val_truth(const struct val *v);
/* Appends fmt.Sprint(v) as Alertmanager release am prints it (KV and
 * Pairs have a String method from 0.26 on). -1 when out's cap is reached. */
int	val_print(struct buf *out, const struct val *v, enum tmpl_am_version am);
/* Go's %v of a float64. */
void	fmt_float_v(char *out, size_t len, double f);
bool	val_is_stringish(const struct val *v);

/* ---- time (Go's time package, as much as templates reach) ---- */

void	gtime_civil(const struct tstamp *t, int64_t *year, int *mon, int *day,
	    int *hour, int *min, int *sec, int *wday, int *yday);
/* Appends t.Format(layout). */
int	gtime_format(struct buf *out, const struct tstamp *t, const char *layout);
/* Appends t.String(). */
int	gtime_string(struct buf *out, const struct tstamp *t);
/* Appends time.Duration(ns).String(). */
int	gduration_string(struct buf *out, int64_t ns);
/* time.Parse(layout, value); zone names other than UTC give a bare offset. */
int	gtime_parse(const char *layout, const char *value, struct tstamp *t,
	    struct terr *err);
/* Re-expresses t in the zone named (tz.h), "UTC" or "Local". */
int	gtime_in_zone(struct tstamp *t, const char *zone, struct terr *err);

/* ---- execution ---- */

struct exec;

typedef int (*tfunc_fn)(struct exec *x, struct val *args, size_t n,
    struct val *out);

struct tfunc {
	const char	*name;
	tfunc_fn	 fn;
	int		 minargs, maxargs;	/* maxargs -1: variadic */
};

/* Alertmanager's functions after 0.25 (tmpl_amfuncs.c). */
int	fn_safeurl(struct exec *, struct val *, size_t, struct val *);
int	fn_urlunescape(struct exec *, struct val *, size_t, struct val *);
int	fn_date(struct exec *, struct val *, size_t, struct val *);
int	fn_tz(struct exec *, struct val *, size_t, struct val *);
int	fn_now(struct exec *, struct val *, size_t, struct val *);
int	fn_since(struct exec *, struct val *, size_t, struct val *);
int	fn_todate(struct exec *, struct val *, size_t, struct val *);
int	fn_musttodate(struct exec *, struct val *, size_t, struct val *);
int	fn_humanizeduration(struct exec *, struct val *, size_t, struct val *);
int	fn_list(struct exec *, struct val *, size_t, struct val *);
int	fn_append(struct exec *, struct val *, size_t, struct val *);
int	fn_dict(struct exec *, struct val *, size_t, struct val *);
int	fn_tojson(struct exec *, struct val *, size_t, struct val *);
int	fn_base64encode(struct exec *, struct val *, size_t, struct val *);
int	fn_base64decode(struct exec *, struct val *, size_t, struct val *);
/* Alertmanager 0.34's routeLabels (tmpl_routelabels.c). */
int	fn_routelabels(struct exec *, struct val *, size_t, struct val *);

const struct tfunc *tmpl_func_find(const char *name);
/* Whether name (len bytes) is a function known to the parser. */
int	tmpl_func_find_name(const char *name, size_t len);

struct tvar {
	const char	*name;
	struct val	 v;
};

/* The HTML context of an HTML render (tmpl_html.c). */
struct hctx {
	int	 state, attr, url;
	char	 jsq;	/* quote of the JS string literal we are in, or 0 */
	char	 delim;
	char	 elem[16];
	char	 attrname[32];
};

/* routeLabels' memory for one top-level render (tmpl_routelabels.c). */
struct rlres;
void	rlres_free(struct rlres *rl);

struct exec {
	const struct tmpl_set	*set;
	const struct tmpl_set	*base;	/* the set without the text's defines */
	const struct notification *data; /* the render's data ($), or NULL */
	struct rlres		*rl;	/* shared with nested renders; lazily */
	enum tmpl_am_version	 am;	/* the set's */
	struct buf		*out;
	struct arena		 ar;
	struct tvar		*vars;
	size_t			 nvars, avars;
	int			 depth;
	enum tmpl_kind		 kind;
	const char		*tname;		/* template being executed */
	const struct node	*at;		/* node being evaluated, for errors */
	struct terr		*err;
	int64_t			 now_sec;
	int32_t			 now_nsec;
	const char		*local_tz;
	struct hctx		 h;
	uint64_t		 steps, max_steps;
	void			*loc;	/* C.UTF-8 locale_t for case mapping, lazily */
	/* An HTML action's trailing html/urlquery: evaluated as the text of
	 * its arguments (Go's _eval_args_), and applied by html_value in the
	 * slot of the contextual escaper it is equivalent to. */
	const struct node	*deferred;
};

/* HTML renders: template text through the context machine, values escaped
 * for their context (last: the pipeline's final function name when it is a
 * predefined escaper, html or urlquery, which then was not applied to v). */
int	html_text(struct exec *x, const char *s, size_t len);
int	html_value(struct exec *x, const struct val *v, const char *last);

/* Renders text against x's base set, data and kind as one more execution
 * of the same render (Alertmanager's execText for a route label), sharing
 * x's clock, routeLabels memory and step budget. */
int	tmpl_exec_nested(struct exec *x, const char *text, struct buf *out,
	    struct terr *err);

/* Calls fn with an execution context of a text render of data against set
 * (no template runs), for what shares one render's state. */
int	tmpl_with_exec(const struct tmpl_set *set, const struct notification *data,
	    const struct tmpl_opts *opts, int (*fn)(struct exec *, void *),
	    void *arg, struct terr *err);

/* tmpl_render_text with dot set to any value (Go's templates take any
 * data; Alertmanager's own tests pass slices, maps and times); data is
 * what routeLabels reads (NULL: none). */
int	tmpl_render_text_dot(const struct tmpl_set *set, const char *text,
	    const struct notification *data, const struct val *dot,
	    enum tmpl_kind kind, const struct tmpl_opts *opts, struct buf *out,
	    struct terr *err);

/* Sets an execution error in Go's wording: "template: NAME:L:C: executing
 * "NAME" at <SRC>: msg". Returns -1. */
int	xerr(struct exec *x, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* Go's printf family over values. */
int	tmpl_sprintf(struct exec *x, struct buf *out, const char *fmt,
	    const struct val *args, size_t n);
/* Escapes like html/template's HTMLEscapeString / JSEscapeString /
 * URLQueryEscaper. */
int	esc_html(struct buf *out, const char *s);
int	esc_js(struct buf *out, const char *s);
int	esc_urlquery(struct buf *out, const char *s);

/* text/template's evalArgs as a function: the text the arguments print as. */
int	fn_eval_args(struct exec *x, struct val *a, size_t n, struct val *out);

/* The string form of a value as fmt.Sprint gives it, in the arena. */
const char *val_to_str(struct exec *x, const struct val *v);

#endif
