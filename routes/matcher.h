/* matcher.h: Alertmanager label matchers (=, !=, =~, !~).
 *
 * Parsing follows Alertmanager's pkg/labels syntax: `name="value"`, unquoted
 * values, escapes inside quotes, and the `{a="b", c=~"d"}` list form. Regexes
 * are anchored (^(?:...)$) and compiled once with PCRE2 in a RE2-compatible
 * subset. */
#ifndef TOCSIN_MATCHER_H
#define TOCSIN_MATCHER_H

#include <stdbool.h>
#include <stddef.h>

#include "alert.h"
#include "buf.h"
#include "err.h"

enum matcher_type {
	MATCH_EQ,	/* = */
	MATCH_NE,	/* != */
	MATCH_RE,	/* =~ */
	MATCH_NRE,	/* !~ */
};

struct matcher;	/* opaque, immutable once built; safe to share between threads */

/* Builds one matcher; for the regex types the value is compiled anchored.
 * Returns NULL with err set on a bad regex. Caller frees with matcher_free. */
struct matcher *matcher_new(enum matcher_type type, const char *name,
	    const char *value, struct terr *err);
void	matcher_free(struct matcher *m);

/* A list of matchers, as one `matchers:` entry or a `{...}` string yields. */
struct matchers {
	struct matcher	**v;
	size_t		  n;
};

void	matchers_init(struct matchers *ms);
void	matchers_free(struct matchers *ms);
/* Parses one matcher string ("a=b", 'a!~"x|y"', or '{a="b",c!="d"}') and
 * appends the matcher(s) to ms. On error ms is unchanged and err says where. */
int	matchers_parse(struct matchers *ms, const char *s, struct terr *err) WARN_UNUSED;
/* Takes ownership of m. */
int	matchers_add(struct matchers *ms, struct matcher *m) WARN_UNUSED;

/* Alertmanager semantics: a missing label matches as the empty string. */
bool	matcher_matches(const struct matcher *m, const char *value);
bool	matchers_match(const struct matchers *ms, const struct kv *labels);

/* Appends m as Alertmanager prints it: name, operator, Go-quoted value. */
int	matcher_format(const struct matcher *m, struct buf *out) WARN_UNUSED;
const char *matcher_name(const struct matcher *m);
enum matcher_type matcher_type(const struct matcher *m);
const char *matcher_value(const struct matcher *m);

#endif
