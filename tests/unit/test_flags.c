/* test_flags.c: kingpin-style flag parsing, and the --help and --help-man
 * texts written from the same flag tables. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "flags.h"

struct opts {
	const char		*file;
	struct flag_list	 globs;
	bool			 tree;
	bool			 man;
};

/* A table with one flag of each kind, a hidden one, and help texts that
 * roff would misread unescaped. */
static void
table(struct opts *o, struct flag *f)
{
	const struct flag t[] = {
		{ "config.file", FLAG_STRING, &o->file,
		  "Config file (see \\fB, not bold).", "FILE" },
		{ "template.glob", FLAG_STRINGS, &o->globs,
		  "Glob of template files.\n.nothing at the start of a line\n\n"
		  "'quoted' and a second paragraph.", NULL },
		{ "tree", FLAG_BOOL, &o->tree, "Prints the tree.", NULL },
		{ "help-man", FLAG_BOOL, &o->man, NULL, NULL },
		{ NULL, 0, NULL, NULL, NULL },
	};

	memcpy(f, t, sizeof(t));
}

static char **
argv_of(int n, ...)
{
	static char	*v[16];
	va_list		 ap;
	int		 i;

	va_start(ap, n);
	for (i = 0; i < n && i < 15; i++)
		v[i] = va_arg(ap, char *);
	va_end(ap);
	v[i] = NULL;
	return v;
}

static void
test_flags_parse_forms_and_positionals(void **state)
{
	struct opts	 o = { 0 };
	struct flag	 f[5];
	struct flag_list pos;
	struct terr	 err;
	char		**av = argv_of(9, "cmd", "--config.file", "a.yml", "x=1",
	    "--template.glob=*.tmpl", "--tree", "--template.glob", "b", "--");

	table(&o, f);
	assert_int_equal(flags_parse(f, 9, av, &pos, &err), 0);
	assert_string_equal(o.file, "a.yml");
	assert_int_equal(o.globs.n, 2);
	assert_string_equal(o.globs.v[0], "*.tmpl");
	assert_string_equal(o.globs.v[1], "b");
	assert_true(o.tree);
	assert_int_equal(pos.n, 1);
	assert_string_equal(pos.v[0], "x=1");
	free(pos.v);
	free(o.globs.v);

	av = argv_of(4, "cmd", "--no-tree", "--", "--tree");
	assert_int_equal(flags_parse(f, 4, av, &pos, &err), 0);
	assert_false(o.tree);
	assert_int_equal(pos.n, 1);
	assert_string_equal(pos.v[0], "--tree");
	free(pos.v);
}

static void
test_flags_parse_errors_name_the_flag(void **state)
{
	struct opts	 o = { 0 };
	struct flag	 f[5];
	struct flag_list pos;
	struct terr	 err;

	table(&o, f);
	assert_int_equal(flags_parse(f, 2, argv_of(2, "cmd", "--config"), &pos, &err), -1);
	assert_string_equal(err.msg, "unknown long flag '--config'");
	assert_int_equal(flags_parse(f, 2, argv_of(2, "cmd", "--config.file"), &pos, &err), -1);
	assert_string_equal(err.msg, "expected argument for flag '--config.file'");
	assert_int_equal(flags_parse(f, 2, argv_of(2, "cmd", "--tree=yes"), &pos, &err), -1);
	assert_string_equal(err.msg, "flag '--tree' takes true or false");
	assert_int_equal(flags_parse(f, 2, argv_of(2, "cmd", "--no-config.file"), &pos,
	    &err), -1);
	assert_string_equal(err.msg, "unknown long flag '--no-config.file'");
	assert_null(pos.v);
}

/* flags_usage writes to stdout: run it with stdout on a temporary file. */
static char *
usage_text(const char *usage, const struct flag *f)
{
	FILE	*tmp = tmpfile();
	char	*s;
	long	 n;
	int	 saved;

	assert_non_null(tmp);
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	assert_int_not_equal(dup2(fileno(tmp), STDOUT_FILENO), -1);
	flags_usage(usage, f);
	fflush(stdout);
	assert_int_not_equal(dup2(saved, STDOUT_FILENO), -1);
	close(saved);
	n = ftell(tmp);
	assert_true(n >= 0);
	s = calloc(1, (size_t)n + 1);
	rewind(tmp);
	assert_int_equal(fread(s, 1, (size_t)n, tmp), (size_t)n);
	fclose(tmp);
	return s;
}

