/* fuzz_matcher.c: libFuzzer target for the matcher parser. Each input is
 * parsed as a matcher list, as one CLI label and as a bare regex; what
 * parses must print, parse back to the same matchers, and match label sets
 * without crashing. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matcher.h"

#define FUZZ_NAME "fuzz_matcher"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
exercise(const struct matchers *ms, const char *input)
{
	struct kv	 labels;
	size_t		 i;

	kv_init(&labels);
	(void)matchers_match(ms, &labels);
	for (i = 0; i < ms->n; i++) {
		/* The matcher's own value, the raw input, and an empty value. */
		if (kv_set(&labels, matcher_name(ms->v[i]), matcher_value(ms->v[i])) == 0)
			(void)matchers_match(ms, &labels);
		(void)matcher_matches(ms->v[i], input);
		(void)matcher_matches(ms->v[i], "");
		if (kv_set(&labels, matcher_name(ms->v[i]), input) == 0)
			(void)matchers_match(ms, &labels);
	}
	kv_free(&labels);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct matchers	 ms, again;
	struct matcher	*m;
	struct terr	 err;
	struct buf	 b1, b2;
	char		*s;

	/* Matchers come from YAML strings and argv: no NUL bytes. */
	if (size > 4096 || memchr(data, '\0', size) != NULL)
		return 0;
	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	if ((m = matcher_parse(s, &err)) != NULL)
		matcher_free(m);
	/* The input as a regex straight into the RE2 -> PCRE2 translator. */
	if ((m = matcher_new_legacy_re("a", s, &err)) != NULL) {
		(void)matcher_matches(m, s);
		(void)matcher_matches(m, "");
		(void)matcher_matches(m, "a\nb\xff\xc3");
		matcher_free(m);
	} else
		check(strncmp(err.msg, "error parsing regexp: ", 22) == 0 ||
		    strcmp(err.msg, "regexp too large") == 0 ||
		    strcmp(err.msg, "out of memory") == 0,
		    "regex error without Go's prefix");

	matchers_init(&ms);
	matchers_init(&again);
	buf_init(&b1, 0);
	buf_init(&b2, 0);
	if (matchers_parse(&ms, s, &err) == 0) {
		check(matchers_format(&ms, &b1) == 0, "format");
		/* What Alertmanager prints, it parses back to the same. */
		check(matchers_parse(&again, buf_str(&b1), &err) == 0,
		    "printed matchers do not parse");
		check(again.n == ms.n, "round trip changed the count");
		check(matchers_format(&again, &b2) == 0, "format again");
		check(strcmp(buf_str(&b1), buf_str(&b2)) == 0,
		    "round trip changed the matchers");
		matchers_sort(&ms);
		exercise(&ms, s);
	} else
		check(strlen(err.msg) > 0, "error without a message");
	buf_free(&b1);
	buf_free(&b2);
	matchers_free(&ms);
	matchers_free(&again);
	free(s);
	return 0;
}
