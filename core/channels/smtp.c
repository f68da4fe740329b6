/* smtp.c: the SMTP client of the e-mail sender. libesmtp runs the session
 * (EHLO, STARTTLS, AUTH, per-recipient status); libcurl handles what
 * libesmtp 1.1 cannot: implicit TLS (smtps://, port 465 or
 * force_implicit_tls) and CRAM-MD5. Both paths end in the same
 * classification. */
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <auth-client.h>
#include <libesmtp.h>

#include "mime.h"
#include "smtp.h"

#define DEFAULT_TIMEOUT_S 30

static pthread_once_t auth_once = PTHREAD_ONCE_INIT;

static void
auth_init(void)
{
	auth_client_init();
}

static void PRINTF_LIKE(3, 4)
result(struct send_result *res, enum send_status st, const char *fmt, ...)
{
	va_list ap;

	res->status = st;
	res->retry_after_ms = -1;
	va_start(ap, fmt);
	vsnprintf(res->reason, sizeof(res->reason), fmt, ap);
	va_end(ap);
}

static enum send_status
by_code(int code)
{
	return code >= 500 ? SEND_PERMFAIL : SEND_TEMPFAIL;
}

/* The name the server's certificate must carry. */
static const char *
tls_name(const struct email_config *cfg)
{
	if (cfg->tls.server_name != NULL && cfg->tls.server_name[0] != '\0')
		return cfg->tls.server_name;
	return cfg->smarthost_host;
}

/* State shared with libesmtp's callbacks for one session. */
struct session_state {
	const struct email_config *cfg;
	const char	*data;
	size_t		 len;
	bool		 sent;
	bool		 no_starttls;
	bool		 tls_failed;
	char		 tls_error[128];
	int		 auth_code;	/* first 4xx/5xx answer to AUTH */
	char		 auth_text[128];
	bool		 in_auth;
};

static int
tls_version(const char *v, int dflt)
{
	if (v == NULL || *v == '\0')
		return dflt;
	if (strcmp(v, "TLS13") == 0)
		return TLS1_3_VERSION;
	if (strcmp(v, "TLS12") == 0)
		return TLS1_2_VERSION;
	if (strcmp(v, "TLS11") == 0)
		return TLS1_1_VERSION;
	return TLS1_VERSION;
}

/* The TLS context for one session: TLS 1.2 or newer (tls_config may raise
 * the floor, never lower it), tls_config's CA file or the system store,
 * its client certificate, and the name to check. Verification is left to
 * the end of the handshake (SSL_VERIFY_NONE with the checks configured),
 * so that libesmtp's certificate events can report why it failed. */
