/* tmpl_set.c: a set of named templates loaded from texts, files and globs,
 * with Go's rule that a later definition replaces an earlier one. */
#include <errno.h>
#include <glob.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tmpl_int.h"

#define TMPL_FILE_MAX ((size_t)16 << 20)

struct tmpl_set *
tmpl_set_new(void)
{
	struct tmpl_set	*set;

	if ((set = calloc(1, sizeof(*set))) == NULL)
		return NULL;
	if ((set->cache = tmpl_cache_new()) == NULL) {
		free(set);
		return NULL;
	}
	return set;
}

void
tmpl_set_am_version(struct tmpl_set *set, enum tmpl_am_version v)
{
	set->am = v;
}

enum tmpl_am_version
tmpl_set_get_am_version(const struct tmpl_set *set)
{
	return set->am;
}

int
tmpl_am_version_parse(const char *s, enum tmpl_am_version *v, struct terr *err)
{
	if (s == NULL || strcmp(s, "0.34") == 0)
		*v = TMPL_AM_0_34;
	else if (strcmp(s, "0.25") == 0)
		*v = TMPL_AM_0_25;
	else
		return terr_set(err, "--%s: unsupported Alertmanager version "
		    "\"%.40s\" (supported: 0.34, 0.25)", TMPL_AM_VERSION_FLAG, s);
	return 0;
}

void
tmpl_set_free(struct tmpl_set *set)
{
	if (set == NULL)
		return;
	/* first: the overlays it holds look up their parent, this set */
	tmpl_cache_free(set->cache);
	for (size_t i = 0; i < set->ndefs; i++) {
		free(set->defs[i].name);
		free(set->defs[i].file);
	}
	free(set->defs);
	for (size_t i = 0; i < set->ntrees; i++)
		tmpl_node_free(set->trees[i]);
	free(set->trees);
	free(set);
}

static int
keep_tree(struct tmpl_set *set, struct node *root)
{
	struct node **t = realloc(set->trees, (set->ntrees + 1) * sizeof(*t));

	if (t == NULL)
		return -1;
	t[set->ntrees++] = root;
	set->trees = t;
	return 0;
}

/* Takes ownership of root in every case. */
int
tmpl_set_define(struct tmpl_set *set, const char *name, const char *file,
    struct node *root, bool empty)
{
	struct tdef	*d;
	char		*n, *f;

	if (keep_tree(set, root) == -1) {
		tmpl_node_free(root);
		return -1;
	}
	for (size_t i = 0; i < set->ndefs; i++) {
		if (strcmp(set->defs[i].name, name) != 0)
			continue;
		/* Go keeps a non-empty definition over a later empty one.
		 * tocsin's built-in texts stand where Alertmanager has its
		 * default.tmpl, so one loaded after them replaces them even
		 * where its definition is empty (slack.default.text). */
		if (empty && !(set->defs[i].builtin && !set->adding_builtin))
			return 0;
		if ((f = strdup(file)) == NULL)
			return -1;
		free(set->defs[i].file);
		set->defs[i].file = f;
		set->defs[i].root = root;
		set->defs[i].builtin = set->adding_builtin;
		return 0;
	}
	if ((d = realloc(set->defs, (set->ndefs + 1) * sizeof(*d))) == NULL)
		return -1;
	set->defs = d;
	n = strdup(name);
	f = strdup(file);
	if (n == NULL || f == NULL) {
		free(n);
		free(f);
		return -1;
	}
	d[set->ndefs].name = n;
	d[set->ndefs].file = f;
	d[set->ndefs].root = root;
	d[set->ndefs].builtin = set->adding_builtin;
	set->ndefs++;
	return 0;
}

const struct tdef *
tmpl_set_find(const struct tmpl_set *set, const char *name)
{
	for (; set != NULL; set = set->parent)
		for (size_t i = 0; i < set->ndefs; i++)
			if (strcmp(set->defs[i].name, name) == 0)
				return &set->defs[i];
	return NULL;
}

int
tmpl_set_has(const struct tmpl_set *set, const char *name)
{
	return tmpl_set_find(set, name) != NULL;
}

int
tmpl_set_add_text(struct tmpl_set *set, const char *name, const char *text,
    struct terr *err)
{
	struct node *root;

	if (tmpl_parse(set, name, text, &root, err) == -1)
		return -1;
	if (tmpl_set_define(set, name, name, root, tmpl_tree_is_empty(root)) == -1)
		return terr_set(err, "out of memory");
	return 0;
}

int
tmpl_set_add_builtin(struct tmpl_set *set, const char *name, const char *text,
    struct terr *err)
{
	int	 rc;

	set->adding_builtin = true;
	rc = tmpl_set_add_text(set, name, text, err);
	set->adding_builtin = false;
	return rc;
}

int
tmpl_set_add_file(struct tmpl_set *set, const char *path, struct terr *err)
{
	struct buf	 b;
	FILE		*fp;
	char		 chunk[8192];
	size_t		 n;
	const char	*base;
	int		 r = -1;

	buf_init(&b, TMPL_FILE_MAX);
	if ((fp = fopen(path, "r")) == NULL)
		return terr_set(err, "open %s: %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (buf_add(&b, chunk, n) == -1) {
			terr_set(err, "%s: file too large", path);
			goto out;
		}
	if (ferror(fp)) {
		terr_set(err, "read %s: %s", path, strerror(errno));
		goto out;
	}
	if (memchr(buf_str(&b), '\0', b.len) != NULL) {
		terr_set(err, "%s: file contains a NUL byte", path);
		goto out;
	}
	base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	r = tmpl_set_add_text(set, base, buf_str(&b), err);
out:
	fclose(fp);
	buf_free(&b);
	return r;
}

/* Go's filepath.Glob rejects what glibc would take literally: an unclosed
 * character class or a trailing backslash. */
static bool
bad_pattern(const char *p)
{
	for (; *p; p++) {
		if (*p == '\\') {
			if (*++p == '\0')
				return true;
		} else if (*p == '[') {
			p++;
			if (*p == '^')
				p++;
			if (*p == ']')
				return true;
			while (*p && *p != ']') {
				if (*p == '\\' && *++p == '\0')
					return true;
				p++;
			}
			if (*p == '\0')
				return true;
		}
	}
	return false;
}

int
tmpl_set_add_glob(struct tmpl_set *set, const char *pattern, struct terr *err)
{
	glob_t	 g;
	int	 r;

	if (bad_pattern(pattern))
		return terr_set(err, "syntax error in pattern");

	memset(&g, 0, sizeof(g));
	r = glob(pattern, 0, NULL, &g);
	if (r == GLOB_NOMATCH) {
		globfree(&g);
		return 0;
	}
	if (r != 0) {
		globfree(&g);
		return terr_set(err, "glob %s: failed", pattern);
	}
	for (size_t i = 0; i < g.gl_pathc; i++)
		if (tmpl_set_add_file(set, g.gl_pathv[i], err) == -1) {
			globfree(&g);
			return -1;
		}
	globfree(&g);
	return 0;
}
