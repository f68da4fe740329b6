/* flags.c: kingpin-style flag parsing shared by every subcommand. */
#include <ctype.h>
#include <errno.h>
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
		/* --no-X negates only a boolean X; otherwise it is unknown. */
		if ((f = flag_find(flags, arg, len)) == NULL && len > 3 &&
		    strncmp(arg, "no-", 3) == 0) {
			f = flag_find(flags, arg + 3, len - 3);
			if (f != NULL && f->kind != FLAG_BOOL)
				f = NULL;
			negated = f != NULL;
		}
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

		if (flags->help == NULL)
			continue;
		if (flags->kind == FLAG_BOOL)
			snprintf(left, sizeof(left), "--%s", flags->name);
		else
			snprintf(left, sizeof(left), "--%s=%s%s", flags->name,
			    flags->placeholder ? flags->placeholder : "VALUE",
			    flags->kind == FLAG_STRINGS ? " ..." : "");
		printf("  %-36s %s\n", left, flags->help);
	}
}

/*
 * roff output. Text lines are filled by the formatter, so only what roff
 * would interpret is escaped: the escape character, a control character
 * ("." or "'") starting a line, and "-", which roff sets as a hyphen that
 * does not paste back into a shell as the ASCII minus a flag needs.
 */
static void
man_write(FILE *out, const char *s, size_t n)
{
	bool	 bol = true;
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (bol && (s[i] == '.' || s[i] == '\''))
			fputs("\\&", out);
		bol = s[i] == '\n';
		if (s[i] == '\\')
			fputs("\\e", out);
		else if (s[i] == '-')
			fputs("\\-", out);
		else
			fputc(s[i], out);
	}
}

static void
man_puts(FILE *out, const char *s)
{
	man_write(out, s, strlen(s));
}

/* A macro argument in double quotes; roff has no escape for the quote
 * itself inside one, only the \(dq glyph. */
static void
man_arg(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++)
		if (*s == '"')
			fputs("\\(dq", out);
		else if (*s == '\\')
			fputs("\\e", out);
		else if (*s == '-')
			fputs("\\-", out);
		else
			fputc(*s, out);
	fputc('"', out);
}

/* Paragraphs separated by blank lines become .PP paragraphs; single line
 * breaks are left to roff's filling. */
static void
man_paragraphs(FILE *out, const char *text)
{
	const char	*end;

	while (*text == '\n')
		text++;
	while (*text) {
		if ((end = strstr(text, "\n\n")) == NULL)
			end = text + strlen(text);
		man_write(out, text, (size_t)(end - text));
		fputc('\n', out);
		while (*end == '\n')
			end++;
		if (*end)
			fputs(".PP\n", out);
		text = end;
	}
}

/* A synopsis line with its command words (up to the first flag or
 * argument) in bold, as man pages set what is typed literally. */
static void
man_synopsis(FILE *out, const char *line, size_t n)
{
	size_t	 i = 0, word = 0;

	while (i < n && strchr("[<-|", line[i]) == NULL) {
		while (i < n && line[i] != ' ')
			i++;
		word = i;	/* the literal part ends after this word */
		while (i < n && line[i] == ' ')
			i++;
	}
	if (word > 0) {
		fputs("\\fB", out);
		man_write(out, line, word);
		fputs("\\fR", out);
	}
	man_write(out, line + word, n - word);
	fputc('\n', out);
}

void
flags_man_begin(FILE *out, const struct flag_page *page)
{
	const char	*const *l;
	char		 title[64];
	size_t		 i;

	for (i = 0; page->name[i] && i + 1 < sizeof(title); i++)
		title[i] = (char)toupper((unsigned char)page->name[i]);
	title[i] = '\0';
	fputs(".TH ", out);
	man_arg(out, title);
	/* No date: the page is built from the program, reproducibly. */
	fputs(" 1 \"\" ", out);
	man_arg(out, page->version ? page->version : "");
	/* .nh: hyphenating a flag or a path would change what it says. */
	fputs(" \"User Commands\"\n.nh\n.SH NAME\n", out);
	man_puts(out, page->name);
	fputs(" \\- ", out);
	man_puts(out, page->summary);
	fputs("\n.SH SYNOPSIS\n", out);
	for (l = page->synopsis; l && *l; l++) {
		if (l != page->synopsis)
			fputs(".br\n", out);
		man_synopsis(out, *l, strlen(*l));
	}
	if (page->description) {
		fputs(".SH DESCRIPTION\n", out);
		man_paragraphs(out, page->description);
	}
}

void
flags_man_section(FILE *out, const char *title)
{
	fputs(".SH ", out);
	man_arg(out, title);
	fputc('\n', out);
}

bool
flags_help_done(bool help, bool help_man, const char *usage, const struct flag *flags)
{
	if (help_man)
		flags_man_command(stdout, usage, flags);
	else if (help)
		flags_usage(usage, flags);
	return help || help_man;
}

void
flags_man_command(FILE *out, const char *usage, const struct flag *flags)
{
	const char	*nl, *text;

	nl = strchr(usage, '\n');
	fputs(".SS\n", out);
	man_synopsis(out, usage, nl ? (size_t)(nl - usage) : strlen(usage));
	/* Further synopsis lines are other commands' (see flags_usage). */
	if (nl && (text = strstr(nl, "\n\n")) != NULL && text[2] != '\0')
		man_paragraphs(out, text + 2);
	flags_man_flags(out, flags);
}

void
flags_man_flags(FILE *out, const struct flag *flags)
{
	for (; flags->name; flags++) {
		if (flags->help == NULL)
			continue;
		fputs(".TP\n\\fB\\-\\-", out);
		man_puts(out, flags->name);
		fputs("\\fR", out);
		if (flags->kind != FLAG_BOOL) {
			fputs("=\\fI", out);
			man_puts(out, flags->placeholder ? flags->placeholder : "VALUE");
			fputs("\\fR", out);
			if (flags->kind == FLAG_STRINGS)
				fputs(" ...", out);
		}
		fputc('\n', out);
		man_paragraphs(out, flags->help);
	}
}

void
flags_man_end(FILE *out, const struct flag_page *page)
{
	if (page->see_also == NULL)
		return;
	fputs(".SH \"SEE ALSO\"\n", out);
	man_puts(out, page->see_also);
	fputc('\n', out);
}

int
flags_man_page(const struct flag_page *page, const struct flag_man_entry *cmds)
{
	char	 name[64], flag[] = "--help-man";
	char	*av[3] = { name, flag, NULL };
	int	 rc = 0;

	flags_man_begin(stdout, page);
	flags_man_section(stdout, "COMMANDS");
	for (; cmds->name; cmds++) {
		snprintf(name, sizeof(name), "%s", cmds->name);
		if (cmds->run(2, av) != 0)
			rc = 1;
	}
	flags_man_end(stdout, page);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "%s: error: writing the manual page: %s\n", page->name,
		    strerror(errno));
		rc = 1;
	}
	return rc;
}
