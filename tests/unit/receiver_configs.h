/* receiver_configs.h: a receiver's typed integration configs for the tests
 * that check what the loader built (receiver_config with the cast). */
#ifndef TOCSIN_TEST_RECEIVER_CONFIGS_H
#define TOCSIN_TEST_RECEIVER_CONFIGS_H

#include "filesink.h"
#include "receiver.h"
#include "sender_email.h"
#include "sender_slack.h"
#include "sender_telegram.h"
#include "sender_webhook.h"

#define TELEGRAM_AT(r, i) ((const struct telegram_config *) \
	receiver_config((r), &channel_telegram, (i)))
#define SLACK_AT(r, i) ((const struct slack_config *) \
	receiver_config((r), &channel_slack, (i)))
#define EMAIL_AT(r, i) ((const struct email_config *) \
	receiver_config((r), &channel_email, (i)))
#define WEBHOOK_AT(r, i) ((const struct webhook_config *) \
	receiver_config((r), &channel_webhook, (i)))
#define FILE_AT(r, i) ((const struct file_config *) \
	receiver_config((r), &channel_file, (i)))

#define NTELEGRAM(r)	receiver_count((r), &channel_telegram)
#define NSLACK(r)	receiver_count((r), &channel_slack)
#define NEMAIL(r)	receiver_count((r), &channel_email)
#define NWEBHOOK(r)	receiver_count((r), &channel_webhook)
#define NFILE(r)	receiver_count((r), &channel_file)

#endif