static void
test_flags_usage_hides_help_man_and_marks_repeatable(void **state)
{
	struct opts	 o = { 0 };
	struct flag	 f[5];
	char		*s;

	table(&o, f);
	s = usage_text("prog sub [<flags>]\n\nDoes a thing.", f);
	assert_string_equal(s,
	    "usage: prog sub [<flags>]\n\nDoes a thing.\n\nFlags:\n"
	    "  --config.file=FILE                   Config file (see \\fB, not bold).\n"
	    "  --template.glob=VALUE ...            Glob of template files.\n"
	    ".nothing at the start of a line\n\n'quoted' and a second paragraph.\n"
	    "  --tree                               Prints the tree.\n");
	free(s);
}

static char *
man_text(void (*write)(FILE *, void *), void *arg)
{
	char	*s = NULL;
	size_t	 len = 0;
	FILE	*fp = open_memstream(&s, &len);

	assert_non_null(fp);
	write(fp, arg);
	assert_int_equal(fclose(fp), 0);
	return s;
}

static void
write_command(FILE *fp, void *arg)
{
	flags_man_command(fp, "prog sub-cmd [<flags>] <file>...\n"
	    "       prog other\n\n"
	    "Does a thing.\n\nThen another.", arg);
}

static void
test_flags_man_command_escapes_for_roff(void **state)
{
	struct opts	 o = { 0 };
	struct flag	 f[5];
	char		*s;

	table(&o, f);
	s = man_text(write_command, f);
	assert_string_equal(s,
	    ".SS\n"
	    "\\fBprog sub\\-cmd\\fR [<flags>] <file>...\n"
	    "Does a thing.\n"
	    ".PP\n"
	    "Then another.\n"
	    ".TP\n"
	    "\\fB\\-\\-config.file\\fR=\\fIFILE\\fR\n"
	    "Config file (see \\efB, not bold).\n"
	    ".TP\n"
	    "\\fB\\-\\-template.glob\\fR=\\fIVALUE\\fR ...\n"
	    "Glob of template files.\n"
	    "\\&.nothing at the start of a line\n"
	    ".PP\n"
	    "\\&'quoted' and a second paragraph.\n"
	    ".TP\n"
	    "\\fB\\-\\-tree\\fR\n"
	    "Prints the tree.\n");
	free(s);
}

static void
write_page(FILE *fp, void *arg)
{
	static const char *const synopsis[] = {
		"prog [<flags>]", "prog <command> [<args>...]", NULL,
	};
	const struct flag_page page = {
		"prog-name", "tocsin 9.9", "does \"things\"", synopsis,
		"First paragraph\nstill first.\n\nSecond.", "amtool(1)",
	};

	flags_man_begin(fp, &page);
	flags_man_section(fp, "OPTIONS");
	flags_man_flags(fp, arg);
	flags_man_end(fp, &page);
}

static void
test_flags_man_page_frame(void **state)
{
	struct opts	 o = { 0 };
	struct flag	 f[5];
	char		*s;

	table(&o, f);
	f[1].name = NULL;
	s = man_text(write_page, f);
	assert_string_equal(s,
	    ".TH \"PROG\\-NAME\" 1 \"\" \"tocsin 9.9\" \"User Commands\"\n"
	    ".nh\n"
	    ".SH NAME\n"
	    "prog\\-name \\- does \"things\"\n"
	    ".SH SYNOPSIS\n"
	    "\\fBprog\\fR [<flags>]\n"
	    ".br\n"
	    "\\fBprog\\fR <command> [<args>...]\n"
	    ".SH DESCRIPTION\n"
	    "First paragraph\n"
	    "still first.\n"
	    ".PP\n"
	    "Second.\n"
	    ".SH \"OPTIONS\"\n"
	    ".TP\n"
	    "\\fB\\-\\-config.file\\fR=\\fIFILE\\fR\n"
	    "Config file (see \\efB, not bold).\n"
	    ".SH \"SEE ALSO\"\n"
	    "amtool(1)\n");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flags_parse_forms_and_positionals),
		cmocka_unit_test(test_flags_parse_errors_name_the_flag),
		cmocka_unit_test(test_flags_usage_hides_help_man_and_marks_repeatable),
		cmocka_unit_test(test_flags_man_command_escapes_for_roff),
		cmocka_unit_test(test_flags_man_page_frame),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
