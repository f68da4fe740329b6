/* test_actiontoken.c: action links' tokens (exact bytes, checked against
 * Python's hmac and base64 modules), every kind of tampering, expiry, and
 * the action key file (created once, mode 0600, read back the same). */
#include <sys/stat.h>

#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "actiontoken.h"
#include "scratch_dir.h"

#define EXPIRES		INT64_C(1796630400000)
#define SILENCE_TOKEN	"cy5BYkNkRWZHaElqS2xNbk9wLjM2MDAwMDAuMTc5NjYzMDQwMDAwMA." \
			"LVX4DTFgyxnmoqK2V5k1q1nROswrRHIywmN9ionr_q8"
#define ACK_TOKEN	"YS5BYkNkRWZHaElqS2xNbk9wLjAuMTc5NjYzMDQwMDAwMA." \
			"5Ff3DuwNvDM1FTj2pabtBPoFeW2-7lcdN8A666X_BSA"

static void
test_key(struct action_key *k)
{
	for (size_t i = 0; i < ACTION_KEY_LEN; i++)
		k->bytes[i] = (unsigned char)i;
}

static struct action_token
silence_1h(void)
{
	struct action_token t = { .kind = ACTION_SILENCE,
	    .id = "AbCdEfGhIjKlMnOp", .duration_ms = 3600000, .expires = EXPIRES };

	return t;
}

static void
signs_exact_bytes(void **state)
{
	struct action_key	 k;
	struct action_token	 t = silence_1h();
	struct terr		 err;
	char			 out[ACTION_TOKEN_MAX];

	(void)state;
	test_key(&k);
	assert_int_equal(action_token_sign(&k, &t, out, sizeof(out), &err), 0);
	assert_string_equal(out, SILENCE_TOKEN);
	t.kind = ACTION_ACK;
	t.duration_ms = 0;
	assert_int_equal(action_token_sign(&k, &t, out, sizeof(out), &err), 0);
	assert_string_equal(out, ACK_TOKEN);
}

static void
verifies_and_expires(void **state)
{
	struct action_key	 k;
	struct action_token	 t;

	(void)state;
	test_key(&k);
	assert_int_equal(action_token_verify(&k, SILENCE_TOKEN, EXPIRES, &t),
	    ACTION_TOKEN_OK);
	assert_int_equal(t.kind, ACTION_SILENCE);
	assert_string_equal(t.id, "AbCdEfGhIjKlMnOp");
	assert_int_equal(t.duration_ms, 3600000);
	assert_int_equal(t.expires, EXPIRES);
	assert_int_equal(action_token_verify(&k, SILENCE_TOKEN, EXPIRES + 1, &t),
	    ACTION_TOKEN_EXPIRED);
	assert_string_equal(t.id, "AbCdEfGhIjKlMnOp");
	assert_int_equal(action_token_verify(&k, ACK_TOKEN, 0, &t),
	    ACTION_TOKEN_OK);
	assert_int_equal(t.kind, ACTION_ACK);
	assert_int_equal(t.duration_ms, 0);
}

/* Every single-character change of the token, anywhere, is refused. */
static void
refuses_every_tampering(void **state)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij"
	    "klmnopqrstuvwxyz0123456789-_.=+/ ";
	struct action_key	 k;
	struct action_token	 t;
	char			 s[sizeof(SILENCE_TOKEN)];

	(void)state;
	test_key(&k);
	for (size_t i = 0; i < sizeof(SILENCE_TOKEN) - 1; i++)
		for (const char *c = alphabet; *c; c++) {
			if (*c == SILENCE_TOKEN[i])
				continue;
			memcpy(s, SILENCE_TOKEN, sizeof(s));
			s[i] = *c;
			assert_int_equal(action_token_verify(&k, s, 0, &t),
			    ACTION_TOKEN_BAD);
			assert_string_equal(t.id, "");
		}
	/* Truncated, extended, empty, no signature. */
	memcpy(s, SILENCE_TOKEN, sizeof(s));
	for (size_t n = 0; n < sizeof(SILENCE_TOKEN) - 1; n++) {
		s[n] = '\0';
		assert_int_equal(action_token_verify(&k, s, 0, &t),
		    ACTION_TOKEN_BAD);
		s[n] = SILENCE_TOKEN[n];
	}
	assert_int_equal(action_token_verify(&k, SILENCE_TOKEN "A", 0, &t),
	    ACTION_TOKEN_BAD);
	assert_int_equal(action_token_verify(&k, NULL, 0, &t), ACTION_TOKEN_BAD);
	/* Another key. */
	k.bytes[31] ^= 1;
	assert_int_equal(action_token_verify(&k, SILENCE_TOKEN, 0, &t),
	    ACTION_TOKEN_BAD);
}

/* Correctly signed payloads that tocsin never writes are refused too: a
 * number spelt with a leading zero, an unknown action. */
