/* test_webconfig.c: exporter-toolkit web config parsing, bcrypt checks and
 * TLS settings. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "webconfig.h"

/* bcrypt("s3cret") at cost 4, so the tests stay fast. */
#define HASH "$2b$04$IquFtxGBEcmley7NVyVFkOdf7Hhg2PxawV2WVMsx9o8FtRF2ntxCG"

/* A self-signed P-256 test certificate (CN=localhost, valid to 2126), its
 * key, and a key that does not belong to it. */
static const char cert_pem[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBfjCCASWgAwIBAgIUcZjk16H5V3p1LTyQKa+SnLvjcs8wCgYIKoZIzj0EAwIw\n"
	"FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyMzE0MjAxM1oYDzIxMjYxMDMw\n"
	"MTQyMDEzWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO\n"
	"PQMBBwNCAAQfykhVnplj7BkQCQ+xe/cWoomy0/dfTJyUKVbOE7lSeVhkjixpniwo\n"
	"Fs9NOYd+C6SaG+FbOxkk9iaPRRfNiKcQo1MwUTAdBgNVHQ4EFgQUhpO4slmRD5Lz\n"
	"LE4gwdXIH7OxrXgwHwYDVR0jBBgwFoAUhpO4slmRD5LzLE4gwdXIH7OxrXgwDwYD\n"
	"VR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNHADBEAiBAQCTAHCn8kqWFXcsVYGYQ\n"
	"ldl8Ti2pGDMbkE0luzm4YQIgCCM4rUHH+rmNnOrY+UfoAn+hAyebrPdEmuF44/h6\n"
	"oZs=\n"
	"-----END CERTIFICATE-----\n";
static const char key_pem[] =
	"-----BEGIN PRIVATE KEY-----\n"
	"MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgQv9cgIKwxnY9Az+U\n"
	"BD5L5EVrU4Z6fyPYc9NcLBjJ3x+hRANCAAQfykhVnplj7BkQCQ+xe/cWoomy0/df\n"
	"TJyUKVbOE7lSeVhkjixpniwoFs9NOYd+C6SaG+FbOxkk9iaPRRfNiKcQ\n"
	"-----END PRIVATE KEY-----\n";
static const char other_key_pem[] =
	"-----BEGIN PRIVATE KEY-----\n"
	"MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg2S27Rrx0BUPpr8FH\n"
	"ReC4vZbKWdwMKDrkI7Ece9BDPvuhRANCAATSLwUfhPw1OQBBnId/S5QOBqudflwJ\n"
	"15cHQn1BDlOjnmqfLv13oB2LOzzB+olvsF+U4oTiMdq9lQcKIaGj6hP4\n"
	"-----END PRIVATE KEY-----\n";

static struct webconfig *
load(const char *yaml, struct terr *err)
{
	return webconfig_load_buffer("web.yml", "/nonexistent", yaml, strlen(yaml), err);
}

static void
expect_error(const char *yaml, const char *want)
{
	struct terr	 err;

	memset(&err, 0, sizeof(err));
	assert_null(load(yaml, &err));
	assert_string_equal(err.msg, want);
}

static void
test_webconfig_empty_file_means_no_auth_no_tls(void **state)
{
	struct webconfig *wc;
	struct terr	 err;

	assert_non_null(wc = load("", &err));
	assert_false(webconfig_has_users(wc));
	assert_false(webconfig_tls_enabled(wc));
	webconfig_free(wc);
	assert_non_null(wc = load("tls_server_config:\n  min_version: TLS13\nhttp_server_config:\n  http2: false\n", &err));
	assert_false(webconfig_tls_enabled(wc));
	webconfig_free(wc);
}

static void
test_webconfig_unknown_keys_are_errors_with_positions(void **state)
{
	expect_error("basic_auth_user:\n  a: b\n",
	    "web.yml:1:1: field basic_auth_user not found in the web config");
	expect_error("tls_server_config:\n  cert_file: a\n  keyfile: b\n",
	    "web.yml:3:3: field keyfile not found in tls_server_config");
	expect_error("http_server_config:\n  http3: true\n",
	    "web.yml:2:3: field http3 not found in http_server_config");
	expect_error("tls_server_config:\n  min_version: TLS14\n",
	    "web.yml:2:16: min_version: unknown TLS version: TLS14");
	expect_error("basic_auth_users: [a]\n",
	    "web.yml:1:19: basic_auth_users: expected a mapping, got a sequence");
	expect_error("basic_auth_users:\n  alice: plaintext\n",
	    "web.yml:2:10: basic_auth_users: the password of user alice is not a bcrypt hash");
	expect_error("tls_server_config:\n  cipher_suites: [TLS_AES_128_GCM_SHA256]\n",
	    "web.yml:2:3: cipher_suites is not supported (GnuTLS's secure defaults apply)");
	expect_error("tls_server_config:\n  key_file: k.pem\n",
	    "web.yml: tls_server_config: missing one of cert or cert_file");
	expect_error("tls_server_config:\n  cert_file: c.pem\n",
	    "web.yml: tls_server_config: missing one of key or key_file");
	expect_error("a: [\n", "web.yml:2:1: did not find expected node content while parsing a flow node");
}

static void
test_webconfig_bcrypt_accepts_right_password_only(void **state)
{
	struct webconfig *wc;
	struct terr	 err;

	assert_non_null(wc = load("basic_auth_users:\n  alice: " HASH "\n  bob: '" HASH "'\n", &err));
	assert_true(webconfig_has_users(wc));
	assert_true(webconfig_check_user(wc, "alice", "s3cret"));
	/* Again, now answered from the cache. */
	assert_true(webconfig_check_user(wc, "alice", "s3cret"));
	assert_true(webconfig_check_user(wc, "bob", "s3cret"));
	assert_false(webconfig_check_user(wc, "alice", "s3cre"));
	assert_false(webconfig_check_user(wc, "alice", "s3cret "));
	assert_false(webconfig_check_user(wc, "alice", ""));
	assert_false(webconfig_check_user(wc, "Alice", "s3cret"));
	/* An unknown user with the dummy hash's password is still refused. */
	assert_false(webconfig_check_user(wc, "mallory", "tocsin-no-such-user"));
	assert_false(webconfig_check_user(wc, "mallory", "s3cret"));
	webconfig_free(wc);
}

static void
test_webconfig_cache_holds_only_verified_credentials(void **state)
{
	struct webconfig *wc, *wc2;
	struct terr	 err;
	char		 pw[32];
	int		 i;

	assert_non_null(wc = load("basic_auth_users:\n  alice: " HASH "\n", &err));
	/* Nothing is cached before a bcrypt said yes, and a no is never cached. */
	assert_false(webconfig_check_cached(wc, "alice", "s3cret"));
	assert_false(webconfig_check_user(wc, "alice", "wrong"));
	assert_false(webconfig_check_cached(wc, "alice", "wrong"));
	assert_true(webconfig_check_user(wc, "alice", "s3cret"));
	assert_true(webconfig_check_cached(wc, "alice", "s3cret"));
	/* The key is the whole pair: another password or user misses. */
	assert_false(webconfig_check_cached(wc, "alice", "s3cret "));
	assert_false(webconfig_check_cached(wc, "alic", "es3cret"));
	assert_false(webconfig_check_cached(wc, "mallory", "s3cret"));
	assert_false(webconfig_check_cached(wc, "alice", NULL));
	/* A reloaded config starts with an empty cache of its own. */
	assert_non_null(wc2 = load("basic_auth_users:\n  alice: " HASH "\n", &err));
	assert_false(webconfig_check_cached(wc2, "alice", "s3cret"));
	webconfig_free(wc2);
	/* Bounded: 64 entries, the oldest goes first. Wrong passwords fill
	 * nothing, so the verified pair stays however many fail. */
	for (i = 0; i < 70; i++) {
		snprintf(pw, sizeof(pw), "wrong%d", i);
		assert_false(webconfig_check_user(wc, "alice", pw));
	}
	assert_true(webconfig_check_cached(wc, "alice", "s3cret"));
	webconfig_free(wc);
}

static void
test_webconfig_security_headers_like_exporter_toolkit(void **state)
{
	struct webconfig *wc;
	const struct kv	*h;
	struct terr	 err;

	assert_non_null(wc = load("http_server_config:\n  headers:\n"
	    "    X-Frame-Options: deny\n    Strict-Transport-Security: max-age=31536000\n", &err));
	h = webconfig_headers(wc);
	assert_int_equal(h->n, 2);
	assert_string_equal(h->v[0].name, "Strict-Transport-Security");
	assert_string_equal(h->v[0].value, "max-age=31536000");
	assert_string_equal(h->v[1].name, "X-Frame-Options");
	assert_string_equal(h->v[1].value, "deny");
	webconfig_free(wc);
	expect_error("http_server_config:\n  headers:\n    Server: tocsin\n",
	    "web.yml:3:5: HTTP header \"Server\" can not be configured");
	expect_error("http_server_config:\n  headers:\n    X-Frame-Options: allow\n",
	    "web.yml:3:22: invalid value for X-Frame-Options. Expected one of: "
	    "[\"deny\" \"sameorigin\"], but got: \"allow\"");
}

static char tmpdir[64];

static void
write_file(const char *name, const char *text)
{
	char	 path[128];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static void
test_webconfig_tls_files_are_relative_to_the_config(void **state)
{
	struct webconfig *wc;
	struct terr	 err;
	char		 path[128];

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_webconfig.XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	write_file("c.pem", cert_pem);
	write_file("k.pem", key_pem);
	write_file("k2.pem", other_key_pem);
	write_file("web.yml", "tls_server_config:\n  cert_file: c.pem\n  key_file: k.pem\n");
	snprintf(path, sizeof(path), "%s/web.yml", tmpdir);
	assert_non_null(wc = webconfig_load_file(path, &err));
	assert_true(webconfig_tls_enabled(wc));
	assert_string_equal(webconfig_tls_cert(wc), cert_pem);
	assert_string_equal(webconfig_tls_key(wc), key_pem);
	assert_null(webconfig_tls_client_ca(wc));
	assert_int_equal(webconfig_tls_client_auth(wc), WEB_NO_CLIENT_CERT);
	assert_string_equal(webconfig_tls_priorities(wc),
	    "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:%SERVER_PRECEDENCE");
	webconfig_free(wc);

	write_file("web.yml", "tls_server_config:\n  cert_file: c.pem\n  key_file: k.pem\n"
	    "  min_version: TLS11\n  max_version: TLS12\n  prefer_server_cipher_suites: false\n"
	    "  client_ca_file: c.pem\n  client_auth_type: RequireAndVerifyClientCert\n");
	assert_non_null(wc = webconfig_load_file(path, &err));
	assert_string_equal(webconfig_tls_priorities(wc), "NORMAL:-VERS-ALL:+VERS-TLS1.2:+VERS-TLS1.1");
	assert_string_equal(webconfig_tls_client_ca(wc), cert_pem);
	assert_int_equal(webconfig_tls_client_auth(wc), WEB_REQUIRE_AND_VERIFY_CLIENT_CERT);
	webconfig_free(wc);

	write_file("web.yml", "tls_server_config:\n  cert_file: c.pem\n  key_file: k2.pem\n");
	assert_null(webconfig_load_file(path, &err));
	assert_non_null(strstr(err.msg, ": tls_server_config: failed to load X509KeyPair: "));

	write_file("web.yml", "tls_server_config:\n  cert_file: c.pem\n  key_file: k.pem\n"
	    "  client_ca_file: c.pem\n");
	assert_null(webconfig_load_file(path, &err));
	assert_non_null(strstr(err.msg, "web.yml: tls_server_config: client CA's have been "
	    "configured without a Client Auth Policy"));

	write_file("web.yml", "tls_server_config:\n  cert_file: c.pem\n  key_file: k.pem\n"
	    "  client_auth_type: Sometimes\n");
	assert_null(webconfig_load_file(path, &err));
	assert_non_null(strstr(err.msg, "web.yml: tls_server_config: invalid ClientAuth: Sometimes"));

	write_file("web.yml", "tls_server_config:\n  cert_file: missing.pem\n  key_file: k.pem\n");
	assert_null(webconfig_load_file(path, &err));
	assert_non_null(strstr(err.msg, "web.yml: failed to read cert_file: open "));
	assert_non_null(strstr(err.msg, "/missing.pem: No such file or directory"));

	snprintf(path, sizeof(path), "rm -rf %s", tmpdir);
	assert_int_equal(system(path), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_webconfig_empty_file_means_no_auth_no_tls),
		cmocka_unit_test(test_webconfig_unknown_keys_are_errors_with_positions),
		cmocka_unit_test(test_webconfig_bcrypt_accepts_right_password_only),
		cmocka_unit_test(test_webconfig_cache_holds_only_verified_credentials),
		cmocka_unit_test(test_webconfig_security_headers_like_exporter_toolkit),
		cmocka_unit_test(test_webconfig_tls_files_are_relative_to_the_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