static SSL_CTX *
tls_context(const struct email_config *cfg, char *why, size_t whylen)
{
	const struct tls_config *t = &cfg->tls;
	X509_VERIFY_PARAM *param;
	const char *name = tls_name(cfg);
	SSL_CTX *ctx;
	int min = tls_version(t->min_version, TLS1_2_VERSION);

	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		snprintf(why, whylen, "cannot create a TLS context");
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, min < TLS1_2_VERSION ? TLS1_2_VERSION : min);
	/* libesmtp 1.1's I/O layer intermittently takes TLS 1.3's
	 * post-handshake messages (session tickets) for a dropped connection
	 * (seen against aiosmtpd in tests/unit/test_smtp.c), so STARTTLS
	 * stays at TLS 1.2 unless tls_config asks for 1.3 explicitly. */
	SSL_CTX_set_max_proto_version(ctx, tls_version(t->max_version,
	    min > TLS1_2_VERSION ? min : TLS1_2_VERSION));
	if (t->ca_file != NULL && t->ca_file[0] != '\0') {
		if (SSL_CTX_load_verify_locations(ctx, t->ca_file, NULL) != 1) {
			snprintf(why, whylen, "cannot load the CA file of tls_config");
			goto fail;
		}
	} else if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
		snprintf(why, whylen, "cannot load the system's CA certificates");
		goto fail;
	}
	if (t->cert_file != NULL && t->cert_file[0] != '\0' &&
	    (SSL_CTX_use_certificate_chain_file(ctx, t->cert_file) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, t->key_file != NULL ? t->key_file :
	    t->cert_file, SSL_FILETYPE_PEM) != 1)) {
		snprintf(why, whylen, "cannot load the client certificate of tls_config");
		goto fail;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	param = SSL_CTX_get0_param(ctx);
	X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	if (X509_VERIFY_PARAM_set1_ip_asc(param, name) != 1 &&
	    X509_VERIFY_PARAM_set1_host(param, name, 0) != 1) {
		snprintf(why, whylen, "invalid TLS server name");
		goto fail;
	}
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

static void
on_event(smtp_session_t session, int event, void *arg, ...)
{
	struct session_state *st = arg;
	long vfy;
	va_list ap;
	int *ok;
	SSL *ssl;

	va_start(ap, arg);
	switch (event) {
	case SMTP_EV_EXTNA_STARTTLS:
		st->no_starttls = true;
		break;
	case SMTP_EV_INVALID_PEER_CERTIFICATE:
		/* Our context's checks (CA, validity, name) failed. */
		vfy = va_arg(ap, long);
		ok = va_arg(ap, int *);
		*ok = st->cfg->tls.insecure_skip_verify;
		if (!*ok) {
			st->tls_failed = true;
			snprintf(st->tls_error, sizeof(st->tls_error), "%s",
			    X509_verify_cert_error_string(vfy));
		}
		break;
	case SMTP_EV_WRONG_PEER_CERTIFICATE:
		/* libesmtp's own name check uses the smarthost's name; ours
		 * (tls_config's server_name when set) already passed when the
		 * verification result is clean. */
		ok = va_arg(ap, int *);
		(void)va_arg(ap, const char *);
		ssl = va_arg(ap, SSL *);
		*ok = st->cfg->tls.insecure_skip_verify ||
		    SSL_get_verify_result(ssl) == X509_V_OK;
		if (!*ok) {
			st->tls_failed = true;
			snprintf(st->tls_error, sizeof(st->tls_error),
			    "certificate is not valid for this name");
		}
		break;
	case SMTP_EV_NO_PEER_CERTIFICATE:
		ok = va_arg(ap, int *);
		*ok = st->cfg->tls.insecure_skip_verify;
		if (!*ok) {
			st->tls_failed = true;
			snprintf(st->tls_error, sizeof(st->tls_error),
			    "server sent no certificate");
		}
		break;
	case SMTP_EV_WEAK_CIPHER:
		st->tls_failed = true;
		snprintf(st->tls_error, sizeof(st->tls_error), "weak cipher");
		break;
	default:
		break;
	}
	va_end(ap);
}

/* Records the server's answers to AUTH (never what we write: that carries
 * the credentials). */
static void
on_monitor(const char *buf, int len, int writing, void *arg)
{
	struct session_state *st = arg;
	int n;

	/* The exchange runs from our "AUTH" to the server's first final
	 * (2xx, 4xx, 5xx) answer; the lines in between are credentials. */
	if (writing == SMTP_CB_WRITING) {
		if (len >= 5 && strncasecmp(buf, "AUTH ", 5) == 0)
			st->in_auth = true;
		return;
	}
	if (writing != SMTP_CB_READING || len < 4 || !st->in_auth ||
	    buf[0] == '3')
		return;
	st->in_auth = false;
	if (st->auth_code == 0 && (buf[0] == '4' || buf[0] == '5')) {
		/* buf is not NUL-terminated: stay within len. */
		for (n = 0; n < len && buf[n] != '\r' && buf[n] != '\n'; n++)
			;
		st->auth_code = (buf[0] - '0') * 100 + (buf[1] - '0') * 10 +
		    (buf[2] - '0');
		snprintf(st->auth_text, sizeof(st->auth_text), "%.*s", n, buf);
	}
}

static const char *
on_message(void **ctx, int *len, void *arg)
{
	struct session_state *st = arg;

	if (len == NULL) {	/* rewind */
		st->sent = false;
		return NULL;
	}
	if (st->sent || st->tls_failed) {
		*len = 0;
		return NULL;
	}
	st->sent = true;
	*len = (int)st->len;
	return st->data;
}

static int
on_auth_interact(auth_client_request_t req, char **result, int fields, void *arg)
{
	struct session_state *st = arg;
	const struct email_config *cfg = st->cfg;
	int i;

	for (i = 0; i < fields; i++) {
		if (req[i].flags & AUTH_USER)
			result[i] = cfg->auth_username;
		else if (req[i].flags & AUTH_PASS)
			/* PLAIN and LOGIN send auth_password, as in
			 * Alertmanager; CRAM-MD5 goes through libcurl (see
			 * smtp_deliver). */
			result[i] = cfg->auth_password;
		else if (req[i].flags & AUTH_REALM)
			result[i] = "";
		else
			result[i] = NULL;
		if (result[i] == NULL)
			return 0;
	}
	return 1;
}

struct rcpt_scan {
	struct buf	 temp;		/* "a@x (451 ...), ..." */
	struct buf	 perm;
	int		 first_temp;
	int		 first_perm;
	size_t		 accepted;
};

static void
scan_recipient(smtp_recipient_t r, const char *mailbox, void *arg)
{
	struct rcpt_scan *sc = arg;
	const smtp_status_t *s = smtp_recipient_status(r);
	struct buf *b;

	if (s == NULL || s->code == 0)
		return;
	if (s->code < 400) {
		sc->accepted++;
		return;
	}
	b = s->code < 500 ? &sc->temp : &sc->perm;
	if (s->code < 500 && sc->first_temp == 0)
		sc->first_temp = s->code;
	if (s->code >= 500 && sc->first_perm == 0)
		sc->first_perm = s->code;
	/* The reason holds 256 bytes anyway: a full list just stops. */
	if (b->len > 0 && buf_adds(b, ", ") == -1)
		return;
	if (buf_printf(b, "%s (%d %.*s)", mailbox, s->code,
	    (int)strcspn(s->text != NULL ? s->text : "", "\r\n"),
	    s->text != NULL ? s->text : "") == -1)
		return;
}

static const char *
status_text(const smtp_status_t *s)
{
	static const char empty[] = "";

	return s != NULL && s->text != NULL ? s->text : empty;
}

static int
deliver_esmtp(const struct email_config *cfg, const struct smtp_message *msg,
    char **to, struct send_result *res)
{
	struct session_state st = { .cfg = cfg, .data = msg->data, .len = msg->len };
	struct rcpt_scan sc = { 0 };
	smtp_session_t session = NULL;
	smtp_message_t m;
	auth_context_t auth = NULL;
	SSL_CTX *tls = NULL;
	const smtp_status_t *s;
	char **from = NULL, ebuf[128];
	size_t nfrom, i;
	long timeout = msg->timeout_s > 0 ? msg->timeout_s : DEFAULT_TIMEOUT_S;
	struct terr err;
	int rc = -1, started;

	buf_init(&sc.temp, 4096);
	buf_init(&sc.perm, 4096);
	if (mime_parse_addrs(cfg->from, &from, &nfrom, &err) == -1) {
		result(res, SEND_PERMFAIL, "from: %s", err.msg);
		goto done;
	}
	pthread_once(&auth_once, auth_init);
	if ((session = smtp_create_session()) == NULL ||
	    (m = smtp_add_message(session)) == NULL) {
		result(res, SEND_TEMPFAIL, "out of memory");
		goto done;
	}
	smtp_set_server(session, cfg->smarthost);
	smtp_set_hostname(session, cfg->hello != NULL ? cfg->hello : "localhost");
	smtp_set_eventcb(session, on_event, &st);
	smtp_set_monitorcb(session, on_monitor, &st, 0);
	for (i = Timeout_GREETING; i <= Timeout_DATA2; i++)
		smtp_set_timeout(session, (int)i | Timeout_OVERRIDE_RFC2822_MINIMUM,
		    timeout * 1000);	/* milliseconds */
	/* As Alertmanager: require_tls means STARTTLS or nothing, and
	 * without it the session stays in clear text. */
	smtp_starttls_enable(session, cfg->require_tls ? Starttls_REQUIRED :
	    Starttls_DISABLED);
	if (cfg->require_tls) {
		/* libesmtp takes its own reference. Without a context of
		 * ours it would share one static context between sessions
		 * and free it with the first. */
		if ((tls = tls_context(cfg, ebuf, sizeof(ebuf))) == NULL) {
			result(res, SEND_TEMPFAIL, "TLS with %s: %s", cfg->smarthost,
			    ebuf);
			goto done;
		}
		smtp_starttls_set_ctx(session, tls);
	}
	if (cfg->auth_username != NULL && cfg->auth_username[0] != '\0') {
		if ((auth = auth_create_context()) == NULL) {
			result(res, SEND_TEMPFAIL, "out of memory");
			goto done;
		}
		auth_set_mechanism_flags(auth, AUTH_PLUGIN_PLAIN, 0);
		auth_set_interact_cb(auth, on_auth_interact, &st);
		smtp_auth_set_context(session, auth);
	}
	smtp_set_reverse_path(m, from[0]);
	/* Our message carries its own Message-Id and Date; libesmtp must
	 * not add or change headers. */
	smtp_set_messagecb(m, on_message, &st);
	for (i = 0; to[i] != NULL; i++)
		if (smtp_add_recipient(m, to[i]) == NULL) {
			result(res, SEND_TEMPFAIL, "out of memory");
			goto done;
		}

	started = smtp_start_session(session);
	if (st.no_starttls) {
		result(res, SEND_TEMPFAIL, "require_tls is true but %s does not "
		    "offer STARTTLS", cfg->smarthost);
		goto done;
	}
	if (st.tls_failed) {
		result(res, SEND_TEMPFAIL, "TLS with %s: %s (expected name %s)",
		    cfg->smarthost, st.tls_error, tls_name(cfg));
		goto done;
	}
	if (!started) {
		result(res, SEND_TEMPFAIL, "SMTP session with %s failed: %s",
		    cfg->smarthost, smtp_strerror(smtp_errno(), ebuf, sizeof(ebuf)));
		goto done;
	}
	s = smtp_message_transfer_status(m);
	smtp_enumerate_recipients(m, scan_recipient, &sc);
	if (s != NULL && s->code >= 200 && s->code < 300 && sc.temp.len == 0 &&
	    sc.perm.len == 0) {
		result(res, SEND_OK, "%d %.*s", s->code,
		    (int)strcspn(status_text(s), "\r\n"), status_text(s));
		rc = 0;
		goto done;
	}
	if (st.auth_code != 0) {
		result(res, by_code(st.auth_code), "authentication as %s failed: %s",
		    cfg->auth_username, st.auth_text);
		goto done;
	}
	if ((s = smtp_reverse_path_status(m)) != NULL && s->code >= 400) {
		result(res, by_code(s->code), "MAIL FROM refused: %d %.*s", s->code,
		    (int)strcspn(status_text(s), "\r\n"), status_text(s));
		goto done;
	}
	if (sc.temp.len > 0) {
		result(res, SEND_TEMPFAIL, "recipients refused for now: %s",
		    buf_str(&sc.temp));
		goto done;
	}
	if (sc.perm.len > 0) {
		if (sc.accepted > 0)
			result(res, SEND_PERMFAIL, "recipients refused (delivered "
			    "to %zu other%s): %s", sc.accepted,
			    sc.accepted == 1 ? "" : "s", buf_str(&sc.perm));
		else
			result(res, SEND_PERMFAIL, "recipients refused: %s",
			    buf_str(&sc.perm));
		goto done;
	}
	s = smtp_message_transfer_status(m);
	if (s != NULL && s->code >= 400) {
		result(res, by_code(s->code), "message refused: %d %.*s", s->code,
		    (int)strcspn(status_text(s), "\r\n"), status_text(s));
		goto done;
	}
	result(res, SEND_TEMPFAIL, "SMTP session with %s ended early: %s",
	    cfg->smarthost, smtp_strerror(smtp_errno(), ebuf, sizeof(ebuf)));
done:
	if (session != NULL)
		smtp_destroy_session(session);
	if (auth != NULL)
		auth_destroy_context(auth);
	SSL_CTX_free(tls);
	mime_addrs_free(from);
	buf_free(&sc.temp);
	buf_free(&sc.perm);
	return rc;
}

struct curl_src {
	const char	*data;
	size_t		 left;
};

static size_t
curl_read(char *out, size_t size, size_t n, void *arg)
{
	struct curl_src *src = arg;
	size_t k = size * n < src->left ? size * n : src->left;

	memcpy(out, src->data, k);
	src->data += k;
	src->left -= k;
	return k;
}

/* libcurl for implicit TLS and CRAM-MD5 (then STARTTLS when require_tls):
 * curl verifies peer and host name itself
 * (TLS 1.2 or newer) and dot-stuffs the data. curl stops
 * at the first refused recipient, so there is no partial delivery here. */
static int
deliver_curl(const struct email_config *cfg, const struct smtp_message *msg,
    char **to, bool implicit, struct send_result *res)
{
	struct curl_src src = { msg->data, msg->len };
	struct curl_slist *rcpt = NULL, *connect_to = NULL, *n;
	char **from = NULL, url[512], ebuf[CURL_ERROR_SIZE] = "", tmp[600];
	const char *host = tls_name(cfg), *pw;
	bool v6 = strchr(host, ':') != NULL;
	long code = 0;
	size_t nfrom, i;
	struct terr err;
	CURLcode cc;
	CURL *c = NULL;
	int rc = -1;

	if (mime_parse_addrs(cfg->from, &from, &nfrom, &err) == -1) {
		result(res, SEND_PERMFAIL, "from: %s", err.msg);
		goto done;
	}
	snprintf(url, sizeof(url), "%s://%s%s%s:%s/%s", implicit ? "smtps" : "smtp",
	    v6 ? "[" : "", host, v6 ? "]" : "", cfg->smarthost_port,
	    cfg->hello != NULL ? cfg->hello : "localhost");
	if ((c = curl_easy_init()) == NULL)
		goto nomem;
	for (i = 0; to[i] != NULL; i++) {
		snprintf(tmp, sizeof(tmp), "<%s>", to[i]);
		if ((n = curl_slist_append(rcpt, tmp)) == NULL)
			goto nomem;
		rcpt = n;
	}
	if (strcmp(host, cfg->smarthost_host) != 0) {
		/* Connect to the smarthost, verify server_name. */
		snprintf(tmp, sizeof(tmp), "%s:%s:%s:%s", host, cfg->smarthost_port,
		    cfg->smarthost_host, cfg->smarthost_port);
		if ((connect_to = curl_slist_append(NULL, tmp)) == NULL)
			goto nomem;
		curl_easy_setopt(c, CURLOPT_CONNECT_TO, connect_to);
	}
	snprintf(tmp, sizeof(tmp), "<%s>", from[0]);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, tmp);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, curl_read);
	curl_easy_setopt(c, CURLOPT_READDATA, &src);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)msg->len);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 4 * (msg->timeout_s > 0 ?
	    msg->timeout_s : DEFAULT_TIMEOUT_S));
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, msg->timeout_s > 0 ?
	    msg->timeout_s : DEFAULT_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	if (!implicit && cfg->require_tls)
		curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (cfg->tls.ca_file != NULL && cfg->tls.ca_file[0] != '\0')
		curl_easy_setopt(c, CURLOPT_CAINFO, cfg->tls.ca_file);
	if (cfg->tls.cert_file != NULL && cfg->tls.cert_file[0] != '\0')
		curl_easy_setopt(c, CURLOPT_SSLCERT, cfg->tls.cert_file);
	if (cfg->tls.key_file != NULL && cfg->tls.key_file[0] != '\0')
		curl_easy_setopt(c, CURLOPT_SSLKEY, cfg->tls.key_file);
	if (cfg->tls.insecure_skip_verify) {
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (cfg->auth_username != NULL && cfg->auth_username[0] != '\0') {
		pw = cfg->auth_password != NULL && cfg->auth_password[0] != '\0' ?
		    cfg->auth_password : cfg->auth_secret;
		curl_easy_setopt(c, CURLOPT_USERNAME, cfg->auth_username);
		curl_easy_setopt(c, CURLOPT_PASSWORD, pw != NULL ? pw : "");
		if (cfg->auth_identity != NULL && cfg->auth_identity[0] != '\0')
			curl_easy_setopt(c, CURLOPT_SASL_AUTHZID, cfg->auth_identity);
		if (pw == cfg->auth_secret)
			curl_easy_setopt(c, CURLOPT_LOGIN_OPTIONS, "AUTH=CRAM-MD5");
	}
	cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (cc == CURLE_OK) {
		result(res, SEND_OK, "%ld", code);
		rc = 0;
	} else if (cc == CURLE_LOGIN_DENIED)
		result(res, by_code(code >= 400 ? (int)code : 535),
		    "authentication as %s failed: %ld", cfg->auth_username, code);
	else if (code >= 400)
		result(res, by_code((int)code), "%s refused: %ld (%s)", cfg->smarthost,
		    code, ebuf[0] != '\0' ? ebuf : curl_easy_strerror(cc));
	else
		result(res, SEND_TEMPFAIL, "SMTP session with %s failed: %s",
		    cfg->smarthost, ebuf[0] != '\0' ? ebuf : curl_easy_strerror(cc));
	goto done;
nomem:
	result(res, SEND_TEMPFAIL, "out of memory");
done:
	if (c != NULL)
		curl_easy_cleanup(c);
	curl_slist_free_all(rcpt);
	curl_slist_free_all(connect_to);
	mime_addrs_free(from);
	return rc;
}

