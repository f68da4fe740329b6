/* tlscert.h: the certificate and key the HTTP server presents, replaceable
 * while it runs: libmicrohttpd asks for them on every TLS handshake, so a
 * renewed certificate loaded on reload reaches the next connection without
 * restarting the listener, as exporter-toolkit does. */
#ifndef TOCSIN_TLSCERT_H
#define TOCSIN_TLSCERT_H

#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>

#include "err.h"

struct tlscert;	/* opaque */

/* An empty holder; caller frees with tlscert_free once the server using it
 * is stopped. NULL when memory runs out. */
struct tlscert *tlscert_new(void);
void	tlscert_free(struct tlscert *tc);

/* Makes cert_pem (the chain, leaf first) and key_pem what the next
 * handshakes present. The same PEM as the current one changes nothing.
 * Certificates replaced stay allocated until tlscert_free, since a
 * handshake under way may still read them; that is one per renewal. -1
 * with err when they do not parse (the current ones stay). */
int	tlscert_set(struct tlscert *tc, const char *cert_pem, const char *key_pem,
	    struct terr *err) WARN_UNUSED;

/* Serves the handshakes of connections accepted on local TCP port (the
 * server's bound port; 0 withdraws it). libmicrohttpd's certificate
 * callback gets no argument of ours, so the callback finds the holder by
 * the connection's local port in a small process-wide table. -1 when the
 * table is full. */
int	tlscert_listen(struct tlscert *tc, unsigned port) WARN_UNUSED;

/* The callback for MHD_OPTION_HTTPS_CERT_CALLBACK. */
int	tlscert_retrieve(gnutls_session_t session, const gnutls_datum_t *req_ca_dn,
	    int nreqs, const gnutls_pk_algorithm_t *pk_algos, int pk_algos_length,
	    gnutls_pcert_st **pcert, unsigned int *pcert_length,
	    gnutls_privkey_t *pkey);

#endif
