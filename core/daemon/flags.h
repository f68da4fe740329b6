/* flags.h: kingpin-style command-line flags (--name=value, --name value,
 * --bool, --no-bool), as Alertmanager and amtool take them, and the --help
 * text and manual page (--help-man, as kingpin has it) written from the same
 * flag tables. */
#ifndef TOCSIN_FLAGS_H
#define TOCSIN_FLAGS_H

#include <stdbool.h>
#include <stdio.h>

#include "err.h"

enum flag_kind {
	FLAG_STRING,	/* target: const char **; the last occurrence wins */
	FLAG_STRINGS,	/* target: struct flag_list *; every occurrence appends */
	FLAG_BOOL,	/* target: bool * */
};

struct flag_list {
	const char	**v;	/* points into argv; free v itself */
	int		  n;
};

struct flag {
	const char	*name;	/* without the leading "--"; NULL ends a table */
	enum flag_kind	 kind;
	void		*target;
	const char	*help;		/* NULL hides the flag (e.g. --help-man) */
	const char	*placeholder;	/* for help output, e.g. "FILE" */
};

/* A manual page's frame around the commands' sections. */
struct flag_page {
	const char	*name;		/* "tocsin-relay" */
	const char	*version;	/* the footer's source: "tocsin 0.1.0" */
	const char	*summary;	/* the NAME line after the dash */
	const char	*const *synopsis;	/* lines; NULL ends the list */
	const char	*description;	/* paragraphs, separated by blank lines */
	const char	*see_also;	/* "amtool(1), tocsin-watchdog(1)" or NULL */
};

/* Parses argv[1..argc-1] (argv[0] is the command's name). Flags and positional
 * arguments may interleave; "--" ends the flags. Positional arguments are
 * returned in *pos (pointers into argv; the caller frees the array). Unknown
 * flags and missing values are errors naming the flag. */
int	flags_parse(const struct flag *flags, int argc, char **argv,
	    struct flag_list *pos, struct terr *err) WARN_UNUSED;
/* Prints a help table for flags to stdout. usage's first line is the
 * command's synopsis; it may go on with more synopsis lines, then a blank
 * line and the command's description. */
void	flags_usage(const char *usage, const struct flag *flags);

/* A subcommand's --help and --help-man (both in its table, setting these
 * bools): prints its help table, or its manual page section, and returns
 * true (the command then exits 0); false when neither was given. */
bool	flags_help_done(bool help, bool help_man, const char *usage,
	    const struct flag *flags);

/*
 * The manual page (man(7) macros, section 1): flags_man_begin writes .TH,
 * NAME, SYNOPSIS and DESCRIPTION; the program then writes its sections, and
 * flags_man_end closes with SEE ALSO. Every text is escaped for roff, so
 * help strings stay plain text.
 */
void	flags_man_begin(FILE *out, const struct flag_page *page);
/* A section heading (.SH) such as "OPTIONS" or "COMMANDS". */
void	flags_man_section(FILE *out, const char *title);
/* One command as flags_usage shows it: its synopsis (usage's first line) as
 * a .SS heading, its description, then flags_man_flags. */
void	flags_man_command(FILE *out, const char *usage, const struct flag *flags);
/* One tagged paragraph (.TP) per visible flag, in table order. */
void	flags_man_flags(FILE *out, const struct flag *flags);
void	flags_man_end(FILE *out, const struct flag_page *page);

/* A program's command as its manual page lists it: run, given the argv
 * { name, "--help-man" }, writes the command's own section. */
struct flag_man_entry {
	const char	*name;		/* argv[0]: "check-config"; NULL ends a list */
	int		(*run)(int argc, char **argv);
};

/* A program's whole manual page on stdout: flags_man_begin, a COMMANDS
 * section with each command's, flags_man_end. Returns the exit status: 0,
 * or 1 when a command failed or stdout could not be written (said on
 * stderr). */
int	flags_man_page(const struct flag_page *page, const struct flag_man_entry *cmds);

#endif
