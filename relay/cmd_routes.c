/* cmd_routes.c: `tocsin-relay config routes [show|test]`, which prints the
 * routing tree and resolves receivers exactly as `amtool config routes`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "relay_cmd.h"
#include "config.h"
#include "flags.h"
#include "matcher.h"
#include "route.h"

#define ROUTES_USAGE \
	"tocsin-relay config routes [show|test] --config.file=FILE [--tree] " \
	"[--verify.receivers=R1,R2] [label=value...]\n\n" \
	"Prints the routing tree of --config.file, or with test the receivers " \
	"an alert with the given labels reaches, like amtool config routes."

static int
fail(const char *msg)
{
	fprintf(stderr, "tocsin-relay: error: %s\n", msg);
	return 1;
}

/* amtool's parseLabels: each argument is one matcher (labels.ParseMatcher)
 * that must be an equality; a repeated name keeps the last value. */
static int
parse_labels(const char **args, int n, struct kv *labels, struct terr *err)
{
	struct matcher	*m;
	int		 i, rc;

	for (i = 0; i < n; i++) {
		if ((m = matcher_parse(args[i], err)) == NULL)
			return terr_prefix(err, "Failed to parse labels");
		if (matcher_type(m) != MATCH_EQ) {
			matcher_free(m);
			return terr_set(err, "Failed to parse labels: labels must "
			    "be specified as key=value pairs");
		}
		rc = kv_set(labels, matcher_name(m), matcher_value(m));
		matcher_free(m);
		if (rc == -1)
			return terr_set(err, "out of memory");
	}
	return 0;
}

/* The receivers of the matching routes, comma-joined in match order; like
 * amtool, a receiver reached twice is listed twice. */
static int
print_receivers(const struct route *root, const struct kv *labels,
    const char *expect)
{
	const struct route	**out = NULL;
	struct buf		  b;
	size_t			  n, max = 16, i;
	int			  rc = 1;

	buf_init(&b, 0);
	for (;;) {
		free(out);
		if ((out = calloc(max, sizeof(*out))) == NULL)
			goto nomem;
		n = route_match(root, labels, out, max);
		if (n <= max)
			break;
		max = n;
	}
	for (i = 0; i < n; i++)
		if ((i > 0 && buf_addc(&b, ',') == -1) ||
		    buf_adds(&b, route_receiver(out[i])) == -1)
			goto nomem;
	printf("%s\n", buf_str(&b));
	if (expect != NULL && *expect != '\0' && strcmp(expect, buf_str(&b)) != 0) {
		printf("WARNING: Expected receivers did not match resolved receivers.\n");
		goto out;
	}
	rc = 0;
	goto out;
nomem:
	rc = fail("out of memory");
out:
	free(out);
	buf_free(&b);
	return rc;
}

int
cmd_config_routes(int argc, char **argv)
{
	const char	*file = NULL, *expect = NULL, *sub = "show", *base;
	bool		 tree = false, help = false, help_man = false;
	struct flag_list pos = { NULL, 0 };
	struct config	*cfg = NULL;
	struct kv	 labels;
	struct terr	 err;
	struct stat	 st;
	int		 rc = 1, first = 0;
	const struct flag flags[] = {
		{ "config.file", FLAG_STRING, &file, "Config file to be tested.", "FILE" },
		{ "tree", FLAG_BOOL, &tree, "Prints out matching routes tree.", NULL },
		{ "verify.receivers", FLAG_STRING, &expect,
		  "Checks if specified receivers matches resolved receivers.", "RECEIVERS" },
		{ "help", FLAG_BOOL, &help, "Show this help.", NULL },
		{ "help-man", FLAG_BOOL, &help_man, NULL, NULL },
		{ NULL, 0, NULL, NULL, NULL },
	};

	kv_init(&labels);
	if (flags_parse(flags, argc, argv, &pos, &err) == -1) {
		rc = fail(err.msg);
		goto out;
	}
	if (flags_help_done(help, help_man, ROUTES_USAGE, flags)) {
		rc = 0;
		goto out;
	}
	if (pos.n > 0 && (strcmp(pos.v[0], "show") == 0 ||
	    strcmp(pos.v[0], "test") == 0)) {
		sub = pos.v[0];
		first = 1;
	}
	if (strcmp(sub, "show") == 0) {
		/* kingpin knows these flags only under "test". */
		if (pos.n > first) {
			snprintf(err.msg, sizeof(err.msg),
			    "unexpected %s", pos.v[first]);
			rc = fail(err.msg);
			goto out;
		}
		if (tree || expect != NULL) {
			rc = fail(tree ? "unknown long flag '--tree'" :
			    "unknown long flag '--verify.receivers'");
			goto out;
		}
	}
	if (file == NULL) {
		rc = fail("--config.file is required (tocsin-relay does not ask "
		    "a running Alertmanager)");
		goto out;
	}
	/* kingpin's ExistingFile checks, with its messages. */
	if (stat(file, &st) == -1) {
		snprintf(err.msg, sizeof(err.msg), "path '%s' does not exist", file);
		rc = fail(err.msg);
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		base = strrchr(file, '/');
		snprintf(err.msg, sizeof(err.msg), "'%s' is a directory",
		    base && base[1] ? base + 1 : file);
		rc = fail(err.msg);
		goto out;
	}
	if ((cfg = config_load_file(file, &err)) == NULL) {
		rc = fail(err.msg);
		goto out;
	}
	if (strcmp(sub, "show") == 0) {
		if (route_print_tree(config_route(cfg), stdout) == -1) {
			rc = fail("cannot write the routing tree");
			goto out;
		}
		rc = 0;
		goto out;
	}
	if (parse_labels(pos.v + first, pos.n - first, &labels, &err) == -1) {
		rc = fail(err.msg);
		goto out;
	}
	if (tree && route_print_matching_tree(config_route(cfg), &labels,
	    stdout) == -1) {
		rc = fail("cannot write the routing tree");
		goto out;
	}
	rc = print_receivers(config_route(cfg), &labels, expect);
out:
	if (fflush(stdout) == EOF && rc == 0)
		rc = 1;
	kv_free(&labels);
	config_free(cfg);
	free(pos.v);
	return rc;
}