static bool
set(const char *s)
{
	return s != NULL && s[0] != '\0';
}

static bool
cram_only(const struct email_config *cfg)
{
	return set(cfg->auth_username) && !set(cfg->auth_password) &&
	    set(cfg->auth_secret);
}

int
smtp_deliver(const struct email_config *cfg, const struct smtp_message *msg,
    struct send_result *res)
{
	char **to = NULL;
	size_t nto;
	struct terr err;
	bool implicit;
	int rc;

	result(res, SEND_PERMFAIL, "no smarthost");
	if (cfg->smarthost == NULL || cfg->smarthost_host == NULL ||
	    cfg->smarthost_port == NULL)
		return -1;
	if (mime_parse_addrs(cfg->to, &to, &nto, &err) == -1) {
		result(res, SEND_PERMFAIL, "to: %s", err.msg);
		return -1;
	}
	implicit = msg->implicit_tls == SMTP_IMPLICIT_TLS_ALWAYS ||
	    (msg->implicit_tls == SMTP_IMPLICIT_TLS_AUTO &&
	    strcmp(cfg->smarthost_port, "465") == 0);
	/* CRAM-MD5 (a secret and no password, the one mechanism
	 * Alertmanager then can use) goes through libcurl too: Debian's
	 * libesmtp 1.1 looks for its plugin as sasl-cram-md5.so and ships it
	 * as sasl-crammd5.so, so it never offers CRAM-MD5. */
	if (implicit || cram_only(cfg))
		rc = deliver_curl(cfg, msg, to, implicit, res);
	else
		rc = deliver_esmtp(cfg, msg, to, res);
	mime_addrs_free(to);
	return rc;
}
