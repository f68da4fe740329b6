/* webconfig.h: the --web.config.file of Prometheus' exporter-toolkit
 * (tls_server_config, http_server_config, basic_auth_users with bcrypt
 * hashes), loaded strictly and checked the way exporter-toolkit checks it. */
#ifndef TOCSIN_WEBCONFIG_H
#define TOCSIN_WEBCONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "alert.h"
#include "err.h"

struct webconfig;	/* opaque; immutable after loading except its auth cache */

enum web_client_auth {
	WEB_NO_CLIENT_CERT,
	WEB_REQUEST_CLIENT_CERT,
	WEB_REQUIRE_ANY_CLIENT_CERT,
	WEB_VERIFY_CLIENT_CERT_IF_GIVEN,
	WEB_REQUIRE_AND_VERIFY_CLIENT_CERT,
};

/* Loads a web config file; relative file names inside it are resolved
 * against its directory. Certificates and keys are read and checked now.
 * Errors read "FILE:LINE:COL: ..." where a position is known. Caller frees
 * with webconfig_free. */
struct webconfig *webconfig_load_file(const char *path, struct terr *err);
/* Same for YAML text; name is used in messages, dir resolves relative paths. */
struct webconfig *webconfig_load_buffer(const char *name, const char *dir,
	    const char *yaml, size_t len, struct terr *err);
void	webconfig_free(struct webconfig *wc);

/* True when basic_auth_users has at least one user: every request then
 * needs valid credentials. */
bool	webconfig_has_users(const struct webconfig *wc);
/* Checks a user's password against its bcrypt hash in constant time. An
 * unknown user costs one bcrypt like a known one. Successful checks are
 * cached (as exporter-toolkit does: the last 64, keyed by a salted SHA-256
 * of user, hash and password), so a busy client does not cost one bcrypt
 * per request. Thread-safe; bcrypts run in parallel, so callers bound how
 * many run at once. */
bool	webconfig_check_user(struct webconfig *wc, const char *user, const char *password);
/* True when these credentials were verified before and are still cached:
 * no bcrypt, so it can be asked on any thread. False says nothing. */
bool	webconfig_check_cached(struct webconfig *wc, const char *user, const char *password);

/* http_server_config.headers (only the security headers exporter-toolkit
 * allows), to add to every response. Owned by wc. */
const struct kv *webconfig_headers(const struct webconfig *wc);

/* TLS: enabled when any TLS field is set (exporter-toolkit's IsEnabled). The
 * PEM strings are owned by wc; client_ca is NULL when not configured. */
bool	webconfig_tls_enabled(const struct webconfig *wc);
const char *webconfig_tls_cert(const struct webconfig *wc);
const char *webconfig_tls_key(const struct webconfig *wc);
const char *webconfig_tls_client_ca(const struct webconfig *wc);
enum web_client_auth webconfig_tls_client_auth(const struct webconfig *wc);
/* A GnuTLS priority string for min_version..max_version (default TLS 1.2
 * to 1.3) with the server's cipher preference when asked. */
const char *webconfig_tls_priorities(const struct webconfig *wc);

#endif
