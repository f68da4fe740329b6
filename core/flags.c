/* flags.c: kingpin-style flag parsing shared by every subcommand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flags.h"

static const struct flag *
flag_find(const struct flag *flags, const char *name, size_t len)
{
	for (; flags->name; flags++)
		if (strlen(flags->name) == len && strncmp(flags->name, name, len) == 0)
			return flags;
	return NULL;
}

static int
list_add(struct flag_list *l, const char *s)
{
	const char **v = realloc(l->v, (l->n + 1) * sizeof(*v));

	if (v == NULL)
		return -1;
	v[l->n++] = s;
	l->v = v;
	return 0;
}

int
flags_parse(const struct flag *flags, int argc, char **argv,
    struct flag_list *pos, struct terr *err)
{
	const struct flag	*f;
	const char		*arg, *eq, *value;
	size_t			 len;
	bool			 negated;
	int			 i, only_pos = 0;

	pos->v = NULL;
	pos->n = 0;
	for (i = 1; i < argc; i++) {
		arg = argv[i];
		if (only_pos || strncmp(arg, "--", 2) != 0 || arg[2] == '\0') {
			if (!only_pos && strcmp(arg, "--") == 0) {
				only_pos = 1;
				continue;
			}
			if (list_add(pos, arg) == -1)
				goto nomem;
			continue;
		}
		arg += 2;
		eq = strchr(arg, '=');
		len = eq ? (size_t)(eq - arg) : strlen(arg);
		negated = false;
		if ((f = flag_find(flags, arg, len)) == NULL && len > 3 &&
		    strncmp(arg, "no-", 3) == 0 &&
		    (f = flag_find(flags, arg + 3, len - 3)) != NULL &&
		    f->kind == FLAG_BOOL)
			negated = true;
		if (f == NULL) {
			terr_set(err, "unknown long flag '--%.*s'", (int)len, arg);
			goto fail;
		}
		if (f->kind == FLAG_BOOL) {
			if (eq == NULL)
				*(bool *)f->target = !negated;
			else if (strcmp(eq + 1, "true") == 0)
				*(bool *)f->target = true;
			else if (strcmp(eq + 1, "false") == 0)
				*(bool *)f->target = false;
			else {
				terr_set(err, "flag '--%s' takes true or false", f->name);
				goto fail;
			}
			continue;
		}
		if (eq)
			value = eq + 1;
		else if (i + 1 < argc)
			value = argv[++i];
		else {
			terr_set(err, "expected argument for flag '--%s'", f->name);
			goto fail;
		}
		if (f->kind == FLAG_STRING)
			*(const char **)f->target = value;
		else if (list_add(f->target, value) == -1)
			goto nomem;
	}
	return 0;
nomem:
	terr_set(err, "out of memory");
fail:
	free(pos->v);
	pos->v = NULL;
	pos->n = 0;
	return -1;
}

void
flags_usage(const char *usage, const struct flag *flags)
{
	printf("usage: %s\n\nFlags:\n", usage);
	for (; flags->name; flags++) {
		char left[96];

		if (flags->kind == FLAG_BOOL)
			snprintf(left, sizeof(left), "--%s", flags->name);
		else
			snprintf(left, sizeof(left), "--%s=%s", flags->name,
			    flags->placeholder ? flags->placeholder : "VALUE");
		printf("  %-36s %s\n", left, flags->help ? flags->help : "");
	}
}
