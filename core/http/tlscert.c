/* tlscert.c: the server's certificate, chosen per handshake (see tlscert.h). */
#include <sys/socket.h>
#include <netinet/in.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "tlscert.h"

#define TLSCERT_MAX_CHAIN	16
#define TLSCERT_MAX_SERVERS	8

/* One certificate and key, as loaded; never changed once made current. */
struct tlskeys {
	gnutls_pcert_st		 pcert[TLSCERT_MAX_CHAIN];
	unsigned int		 npcert;
	gnutls_privkey_t	 key;
	char			*cert_pem, *key_pem;	/* to tell a change */
	struct tlskeys		*older;
};

struct tlscert {
	pthread_mutex_t		 mu;
	struct tlskeys		*cur;
	unsigned		 port;
};

/* The holders by port. The one process-wide state of this module: the
 * certificate callback has no argument for a holder (tlscert.h). */
static pthread_mutex_t	 servers_mu = PTHREAD_MUTEX_INITIALIZER;
static struct tlscert	*servers[TLSCERT_MAX_SERVERS];

static void
keys_free(struct tlskeys *k)
{
	while (k != NULL) {
		struct tlskeys *next = k->older;

		for (unsigned i = 0; i < k->npcert; i++)
			gnutls_pcert_deinit(&k->pcert[i]);
		if (k->key != NULL)
			gnutls_privkey_deinit(k->key);
		free(k->cert_pem);
		if (k->key_pem != NULL) {
			explicit_bzero(k->key_pem, strlen(k->key_pem));
			free(k->key_pem);
		}
		free(k);
		k = next;
	}
}

/* Takes tc out of the table; under servers_mu. Returns its slot, now
 * free, or the first free one; -1 when none is. */
static int
withdraw(struct tlscert *tc)
{
	int	 free_slot = -1;

	for (int i = 0; i < TLSCERT_MAX_SERVERS; i++) {
		if (servers[i] == tc)
			servers[i] = NULL;
		if (servers[i] == NULL && free_slot == -1)
			free_slot = i;
	}
	return free_slot;
}

struct tlscert *
tlscert_new(void)
{
	struct tlscert *tc;

	if ((tc = calloc(1, sizeof(*tc))) == NULL)
		return NULL;
	pthread_mutex_init(&tc->mu, NULL);
	return tc;
}

void
tlscert_free(struct tlscert *tc)
{
	if (tc == NULL)
		return;
	pthread_mutex_lock(&servers_mu);
	(void)withdraw(tc);
	pthread_mutex_unlock(&servers_mu);
	keys_free(tc->cur);
	pthread_mutex_destroy(&tc->mu);
	free(tc);
}

int
tlscert_set(struct tlscert *tc, const char *cert_pem, const char *key_pem,
    struct terr *err)
{
	struct tlskeys	*k;
	gnutls_datum_t	 c, kd;
	int		 r;

	pthread_mutex_lock(&tc->mu);
	k = tc->cur;
	r = k != NULL && strcmp(k->cert_pem, cert_pem) == 0 &&
	    strcmp(k->key_pem, key_pem) == 0;
	pthread_mutex_unlock(&tc->mu);
	if (r)
		return 0;
	if ((k = calloc(1, sizeof(*k))) == NULL ||
	    (k->cert_pem = strdup(cert_pem)) == NULL ||
	    (k->key_pem = strdup(key_pem)) == NULL) {
		keys_free(k);
		return terr_set(err, "out of memory");
	}
	c.data = (unsigned char *)k->cert_pem;
	c.size = (unsigned int)strlen(k->cert_pem);
	kd.data = (unsigned char *)k->key_pem;
	kd.size = (unsigned int)strlen(k->key_pem);
	k->npcert = TLSCERT_MAX_CHAIN;
	if ((r = gnutls_pcert_list_import_x509_raw(k->pcert, &k->npcert, &c,
	    GNUTLS_X509_FMT_PEM, 0)) < 0) {
		k->npcert = 0;
		keys_free(k);
		return terr_set(err, "certificate: %s", gnutls_strerror(r));
	}
	if ((r = gnutls_privkey_init(&k->key)) < 0 ||
	    (r = gnutls_privkey_import_x509_raw(k->key, &kd, GNUTLS_X509_FMT_PEM,
	    NULL, 0)) < 0) {
		keys_free(k);
		return terr_set(err, "key: %s", gnutls_strerror(r));
	}
	pthread_mutex_lock(&tc->mu);
	k->older = tc->cur;
	tc->cur = k;
	pthread_mutex_unlock(&tc->mu);
	return 0;
}

int
tlscert_listen(struct tlscert *tc, unsigned port)
{
	int	 rc = 0, slot;

	pthread_mutex_lock(&servers_mu);
	slot = withdraw(tc);
	tc->port = port;
	if (port != 0) {
		if (slot == -1)
			rc = -1;
		else
			servers[slot] = tc;
	}
	pthread_mutex_unlock(&servers_mu);
	return rc;
}

/* The local port of the connection a session runs on; 0 when unknown. */
static unsigned
local_port(gnutls_session_t session)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);
	int			 fd = gnutls_transport_get_int(session);

	if (fd < 0 || getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return 0;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return 0;
}

int
tlscert_retrieve(gnutls_session_t session, const gnutls_datum_t *req_ca_dn,
    int nreqs, const gnutls_pk_algorithm_t *pk_algos, int pk_algos_length,
    gnutls_pcert_st **pcert, unsigned int *pcert_length, gnutls_privkey_t *pkey)
{
	struct tlskeys	*k = NULL;
	unsigned	 port = local_port(session);

	(void)req_ca_dn, (void)nreqs, (void)pk_algos, (void)pk_algos_length;
	pthread_mutex_lock(&servers_mu);
	for (int i = 0; i < TLSCERT_MAX_SERVERS && port != 0; i++)
		if (servers[i] != NULL && servers[i]->port == port) {
			pthread_mutex_lock(&servers[i]->mu);
			k = servers[i]->cur;
			pthread_mutex_unlock(&servers[i]->mu);
			break;
		}
	pthread_mutex_unlock(&servers_mu);
	if (k == NULL)
		return -1;	/* the handshake fails */
	*pcert = k->pcert;
	*pcert_length = k->npcert;
	*pkey = k->key;
	return 0;
}
