/* A voter's visit without screens (see voter.h). */
#include "voter.h"

#include <jansson.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ballot.h"
#include "credential.h"
#include "hash.h"

struct voter {
	struct net *net;
	struct net_server registry;
	char pin[NET_PIN_LEN + 1];
	char session[256];
	char cred[ISO_CREDENTIAL_LEN + 1];
	char verifier[ISO_B64_HASH_LEN + 1];
};

/* A POST to server; the answer's object (NULL when none), its status. */
static json_t *post(struct voter *v, struct net_server *s, const char *path, json_t *body,
		    long *ret_status)
{
	struct net_answer a;
	json_t *o = NULL;
	*ret_status = -1;
	if (net_request(v->net, s, "POST", path, body, &a) == ISO_OK) {
		*ret_status = a.status;
		o = json_incref(a.body);
	}
	net_answer_clear(&a);
	return o;
}

/* the answer's error, and its French message for the caller */
static enum iso_err refused(const json_t *o, long status, char **ret_why)
{
	const char *m = json_string_value(json_object_get(o, "fr"));
	enum iso_err err;
	if (ret_why != NULL)
		*ret_why = strdup(m != NULL ? m : "pas de réponse du serveur");
	if (status < 0)
		return ISO_E_NETWORK;
	return iso_err_by_name(json_string_value(json_object_get(o, "error")), &err)
		       ? err
		       : ISO_E_SERVER_ANSWER;
}

enum iso_err voter_login(struct net *net, const char *registry_url, const char *pin,
			 const char *identifier, const char *password, const char *answer,
			 struct voter **ret, char **ret_why)
{
	struct voter *v = calloc(1, sizeof *v);
	const char *session;
	enum iso_err err;
	json_t *o;
	long st;
	*ret = NULL;
	if (ret_why != NULL)
		*ret_why = NULL;
	if (v == NULL)
		return ISO_E_NOMEM;
	v->net = net;
	v->registry.name = "registry";
	snprintf(v->pin, sizeof v->pin, "%s", pin);
	if ((err = net_endpoint_set(&v->registry.primary, registry_url, pin)) != ISO_OK ||
	    (err = iso_credential_parse(password, strlen(password), v->cred)) != ISO_OK ||
	    (err = iso_registry_verifier(identifier, v->cred, v->verifier)) != ISO_OK) {
		voter_logout(v);
		return err;
	}
	o = post(v, &v->registry, "/login",
		 json_pack("{s:s, s:s, s:s}", "identifier", identifier, "verifier", v->verifier,
			   "answer", answer),
		 &st);
	session = json_string_value(json_object_get(o, "session"));
	if (st != 200 || session == NULL || strlen(session) >= sizeof v->session) {
		err = refused(o, st, ret_why);
		json_decref(o);
		voter_logout(v);
		return err;
	}
	snprintf(v->session, sizeof v->session, "%s", session);
	json_decref(o);
	*ret = v;
	return ISO_OK;
}

enum iso_err voter_cast(struct voter *v, const char *poll, const char *urn_url,
			struct iso_election *e, const char *choices, char ret_tracker[64],
			char **ret_why)
{
	struct iso_plaintext pt = {0};
	struct iso_where where;
	struct net_server urn = {0};
	json_t *a, *ticket = NULL, *receipt = NULL;
	const char *poll_of, *tracker;
	char *ballot = NULL;
	size_t blen;
	long st;
	enum iso_err err;
	if (ret_why != NULL)
		*ret_why = NULL;
	urn.name = "urn";
	if ((err = net_endpoint_set(&urn.primary, urn_url, v->pin)) != ISO_OK ||
	    (err = iso_plaintext_parse(e, choices, strlen(choices), &pt, &where)) != ISO_OK)
		goto out;
	a = post(v, &v->registry, "/validate",
		 json_pack("{s:s, s:s, s:s}", "session", v->session, "verifier", v->verifier, "poll",
			   poll),
		 &st);
	if (st != 200 || (ticket = json_incref(json_object_get(a, "ticket"))) == NULL) {
		err = refused(a, st, ret_why);
		json_decref(a);
		goto out;
	}
	json_decref(a);
	if ((err = iso_ballot_encrypt(e, v->cred, &pt, 0, &ballot, &blen)) != ISO_OK)
		goto out;
	/* net/ retries the same bytes: the same receipt after a lost answer */
	a = post(v, &urn, "/ballot", json_pack("{s:s, s:O}", "ballot", ballot, "ticket", ticket), &st);
	if (st != 200 || (receipt = json_incref(json_object_get(a, "receipt"))) == NULL) {
		err = refused(a, st, ret_why);
		json_decref(a);
		goto out;
	}
	json_decref(a);
	poll_of = json_string_value(json_object_get(json_object_get(receipt, "payload"), "poll"));
	tracker = json_string_value(json_object_get(json_object_get(receipt, "payload"), "tracker"));
	if (poll_of == NULL || strcmp(poll_of, poll) != 0 || tracker == NULL) {
		err = ISO_E_BAD_RECEIPT;
		goto out;
	}
	if (ret_tracker != NULL)
		snprintf(ret_tracker, 64, "%s", tracker);
	a = post(v, &v->registry, "/confirm",
		 json_pack("{s:s, s:s, s:O}", "session", v->session, "poll", poll, "receipt", receipt),
		 &st);
	err = st == 200 ? ISO_OK : refused(a, st, ret_why);
	json_decref(a);
out:
	json_decref(ticket);
	json_decref(receipt);
	free(ballot);
	iso_plaintext_wipe(&pt);
	return err;
}

void voter_logout(struct voter *v)
{
	long st;
	if (v == NULL)
		return;
	if (v->session[0] != '\0')
		json_decref(post(v, &v->registry, "/logout", json_pack("{s:s}", "session", v->session), &st));
	OPENSSL_cleanse(v, sizeof *v);
	free(v);
}
