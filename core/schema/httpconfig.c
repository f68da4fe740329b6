/* httpconfig.c: prometheus/common's http_config and tls_config blocks as
 * receivers and the global section write them (httpconfig.h), checked in
 * prometheus/common's order. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cfgfield.h"
#include "httpconfig.h"

void
http_tls_clear(struct tls_config *t)
{
	free(t->ca_file);
	free(t->cert_file);
	free(t->key_file);
	free(t->server_name);
	free(t->min_version);
	free(t->max_version);
}

void
http_config_clear(struct http_config *h)
{
	free(h->basic_auth_username);
	cfg_secret_free(h->basic_auth_password);
	free(h->basic_auth_password_file);
	free(h->authorization_type);
	cfg_secret_free(h->authorization_credentials);
	free(h->authorization_credentials_file);
	free(h->proxy_url);
	http_tls_clear(&h->tls);
}

static int
tls_version(struct cfg_load *ld, const char *field, const struct ynode *v,
    const char *s)
{
	if (s == NULL || strcmp(s, "TLS10") == 0 || strcmp(s, "TLS11") == 0 ||
	    strcmp(s, "TLS12") == 0 || strcmp(s, "TLS13") == 0)
		return 0;
	return cfg_fail(ld, v, "unknown TLS version: %.32s", s);
}

/* Alertmanager finds these when it first connects; a config check is the
 * better moment. */
static int
tls_finish(struct cfg_load *ld, const struct cf_walk *w)
{
	const struct tls_config *t = w->obj;

	if (t->cert_file != NULL && t->key_file == NULL)
		return cfg_fail(ld, w->n, "client cert file \"%s\" specified without "
		    "client key file", t->cert_file);
	if (t->key_file != NULL && t->cert_file == NULL)
		return cfg_fail(ld, w->n, "client key file \"%s\" specified without "
		    "client cert file", t->key_file);
	return 0;
}

static const struct cf_field tls_fields[] = {
	{ "ca_file", CF_FILE, CF_AT(tls_config, ca_file) },
	{ "cert_file", CF_FILE, CF_AT(tls_config, cert_file) },
	{ "key_file", CF_FILE, CF_AT(tls_config, key_file) },
	{ "server_name", CF_STR, CF_AT(tls_config, server_name) },
	{ "insecure_skip_verify", CF_BOOL, CF_AT(tls_config, insecure_skip_verify) },
	{ "min_version", CF_STR, CF_AT(tls_config, min_version), .check = tls_version },
	{ "max_version", CF_STR, CF_AT(tls_config, max_version), .check = tls_version },
	{ .name = NULL }
};
const struct cf_type cfg_tls_type = { "tls_config", tls_fields, 0, tls_finish };

/* http_config as written: bearer_token[_file] is the legacy spelling of
 * authorization, moved there by http_finish. */
struct http_in {
	struct http_config	 h;
	char			*bearer_token;		/* SECRET */
	char			*bearer_token_file;
};

static int
basic_auth_finish(struct cfg_load *ld, const struct cf_walk *w)
{
	struct http_in *in = w->obj;

	if (in->h.basic_auth_username == NULL &&
	    (in->h.basic_auth_username = strdup("")) == NULL)
		return cfg_fail(ld, w->n, "out of memory");
	return 0;
}

static const struct cf_field basic_auth_fields[] = {
	{ "username", CF_STR, CF_AT(http_in, h.basic_auth_username) },
	{ "password", CF_STR, CF_AT(http_in, h.basic_auth_password), .secret = true },
	{ "password_file", CF_FILE, CF_AT(http_in, h.basic_auth_password_file) },
	{ .name = NULL }
};
static const struct cf_type basic_auth_type = { "basic_auth", basic_auth_fields, 0,
    basic_auth_finish };

static const struct cf_field authorization_fields[] = {
	{ "type", CF_STR, CF_AT(http_in, h.authorization_type) },
	{ "credentials", CF_STR, CF_AT(http_in, h.authorization_credentials),
	    .secret = true },
	{ "credentials_file", CF_FILE,
	    CF_AT(http_in, h.authorization_credentials_file) },
	{ .name = NULL }
};
static const struct cf_type authorization_type = { "authorization",
    authorization_fields, 0, NULL };

