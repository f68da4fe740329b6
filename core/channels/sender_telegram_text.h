/* sender_telegram_text.h: Telegram message text as Telegram measures it:
 * length in UTF-16 code units after HTML tags and entities are parsed,
 * splitting over-long text into numbered parts at safe places, and the
 * plain-text form sent when Telegram refuses the markup. */
#ifndef TOCSIN_SENDER_TELEGRAM_TEXT_H
#define TOCSIN_SENDER_TELEGRAM_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#define TGTEXT_MAX_UNITS 4096

struct tgtext_parts {
	char	**v;
	size_t	  n;
};

/* Length of text in UTF-16 units as Telegram counts it (html: tags count 0,
 * an entity counts as the character it stands for). */
size_t	tgtext_units(const char *text, size_t len, bool html);

/*
 * Splits text into parts of at most max units each. Text that fits is one
 * part, unchanged. Otherwise each part starts with "(i/n)\n" and the cuts
 * fall, in order of preference, after the last line break that fits,
 * between characters outside any element, or between characters; never inside a tag, an entity or a UTF-8 sequence.
 * Elements open at a cut are closed at the end of the part and opened again
 * (same start tag) at the start of the next. Returns -1 when memory runs
 * out; the caller frees with tgtext_parts_free.
 */
int	tgtext_split(const char *text, size_t len, bool html, size_t max,
	    struct tgtext_parts *out);
void	tgtext_parts_free(struct tgtext_parts *p);

/* The text Telegram would show for HTML markup: tags removed, entities
 * decoded. Caller frees; NULL when memory runs out. */
char	*tgtext_html_to_plain(const char *html);

#endif
