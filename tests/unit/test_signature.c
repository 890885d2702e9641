/* Signed documents (tickets, receipts): a round trip; the payload's key
 * order does not matter (canonical form); any change to the payload, another
 * key, or a damaged signature is refused with its own error; keys survive a
 * write and a read, the private one with mode 0600; a key of another kind is
 * refused. */
#include <openssl/pem.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "jsondoc.h"
#include "signature.h"

static enum iso_err open_str(EVP_PKEY *k, const char *doc, json_t **p)
{
	return signature_open(k, doc, strlen(doc), p);
}

int main(void)
{
	char dir[] = "/tmp/isoloir-test-sig.XXXXXX", priv[256], pub[256], other[256];
	EVP_PKEY *k = NULL, *k2 = NULL, *kr = NULL, *kp = NULL;
	json_t *payload = json_pack("{s:s, s:I, s:s}", "poll", "Jbai4gSzUhu73Z", "time",
				    (json_int_t)1764000000, "tracker", "abc+/=");
	json_t *back = NULL;
	char *doc = NULL, *doc2 = NULL;
	struct stat sb;

	CHECK(mkdtemp(dir) != NULL);
	CHECK_ERR(signature_key_new(&k), ISO_OK);
	CHECK_ERR(signature_key_new(&k2), ISO_OK);
	CHECK_ERR(signature_sign(k, payload, &doc), ISO_OK);
	if (doc == NULL)
		return check_status();
	CHECK_ERR(open_str(k, doc, &back), ISO_OK);
	CHECK(back != NULL && json_equal(back, payload));
	json_decref(back);
	back = NULL;
	CHECK_ERR(open_str(k2, doc, &back), ISO_E_BAD_SIGNATURE);

	/* the same payload with its keys in another order */
	{
		json_t *j = NULL, *p2;
		CHECK_ERR(iso_json_parse(doc, strlen(doc), &j), ISO_OK);
		p2 = json_pack("{s:s, s:s, s:I}", "tracker", "abc+/=", "poll", "Jbai4gSzUhu73Z",
			       "time", (json_int_t)1764000000);
		json_object_set_new(j, "payload", p2);
		CHECK_ERR(iso_json_dump(j, &doc2, NULL), ISO_OK);
		CHECK_ERR(open_str(k, doc2, &back), ISO_OK);
		json_decref(back);
		back = NULL;
		free(doc2);
		/* a changed value */
		json_object_set_new(p2, "time", json_integer(1764000001));
		CHECK_ERR(iso_json_dump(j, &doc2, NULL), ISO_OK);
		CHECK_ERR(open_str(k, doc2, &back), ISO_E_BAD_SIGNATURE);
		free(doc2);
		/* an added field */
		json_object_set_new(p2, "time", json_integer(1764000000));
		json_object_set_new(p2, "kiosk", json_string("k1"));
		CHECK_ERR(iso_json_dump(j, &doc2, NULL), ISO_OK);
		CHECK_ERR(open_str(k, doc2, &back), ISO_E_BAD_SIGNATURE);
		free(doc2);
		json_decref(j);
	}
	/* damaged signatures and documents */
	CHECK_ERR(open_str(k, "{\"payload\":{},\"signature\":\"AAAA\"}", &back),
		  ISO_E_BAD_SIGNATURE);
	CHECK_ERR(open_str(k, "{\"payload\":{},\"signature\":\"A\"}", &back), ISO_E_SHAPE);
	CHECK_ERR(open_str(k, "{\"payload\":{},\"signature\":\"\"}", &back), ISO_E_SHAPE);
	CHECK_ERR(open_str(k, "{\"signature\":\"AAAA\",\"payload\":{}}", &back), ISO_E_NOT_CANONICAL);
	CHECK_ERR(open_str(k, "{\"payload\":[],\"signature\":\"AAAA\"}", &back), ISO_E_SHAPE);
	CHECK_ERR(open_str(k, "{\"payload\":{}", &back), ISO_E_JSON);
	CHECK(back == NULL);

	/* keys on disk */
	snprintf(priv, sizeof priv, "%s/urn.key", dir);
	snprintf(pub, sizeof pub, "%s/urn.pub", dir);
	snprintf(other, sizeof other, "%s/ed.key", dir);
	CHECK_ERR(signature_key_write(k, priv, 1), ISO_OK);
	CHECK_ERR(signature_key_write(k, pub, 0), ISO_OK);
	CHECK(stat(priv, &sb) == 0 && (sb.st_mode & 0777) == 0600);
	CHECK_ERR(signature_key_read(priv, 1, &kr), ISO_OK);
	CHECK_ERR(signature_key_read(pub, 0, &kp), ISO_OK);
	CHECK_ERR(signature_key_read(pub, 1, &k2 /* unchanged on failure */), ISO_E_INVALID_ARG);
	if (kr != NULL && kp != NULL) {
		char *d3 = NULL;
		CHECK_ERR(signature_sign(kr, payload, &d3), ISO_OK);
		CHECK_ERR(open_str(kp, d3 != NULL ? d3 : "", &back), ISO_OK);
		json_decref(back);
		free(d3);
	}
	{
		EVP_PKEY *ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519"), *got = NULL;
		FILE *f = fopen(other, "w");
		CHECK(ed != NULL && f != NULL);
		if (ed != NULL && f != NULL)
			PEM_write_PrivateKey(f, ed, NULL, NULL, 0, NULL, NULL);
		if (f != NULL)
			fclose(f);
		CHECK_ERR(signature_key_read(other, 1, &got), ISO_E_INVALID_ARG);
		EVP_PKEY_free(ed);
	}
	unlink(priv);
	unlink(pub);
	unlink(other);
	rmdir(dir);
	EVP_PKEY_free(k);
	EVP_PKEY_free(k2);
	EVP_PKEY_free(kr);
	EVP_PKEY_free(kp);
	json_decref(payload);
	free(doc);
	return check_status();
}
