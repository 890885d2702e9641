/* The small PKI of Belenios' threshold key ceremony: a trustee's seed gives a
 * signing key (sk, vk = g^sk) and a decryption key (dk, ek = g^dk); messages
 * are signed ("sigmsg|" Schnorr signatures) and sent encrypted (ElGamal key
 * transport + AES-256-CCM, 8-byte tag, 13-byte nonce, as SJCL does).
 * Byte layouts: ../shared/docs/belenios-2.0-notes.md section 4.
 * Rule: sk, dk and every decrypted message are wiped by their owner; this
 * module wipes its own temporaries. sk and dk are full 256-bit SHA-256
 * values, not reduced mod q (Belenios does not reduce them either). */
#ifndef ISOLOIR_PKI_H
#define ISOLOIR_PKI_H

#include <jansson.h>
#include <openssl/bn.h>
#include <stddef.h>

#include "error.h"
#include "group.h"

#define ISO_PKI_SEED_LEN 22

/* A new seed: 22 uniformly random base58 characters, NUL-terminated. */
enum iso_err iso_pki_seed_generate(char out[ISO_PKI_SEED_LEN + 1]);

/* sk = int(SHA256("sk|" seed)), dk = int(SHA256("dk|" seed)); either
 * output may be NULL. The outputs get BN_FLG_CONSTTIME. */
enum iso_err iso_pki_derive(const char *seed, BIGNUM *ret_sk, BIGNUM *ret_dk);

/* signed_msg = {"message":M,"signature":{"challenge":c,"response":r}},
 * c = H("sigmsg|" M "|", [g^w]), r = w - sk c mod q. *ret is compact JSON. */
enum iso_err iso_pki_sign(const struct iso_group *grp, const BIGNUM *sk, const char *msg,
			  char **ret, BN_CTX *ctx);

/* Check a parsed signed_msg against vk: shape, c and r in [0, q), and the
 * equation. ISO_E_BAD_MESSAGE_SIGNATURE when it does not hold. On success
 * *ret_msg (if not NULL) points into signed_msg's message string. */
enum iso_err iso_pki_verify(const struct iso_group *grp, const BIGNUM *vk,
			    const json_t *signed_msg, const char **ret_msg, BN_CTX *ctx);

/* A certificate: sign(sk, {"verification":"vk","encryption":"ek"}). */
enum iso_err iso_pki_make_cert(const struct iso_group *grp, const BIGNUM *sk, const BIGNUM *dk,
			       char **ret, BN_CTX *ctx);
/* Read a certificate: both keys must be group elements and the signature
 * must verify under the certificate's own vk. The caller frees *ret_vk and
 * *ret_ek. */
enum iso_err iso_pki_cert_keys(const struct iso_group *grp, const json_t *cert, BIGNUM **ret_vk,
			       BIGNUM **ret_ek, BN_CTX *ctx);

/* encrypted_msg = {"alpha":..,"beta":..,"data":"<hex ciphertext||tag>"} */
enum iso_err iso_pki_encrypt(const struct iso_group *grp, const BIGNUM *ek, const void *msg,
			     size_t len, char **ret, BN_CTX *ctx);
/* Decrypt a parsed encrypted_msg with dk; *ret is NUL-terminated, its
 * length in *ret_len; the caller wipes and frees it. ISO_E_CHANNEL_DECRYPT
 * when the tag does not verify. */
enum iso_err iso_pki_decrypt(const struct iso_group *grp, const BIGNUM *dk,
			     const json_t *encrypted_msg, char **ret, size_t *ret_len,
			     BN_CTX *ctx);

/* send(sk_from, ek_to, M) = encrypt(ek_to, sign(sk_from,
 * {"recipient":"ek_to","message":M})). *ret is the encrypted_msg JSON. */
enum iso_err iso_channel_send(const struct iso_group *grp, const BIGNUM *sk_from,
			      const BIGNUM *ek_to, const char *msg, char **ret, BN_CTX *ctx);
/* recv: decrypt with dk, check the signature with vk_from and that the
 * recipient is g^dk; *ret is the inner message (caller wipes and frees). */
enum iso_err iso_channel_recv(const struct iso_group *grp, const BIGNUM *dk,
			      const BIGNUM *vk_from, const json_t *encrypted_msg, char **ret,
			      BN_CTX *ctx);

#endif
