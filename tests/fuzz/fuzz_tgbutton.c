/* fuzz_tgbutton.c: libFuzzer target for what a button press brings in from
 * outside: a getUpdates answer (tgbot_parse_updates), the callback data of
 * each update (tga_callback_parse) and a record's context JSON
 * (tga_ctx_parse). Whatever the bytes: no crash or leak, the "from" line
 * is terminated, and callback data that parses writes back to the same
 * bytes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "telegram_actions.h"
#include "telegram_bot.h"

#define FUZZ_NAME "fuzz_tgbutton"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
callback(const char *d)
{
	struct tga_press p;
	char		 again[TGA_CALLBACK_MAX + 1];

	if (tga_callback_parse(d, &p) == -1)
		return;
	check(strlen(p.id) == 16, "id length");
	check(p.kind != TGA_SILENCE || p.duration_ms > 0, "silence without time");
	tga_callback(&p, again, sizeof(again));
	check(strcmp(again, d) == 0, "callback data does not write back");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tg_update *u;
	struct tga_ctx	 c;
	struct terr	 err;
	size_t		 n;
	char		*s;

	if (tgbot_parse_updates((const char *)data, size, &u, &n, &err) == 0) {
		for (size_t i = 0; i < n; i++) {
			check(strnlen(u[i].from, sizeof(u[i].from)) <
			    sizeof(u[i].from), "from unterminated");
			if (u[i].data != NULL)
				callback(u[i].data);
		}
		tg_updates_free(u, n);
	}
	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	callback(s);
	(void)tga_ctx_parse(s, &c);
	tga_ctx_clear(&c);
	free(s);
	return 0;
}