static void
refuses_foreign_payloads(void **state)
{
	struct action_key	 k;
	struct action_token	 t;

	(void)state;
	test_key(&k);
	assert_int_equal(action_token_verify(&k,
	    "cy5BYkNkRWZHaElqS2xNbk9wLjAzNjAwMDAwLjE3OTY2MzA0MDAwMDA."
	    "Na2dVcuYze-L1jIlEzW-a87bfMEM2usneeciSQYQM1Y", 0, &t),
	    ACTION_TOKEN_BAD);
	assert_int_equal(action_token_verify(&k,
	    "eC5BYkNkRWZHaElqS2xNbk9wLjM2MDAwMDAuMTc5NjYzMDQwMDAwMA."
	    "VV7pym58thBQqR3JzgGtcLXuWBhry99t3UNwL6AxeMw", 0, &t),
	    ACTION_TOKEN_BAD);
}

static void
refuses_to_sign_nonsense(void **state)
{
	struct action_key	 k;
	struct action_token	 t;
	struct terr		 err;
	char			 out[ACTION_TOKEN_MAX];

	(void)state;
	test_key(&k);
	t = silence_1h();
	t.duration_ms = 0;
	assert_int_equal(action_token_sign(&k, &t, out, sizeof(out), &err), -1);
	assert_string_equal(err.msg, "not a valid action for a link");
	t = silence_1h();
	t.kind = ACTION_ACK;
	assert_int_equal(action_token_sign(&k, &t, out, sizeof(out), &err), -1);
	t = silence_1h();
	strcpy(t.id, "short");
	assert_int_equal(action_token_sign(&k, &t, out, sizeof(out), &err), -1);
	t = silence_1h();
	assert_int_equal(action_token_sign(&k, &t, out, 20, &err), -1);
	assert_string_equal(err.msg, "no room for an action token");
}

static void
key_generated_once_0600(void **state)
{
	struct action_key	 k1, k2;
	struct terr		 err;
	struct stat		 st;
	char			 dir[64], path[128], buf[100];
	FILE			*fp;
	size_t			 n;

	(void)state;
	scratch_make(dir, sizeof(dir), "actionkey");
	snprintf(path, sizeof(path), "%s/action.key", dir);
	assert_int_equal(action_key_load(NULL, dir, &k1, &err), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_non_null(fp = fopen(path, "r"));
	n = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	assert_int_equal(n, 65);
	assert_int_equal(strspn(buf, "0123456789abcdef"), 64);
	assert_int_equal(buf[64], '\n');
	/* Loaded again: the same key, the file untouched. */
	assert_int_equal(action_key_load(NULL, dir, &k2, &err), 0);
	assert_memory_equal(k1.bytes, k2.bytes, ACTION_KEY_LEN);
	/* Another directory: another key. */
	scratch_remove(dir);
	scratch_make(dir, sizeof(dir), "actionkey");
	assert_int_equal(action_key_load(NULL, dir, &k2, &err), 0);
	assert_memory_not_equal(k1.bytes, k2.bytes, ACTION_KEY_LEN);
	scratch_remove(dir);
	/* A directory that does not exist. */
	assert_int_equal(action_key_load(NULL, "/nonexistent/dir", &k1, &err), -1);
	assert_string_equal(err.msg, "cannot create the action key "
	    "\"/nonexistent/dir/action.key\": No such file or directory");
}

/* --web.action-key-file: SHA-256 of the file's trimmed text, at least 32
 * characters, errors without the content. */
static void
key_from_file(void **state)
{
	static const unsigned char want[ACTION_KEY_LEN] = {
		0xd5, 0xd9, 0x37, 0x9a, 0x9a, 0x5e, 0x62, 0xe8, 0x59, 0x80, 0x06,
		0x3a, 0xdb, 0xb1, 0x24, 0xad, 0x69, 0x60, 0xaf, 0x3a, 0xc5, 0x8a,
		0x8f, 0x01, 0x54, 0xfb, 0xe8, 0xea, 0x11, 0x8c, 0xe8, 0xb8,
	};
	struct action_key	 k;
	struct terr		 err;
	char			 dir[64], path[128], msg[256];

	(void)state;
	scratch_make(dir, sizeof(dir), "actionkey");
	scratch_write(dir, "key", "0123456789abcdef0123456789abcdef-key\n");
	scratch_write(dir, "short", "hunter2hunter2\n");
	snprintf(path, sizeof(path), "%s/key", dir);
	assert_int_equal(action_key_load(path, "/nonexistent", &k, &err), 0);
	assert_memory_equal(k.bytes, want, ACTION_KEY_LEN);
	snprintf(path, sizeof(path), "%s/short", dir);
	assert_int_equal(action_key_load(path, dir, &k, &err), -1);
	snprintf(msg, sizeof(msg), "--web.action-key-file \"%s\" holds fewer "
	    "than 32 characters", path);
	assert_string_equal(err.msg, msg);
	assert_null(strstr(err.msg, "hunter2"));
	snprintf(path, sizeof(path), "%s/missing", dir);
	assert_int_equal(action_key_load(path, dir, &k, &err), -1);
	snprintf(msg, sizeof(msg), "cannot read --web.action-key-file \"%s\": "
	    "No such file or directory", path);
	assert_string_equal(err.msg, msg);
	scratch_remove(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(signs_exact_bytes),
		cmocka_unit_test(verifies_and_expires),
		cmocka_unit_test(refuses_every_tampering),
		cmocka_unit_test(refuses_foreign_payloads),
		cmocka_unit_test(refuses_to_sign_nonsense),
		cmocka_unit_test(key_generated_once_0600),
		cmocka_unit_test(key_from_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
