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
 * Returns NULL with err set on a bad regex. Caller frees with matcher_free.
 * Regexes must be valid for Go's regexp (RE2): constructs PCRE2 has and RE2
 * lacks (lookaround, backreferences, possessive and atomic groups, ...) are
 * rejected with Go's message, e.g. "error parsing regexp: invalid or
 * unsupported Perl syntax: `(?=`". matcher_value() is the value as given. */
struct matcher *matcher_new(enum matcher_type type, const char *name,
	    const char *value, struct terr *err);
/* Builds the MATCH_RE matcher of a legacy `match_re:` entry. Alertmanager
 * keeps such a value pre-anchored, so matcher_value() and matcher_format()
 * show "^(?:VALUE)$" (amtool prints `{severity=~"^(?:warn.*)$"}`) while a
 * `matchers:` regex is shown as written. A bad regex is reported against
 * "^(?:VALUE)$" as Alertmanager's config loader reports it. Caller frees
 * with matcher_free. */
struct matcher *matcher_new_legacy_re(const char *name, const char *value,
	    struct terr *err);
/* Parses exactly one matcher like Alertmanager's labels.ParseMatcher (no
 * braces, no commas as separators; invalid UTF-8 in the value is an error).
 * amtool parses its command-line labels this way. Caller frees. */
struct matcher *matcher_parse(const char *s, struct terr *err);
void	matcher_free(struct matcher *m);

/* A list of matchers, as one `matchers:` entry or a `{...}` string yields. */
struct matchers {
	struct matcher	**v;
	size_t		  n;
};

void	matchers_init(struct matchers *ms);
void	matchers_free(struct matchers *ms);
/* Parses one matcher string ("a=b", 'a!~"x|y"', or '{a="b",c!="d"}') and
 * appends the matcher(s) to ms, like Alertmanager's labels.ParseMatchers:
 * one leading '{' and one trailing '}' are optional, commas outside quotes
 * separate, a trailing comma is allowed, an empty string yields nothing.
 * On error ms is unchanged and err holds Alertmanager's message
 * ("bad matcher format: a!b", "matcher value contains unescaped double
 * quote: \"b", "error parsing regexp: ..."). */
int	matchers_parse(struct matchers *ms, const char *s, struct terr *err) WARN_UNUSED;
/* Takes ownership of m on success; on failure (no memory) the caller
 * still owns m. */
int	matchers_add(struct matchers *ms, struct matcher *m) WARN_UNUSED;

/* Alertmanager semantics: a missing label matches as the empty string.
 * Regexes decide like Go's regexp: an invalid UTF-8 byte in the value reads
 * as U+FFFD, and PCRE2's DFA matcher decides, which (like RE2) does not
 * backtrack, so patterns that defeat backtracking still get the right
 * answer; only if its workspace runs out does a bounded backtracking match
 * decide (failing as "no match" past its limit). */
bool	matcher_matches(const struct matcher *m, const char *value);
bool	matchers_match(const struct matchers *ms, const struct kv *labels);

/* Sorts like Alertmanager's labels.Matchers (by name, value, then type),
 * which is the order amtool prints a route's matchers in. */
void	matchers_sort(struct matchers *ms);

/* Appends m as Alertmanager 0.25 prints it (Matcher.String()): name,
 * operator, and the value in double quotes with OpenMetrics escaping
 * (only \\, \n and \" are escaped; other bytes are copied as they are). */
int	matcher_format(const struct matcher *m, struct buf *out) WARN_UNUSED;
/* Appends "{m1,m2,...}" (Matchers.String()); "{}" for an empty list. */
int	matchers_format(const struct matchers *ms, struct buf *out) WARN_UNUSED;
const char *matcher_name(const struct matcher *m);
enum matcher_type matcher_type(const struct matcher *m);
const char *matcher_value(const struct matcher *m);

#endif
