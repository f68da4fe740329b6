/* receiver.c: releasing a receiver and its integration configs (receiver.h). */
#include <stdlib.h>
#include <string.h>

#include "receiver.h"

void
receiver_clear(struct receiver *r)
{
	size_t	 i;

	if (r == NULL)
		return;
	free(r->name);
	for (i = 0; i < r->ntelegram; i++)
		telegram_config_clear(&r->telegram[i]);
	free(r->telegram);
	for (i = 0; i < r->nslack; i++)
		slack_config_clear(&r->slack[i]);
	free(r->slack);
	for (i = 0; i < r->nemail; i++)
		email_config_clear(&r->email[i]);
	free(r->email);
	for (i = 0; i < r->nwebhook; i++)
		webhook_config_clear(&r->webhook[i]);
	free(r->webhook);
	for (i = 0; i < r->nfile; i++)
		file_config_clear(&r->file[i]);
	free(r->file);
	memset(r, 0, sizeof(*r));
}
