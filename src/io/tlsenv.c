/*
 * A TLS peer's certificate told to a program, in the variables socat
 * gives (SOCAT_OPENSSL_X509_SUBJECT, ..._COMMONNAME, ...).
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io.h"
#include "tls-int.h"

/*
 * Add "PREFIXNAME=value" to the list env (of *n, room for one more and
 * the NULL), value joined with " // " to a variable of that name already
 * there, as socat joins the fields a name has more than once.  Returns
 * -1 if out of memory.
 */
static int
tls_env_add(char ***env, size_t *n, const char *prefix, const char *name,
    const char *value, size_t len)
{
	char	**v, *e;
	size_t	 i, nlen;
	int	 rc;

	for (i = 0; i < *n; i++) {
		nlen = strcspn((*env)[i], "=");
		if (strlen(prefix) + strlen(name) == nlen &&
		    strncmp((*env)[i], prefix, strlen(prefix)) == 0 &&
		    strncmp((*env)[i] + strlen(prefix), name, strlen(name)) == 0)
			break;
	}
	if (i < *n) {
		rc = asprintf(&e, "%s // %.*s", (*env)[i], (int)len, value);
		if (rc == -1)
			return (-1);
		free((*env)[i]);
		(*env)[i] = e;
		return (0);
	}
	if ((v = reallocarray(*env, *n + 2, sizeof(*v))) == NULL)
		return (-1);
	*env = v;
	if (asprintf(&v[*n], "%s%s=%.*s", prefix, name, (int)len, value) == -1)
		return (-1);
	v[++*n] = NULL;
	return (0);
}

/* Add name's one-line form, as "PREFIXwhich=...", to env. */
static int
tls_env_name(char ***env, size_t *n, const char *prefix, const char *which,
    X509_NAME *name)
{
	BIO	*bio;
	char	*text;
	long	 len;
	int	 rc;

	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		return (-1);
	rc = -1;
	if (X509_NAME_print_ex(bio, name, 0, XN_FLAG_ONELINE &
	    ~ASN1_STRFLGS_ESC_MSB) >= 0 &&
	    (len = BIO_get_mem_data(bio, &text)) >= 0)
		rc = tls_env_add(env, n, prefix, which, text,
		    strnlen(text, len));
	BIO_free(bio);
	return (rc);
}

/*
 * The peer's certificate of t as socat gives it to a program: its
 * subject and issuer whole in OpenSSL's one-line form (PREFIXSUBJECT,
 * PREFIXISSUER), and each field of its subject under its long name in
 * capitals (PREFIXCOMMONNAME, ...).  A value is the peer's bytes up to
 * a NUL.  Returns a list of "NAME=value" ended by NULL (tls_env_free()),
 * empty without a certificate, or NULL with errno.
 */
char **
tls_peer_env(struct tls *t, const char *prefix)
{
	X509_NAME_ENTRY	*e;
	ASN1_STRING	*data;
	X509_NAME	*subject;
	X509		*peer;
	char		**env, name[80];
	const char	*ln;
	size_t		 n = 0, k;
	int		 i, rc = 0;

	if ((env = calloc(1, sizeof(*env))) == NULL)
		return (NULL);
	if ((peer = SSL_get1_peer_certificate(t->ssl)) == NULL)
		return (env);
	subject = X509_get_subject_name(peer);
	if (tls_env_name(&env, &n, prefix, "SUBJECT", subject) == -1 ||
	    tls_env_name(&env, &n, prefix, "ISSUER",
	    X509_get_issuer_name(peer)) == -1)
		rc = -1;
	for (i = 0; rc == 0 && i < X509_NAME_entry_count(subject); i++) {
		e = X509_NAME_get_entry(subject, i);
		data = X509_NAME_ENTRY_get_data(e);
		if ((ln = OBJ_nid2ln(OBJ_obj2nid(
		    X509_NAME_ENTRY_get_object(e)))) == NULL)
			continue;
		for (k = 0; ln[k] != '\0' && k < sizeof(name) - 1; k++)
			name[k] = toupper((unsigned char)ln[k]);
		name[k] = '\0';
		rc = tls_env_add(&env, &n, prefix, name,
		    (const char *)ASN1_STRING_get0_data(data),
		    strnlen((const char *)ASN1_STRING_get0_data(data),
		    ASN1_STRING_length(data)));
	}
	X509_free(peer);
	if (rc == -1) {
		tls_env_free(env);
		return (NULL);
	}
	return (env);
}

/* Free a list from tls_peer_env(). */
void
tls_env_free(char **env)
{
	size_t	 i;

	if (env == NULL)
		return;
	for (i = 0; env[i] != NULL; i++)
		free(env[i]);
	free(env);
}
