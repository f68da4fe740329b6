/* httpconfig.h: prometheus/common's HTTPClientConfig and TLSConfig, the
 * http_config and tls_config blocks of receivers and of the global section.
 * Fields marked SECRET are never logged, put into messages or metrics. */
#ifndef TOCSIN_HTTPCONFIG_H
#define TOCSIN_HTTPCONFIG_H

#include <stdbool.h>

/* prometheus/common's TLSConfig. File paths are resolved against the
 * config file's directory; the files are read by whoever opens connections. */
struct tls_config {
	char	*ca_file;
	char	*cert_file;
	char	*key_file;
	char	*server_name;
	bool	 insecure_skip_verify;
	char	*min_version;		/* "TLS10".."TLS13" or NULL */
	char	*max_version;		/* "TLS10".."TLS13" or NULL */
};

/* prometheus/common's HTTPClientConfig (the parts Alertmanager's notifiers
 * use). A receiver without its own http_config gets the global one. */
struct http_config {
	char	*basic_auth_username;
	char	*basic_auth_password;		/* SECRET (inline or password_file) */
	char	*basic_auth_password_file;
	char	*authorization_type;		/* "Bearer" when credentials are set */
	char	*authorization_credentials;	/* SECRET (also bearer_token[_file]) */
	char	*authorization_credentials_file;
	char	*proxy_url;
	bool	 follow_redirects;		/* default true */
	bool	 enable_http2;			/* default true */
	struct tls_config tls;
};

struct cfg_load;
struct cf_type;
struct ynode;

/* Frees what a tls_config or an http_config owns (not the struct itself). */
void	http_tls_clear(struct tls_config *t);
void	http_config_clear(struct http_config *h);

/* A tls_config block, for the tables of the configs that have one of their
 * own (email_config). */
extern const struct cf_type cfg_tls_type;

/* prometheus/common's defaults: follow redirects, HTTP/2. */
void	cfg_http_defaults(struct http_config *h);
/* Parses an http_config block into *h (cleared first); the caller clears
 * *h on failure. */
int	cfg_http_config(struct cfg_load *ld, const struct ynode *n, struct http_config *h);
/* Deep copies; dst is zeroed first and left empty on failure. */
int	cfg_tls_copy(struct tls_config *dst, const struct tls_config *src);
int	cfg_http_copy(struct http_config *dst, const struct http_config *src);

#endif
