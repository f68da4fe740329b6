/* flags.h: kingpin-style command-line flags (--name=value, --name value,
 * --bool, --no-bool), as Alertmanager and amtool take them. */
#ifndef TOCSIN_FLAGS_H
#define TOCSIN_FLAGS_H

#include <stdbool.h>

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
	const char	*help;
	const char	*placeholder;	/* for help output, e.g. "FILE" */
};

/* Parses argv[1..argc-1] (argv[0] is the command's name). Flags and positional
 * arguments may interleave; "--" ends the flags. Positional arguments are
 * returned in *pos (pointers into argv; the caller frees the array). Unknown
 * flags and missing values are errors naming the flag. */
int	flags_parse(const struct flag *flags, int argc, char **argv,
	    struct flag_list *pos, struct terr *err) WARN_UNUSED;
/* Prints a help table for flags to stdout. */
void	flags_usage(const char *usage, const struct flag *flags);

#endif