static int
oauth2(struct cfg_load *ld, const struct ynode *k, const struct ynode *v, void *obj)
{
	return cfg_fail(ld, k, "http_config: oauth2 is not supported by tocsin");
}

/* prometheus/common takes any URL Go can parse (socks5://, http://, even a
 * bare "proxy"), and a proxy URL may carry credentials, so it is never
 * echoed. */
static int
proxy_url(struct cfg_load *ld, const char *field, const struct ynode *v,
    const char *s)
{
	size_t	 i;

	for (i = 0; s != NULL && s[i] != '\0'; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return cfg_fail(ld, v, "%s is not a valid URL: invalid control "
			    "character in URL", field);
	return 0;
}

/* prometheus/common's HTTPClientConfig.Validate, in its order. */
static int
http_validate(struct cfg_load *ld, const struct cf_walk *w, struct http_in *in)
{
	struct http_config *h = &in->h;
	const struct ynode *basic = cf_given(w, "basic_auth");
	const struct ynode *authz = cf_given(w, "authorization");
	const struct ynode *bearer = cf_value(w, "bearer_token");
	const struct ynode *bearerfile = cf_value(w, "bearer_token_file");
	bool		 token = !cfg_empty(in->bearer_token);
	bool		 tokenfile = in->bearer_token_file != NULL;

	if (token && tokenfile)
		return cf_conflict(ld, w, "bearer_token", "bearer_token_file");
	if (basic != NULL && (token || tokenfile))
		return cfg_fail(ld, token ? bearer : bearerfile, "at most one of "
		    "basic_auth, oauth2, bearer_token & bearer_token_file must be "
		    "configured");
	if (basic != NULL && !cfg_empty(h->basic_auth_password) &&
	    h->basic_auth_password_file != NULL)
		return cfg_fail(ld, ynode_map_get(cf_value(w, "basic_auth"),
		    "password_file"), "at most one of basic_auth password & "
		    "password_file must be configured");
	if (authz == NULL)
		return 0;
	if (token || tokenfile)
		return cfg_fail(ld, authz, "authorization is not compatible with "
		    "bearer_token & bearer_token_file");
	if (!cfg_empty(h->authorization_credentials) &&
	    h->authorization_credentials_file != NULL)
		return cfg_fail(ld, ynode_map_get(cf_value(w, "authorization"),
		    "credentials_file"), "at most one of authorization credentials "
		    "& credentials_file must be configured");
	if (cfg_empty(h->authorization_type)) {
		free(h->authorization_type);
		if ((h->authorization_type = strdup("Bearer")) == NULL)
			return cfg_fail(ld, authz, "out of memory");
	}
	if (strcasecmp(h->authorization_type, "basic") == 0)
		return cfg_fail(ld, authz, "authorization type cannot be set to "
		    "\"basic\", use \"basic_auth\" instead");
	if (basic != NULL)
		return cfg_fail(ld, authz, "at most one of basic_auth, oauth2 & "
		    "authorization must be configured");
	return 0;
}

static int
http_finish(struct cfg_load *ld, const struct cf_walk *w)
{
	struct http_in	*in = w->obj;
	struct http_config *h = &in->h;
	const char	*credfield = "credentials_file";
	const struct ynode *credfile;

	if (http_validate(ld, w, in) == -1)
		return -1;
	credfile = ynode_map_get(cf_value(w, "authorization"), "credentials_file");
	if (cf_given(w, "authorization") == NULL &&
	    (!cfg_empty(in->bearer_token) || in->bearer_token_file != NULL)) {
		if ((h->authorization_type = strdup("Bearer")) == NULL)
			return cfg_fail(ld, w->n, "out of memory");
		if (!cfg_empty(in->bearer_token)) {
			h->authorization_credentials = in->bearer_token;
			in->bearer_token = NULL;
		} else {
			h->authorization_credentials_file = in->bearer_token_file;
			in->bearer_token_file = NULL;
			credfield = "bearer_token_file";
			credfile = cf_value(w, credfield);
		}
	}
	if (h->basic_auth_password_file != NULL &&
	    cfg_read_secret(ld, "password_file", ynode_map_get(cf_value(w,
	    "basic_auth"), "password_file"), h->basic_auth_password_file,
	    &h->basic_auth_password) == -1)
		return -1;
	if (h->authorization_credentials_file != NULL &&
	    cfg_read_secret(ld, credfield, credfile,
	    h->authorization_credentials_file, &h->authorization_credentials) == -1)
		return -1;
	/* The Authorization header libcurl makes of them. */
	return cfg_keep_basic(ld, w->n, h->basic_auth_username,
	    h->basic_auth_password);
}

static const struct cf_field http_fields[] = {
	{ "basic_auth", CF_TABLE, 0, .sub = &basic_auth_type },
	{ "authorization", CF_TABLE, 0, .sub = &authorization_type },
	{ "bearer_token", CF_STR, CF_AT(http_in, bearer_token), .secret = true },
	{ "bearer_token_file", CF_FILE, CF_AT(http_in, bearer_token_file) },
	{ "oauth2", CF_CUSTOM, .parse = oauth2 },
	{ "proxy_url", CF_STR, CF_AT(http_in, h.proxy_url), .secret = true,
	    .check = proxy_url },
	{ "tls_config", CF_TABLE, CF_AT(http_in, h.tls), .sub = &cfg_tls_type },
	{ "follow_redirects", CF_BOOL, CF_AT(http_in, h.follow_redirects), .on = true },
	{ "enable_http2", CF_BOOL, CF_AT(http_in, h.enable_http2), .on = true },
	{ .name = NULL }
};
static const struct cf_type http_type = { "http_config", http_fields, 0,
    http_finish };

void
cfg_http_defaults(struct http_config *h)
{
	memset(h, 0, sizeof(*h));
	h->follow_redirects = true;
	h->enable_http2 = true;
}

int
cfg_http_config(struct cfg_load *ld, const struct ynode *n, struct http_config *h)
{
	struct http_in	 in;
	int		 rc;

	http_config_clear(h);
	memset(&in, 0, sizeof(in));
	rc = cf_parse(ld, n, &http_type, &in);
	*h = in.h;
	if (in.bearer_token != NULL) {
		explicit_bzero(in.bearer_token, strlen(in.bearer_token));
		free(in.bearer_token);
	}
	free(in.bearer_token_file);
	return rc;
}

int
cfg_tls_copy(struct tls_config *dst, const struct tls_config *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->insecure_skip_verify = src->insecure_skip_verify;
	if (cfg_dup(&dst->ca_file, src->ca_file) == -1 ||
	    cfg_dup(&dst->cert_file, src->cert_file) == -1 ||
	    cfg_dup(&dst->key_file, src->key_file) == -1 ||
	    cfg_dup(&dst->server_name, src->server_name) == -1 ||
	    cfg_dup(&dst->min_version, src->min_version) == -1 ||
	    cfg_dup(&dst->max_version, src->max_version) == -1) {
		http_tls_clear(dst);
		memset(dst, 0, sizeof(*dst));
		return -1;
	}
	return 0;
}

int
cfg_http_copy(struct http_config *dst, const struct http_config *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->follow_redirects = src->follow_redirects;
	dst->enable_http2 = src->enable_http2;
	if (cfg_tls_copy(&dst->tls, &src->tls) == -1 ||
	    cfg_dup(&dst->basic_auth_username, src->basic_auth_username) == -1 ||
	    cfg_dup(&dst->basic_auth_password, src->basic_auth_password) == -1 ||
	    cfg_dup(&dst->basic_auth_password_file, src->basic_auth_password_file) == -1 ||
	    cfg_dup(&dst->authorization_type, src->authorization_type) == -1 ||
	    cfg_dup(&dst->authorization_credentials, src->authorization_credentials) == -1 ||
	    cfg_dup(&dst->authorization_credentials_file,
	    src->authorization_credentials_file) == -1 ||
	    cfg_dup(&dst->proxy_url, src->proxy_url) == -1) {
		http_config_clear(dst);
		return -1;
	}
	return 0;
}
