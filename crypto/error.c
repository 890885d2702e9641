/* Messages of the project-wide error codes, in French (default) and English.
 * A message says what is wrong and, where the reader can act, what to do. */
#include "error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct iso_err_text {
	const char *name;
	const char *fr;
	const char *en;
};

static const struct iso_err_text err_texts[ISO_ERR__COUNT] = {
	[ISO_OK] = {"ok", "succès", "success"},
	[ISO_E_NOMEM] = {"no-memory", "mémoire insuffisante", "out of memory"},
	[ISO_E_IO] = {"io", "erreur de lecture ou d’écriture de fichier",
		      "file read or write error"},
	[ISO_E_CRYPTO_LIB] = {"crypto-library",
			      "erreur interne de la bibliothèque cryptographique",
			      "internal error of the cryptographic library"},
	[ISO_E_RANDOM] = {"random", "le générateur d’aléa du système a échoué",
			  "the system random generator failed"},
	[ISO_E_INVALID_ARG] = {"invalid-argument", "argument invalide",
			       "invalid argument"},
	[ISO_E_TOO_LARGE] = {"too-large", "donnée trop volumineuse",
			     "data too large"},
	[ISO_E_JSON] = {"malformed-json", "JSON mal formé", "malformed JSON"},
	[ISO_E_SHAPE] = {"wrong-shape",
			 "structure inattendue (champ manquant, en trop ou du mauvais type)",
			 "unexpected structure (missing, extra or mistyped field)"},
	[ISO_E_NOT_CANONICAL] = {"not-canonical",
				 "document pas sous forme canonique (espaces, ordre des champs ou écriture des nombres)",
				 "document not in canonical form (spaces, field order or number format)"},
	[ISO_E_NUMBER] = {"bad-number",
			  "nombre mal écrit (chiffres décimaux sans zéro initial attendus)",
			  "badly written number (decimal digits without leading zero expected)"},
	[ISO_E_UNKNOWN_GROUP] = {"unknown-group",
				 "groupe inconnu (BELENIOS-2048 ou RFC-3526-2048 attendu)",
				 "unknown group (BELENIOS-2048 or RFC-3526-2048 expected)"},
	[ISO_E_UUID] = {"bad-uuid",
			"identifiant d’élection invalide (au moins 14 caractères base58)",
			"invalid election identifier (at least 14 base58 characters)"},
	[ISO_E_ELECTION] = {"bad-election", "définition de l’élection invalide",
			    "invalid election definition"},
	[ISO_E_QUESTION_TYPE] = {"unsupported-question",
				 "type de question non pris en charge (seules les questions homomorphes le sont)",
				 "unsupported question type (only homomorphic questions are)"},
	[ISO_E_CREDENTIAL_FORMAT] = {"credential-format",
				     "mot de passe mal formé : 15 caractères attendus, sous la forme XXX-XXX-XXX-XXX-XXX",
				     "malformed password: 15 characters expected, as XXX-XXX-XXX-XXX-XXX"},
	[ISO_E_CREDENTIAL_CHECKSUM] = {"credential-checksum",
				       "mot de passe erroné : un caractère est probablement mal recopié, vérifiez la saisie",
				       "wrong password: a character was probably mistyped, check what you typed"},
	[ISO_E_UNKNOWN_CREDENTIAL] = {"unknown-credential",
				      "justificatif inconnu : ce bulletin n’est pas signé par un électeur de ce scrutin",
				      "unknown credential: this ballot is not signed by a voter of this poll"},
	[ISO_E_CREDENTIAL_USED] = {"credential-used",
				   "ce justificatif a déjà voté : le vote est définitif",
				   "this credential has already voted: the vote is final"},
	[ISO_E_DUPLICATE_PUBLIC_CREDENTIAL] = {"duplicate-public-credential",
					       "justificatif public en double dans la liste",
					       "duplicate public credential in the list"},
	[ISO_E_WEIGHT] = {"bad-weight", "poids de vote invalide", "invalid voting weight"},
	[ISO_E_PLAINTEXT] = {"bad-choice",
			     "choix invalide pour cette question (nombre de réponses hors des bornes)",
			     "invalid choice for this question (number of answers out of bounds)"},
	[ISO_E_WRONG_ELECTION] = {"wrong-election",
				  "ce bulletin appartient à une autre élection",
				  "this ballot belongs to another election"},
	[ISO_E_WRONG_ELECTION_HASH] = {"wrong-election-hash",
				       "l’empreinte de l’élection dans le bulletin ne correspond pas",
				       "the election fingerprint in the ballot does not match"},
	[ISO_E_NOT_GROUP_ELEMENT] = {"not-group-element",
				     "valeur hors du groupe cryptographique",
				     "value outside the cryptographic group"},
	[ISO_E_NOT_IN_ZQ] = {"not-in-zq",
			     "défi ou réponse de preuve hors de l’intervalle [0, q)",
			     "proof challenge or response outside [0, q)"},
	[ISO_E_BAD_INDIVIDUAL_PROOF] = {"bad-individual-proof",
					"preuve individuelle invalide (un choix n’est pas 0 ou 1)",
					"invalid individual proof (a choice is not 0 or 1)"},
	[ISO_E_BAD_OVERALL_PROOF] = {"bad-overall-proof",
				     "preuve globale invalide (nombre de choix hors des bornes)",
				     "invalid overall proof (number of choices out of bounds)"},
	[ISO_E_BAD_BLANK_PROOF] = {"bad-blank-proof", "preuve de vote blanc invalide",
				   "invalid blank-vote proof"},
	[ISO_E_BAD_SIGNATURE] = {"bad-signature", "signature du bulletin invalide",
				 "invalid ballot signature"},
	[ISO_E_SIGNATURE_HASH] = {"signature-hash-mismatch",
				  "la signature ne porte pas sur ce bulletin",
				  "the signature does not cover this ballot"},
	[ISO_E_MISSING_SIGNATURE] = {"missing-signature", "bulletin non signé",
				     "unsigned ballot"},
	[ISO_E_ANSWER_COUNT] = {"answer-count",
				"nombre de réponses différent du nombre de questions",
				"number of answers differs from the number of questions"},
	[ISO_E_CHOICE_COUNT] = {"choice-count",
				"nombre de choix chiffrés incorrect pour la question",
				"wrong number of encrypted choices for the question"},
	[ISO_E_PROOF_COUNT] = {"proof-count", "nombre de preuves incorrect",
			       "wrong number of proofs"},
	[ISO_E_UNEXPECTED_BLANK_PROOF] = {"unexpected-blank-proof",
					  "preuve de vote blanc sur une question qui n’autorise pas le vote blanc",
					  "blank-vote proof on a question that does not allow a blank vote"},
	[ISO_E_MISSING_BLANK_PROOF] = {"missing-blank-proof",
				       "preuve de vote blanc manquante",
				       "missing blank-vote proof"},
	[ISO_E_BAD_POK] = {"bad-proof-of-knowledge",
			   "preuve de connaissance de clé invalide",
			   "invalid proof of key knowledge"},
	[ISO_E_BAD_TRUSTEES] = {"bad-trustees",
				"paramètres des détenteurs de clé invalides",
				"invalid trustee parameters"},
	[ISO_E_PUBLIC_KEY_MISMATCH] = {"public-key-mismatch",
				       "la clé publique de l’élection n’est pas le produit des clés des détenteurs",
				       "the election public key is not the product of the trustees' keys"},
	[ISO_E_BAD_CERTIFICATE] = {"bad-certificate",
				   "certificat de détenteur de clé invalide",
				   "invalid trustee certificate"},
	[ISO_E_BAD_MESSAGE_SIGNATURE] = {"bad-message-signature",
					 "message signé invalide", "invalid signed message"},
	[ISO_E_CHANNEL_DECRYPT] = {"channel-decrypt",
				   "impossible de déchiffrer le message (mauvaise clé ou message altéré)",
				   "cannot decrypt the message (wrong key or altered message)"},
	[ISO_E_WRONG_RECIPIENT] = {"wrong-recipient",
				   "message destiné à un autre détenteur de clé",
				   "message meant for another trustee"},
	[ISO_E_CERT_NOT_FOUND] = {"certificate-not-found",
				  "le certificat de cette clé ne figure pas dans la liste",
				  "this key's certificate is not in the list"},
	[ISO_E_BAD_COEFEXPS] = {"bad-coefexps",
				"engagements de polynôme invalides",
				"invalid polynomial commitments"},
	[ISO_E_BAD_SECRET_SHARE] = {"bad-secret-share",
				    "fragment de clé reçu invalide",
				    "invalid key share received"},
	[ISO_E_BAD_VERIFICATION_KEY] = {"bad-verification-key",
					"clé de vérification de détenteur incorrecte",
					"incorrect trustee verification key"},
	[ISO_E_THRESHOLD] = {"bad-threshold",
			     "seuil invalide (entre 1 et le nombre de détenteurs)",
			     "invalid threshold (between 1 and the number of trustees)"},
	[ISO_E_BAD_DECRYPTION_PROOF] = {"bad-decryption-proof",
					"déchiffrement partiel invalide (preuve ou facteur incorrect)",
					"invalid partial decryption (wrong proof or factor)"},
	[ISO_E_MISSING_PARTIAL_DECRYPTION] = {"missing-partial-decryption",
					      "déchiffrement partiel manquant",
					      "missing partial decryption"},
	[ISO_E_NOT_ENOUGH_PARTIAL_DECRYPTIONS] = {"not-enough-partial-decryptions",
						  "pas assez de déchiffrements partiels pour atteindre le seuil",
						  "not enough partial decryptions to reach the threshold"},
	[ISO_E_DUPLICATE_PARTIAL_DECRYPTION] = {"duplicate-partial-decryption",
						"deux déchiffrements partiels pour le même détenteur",
						"two partial decryptions for the same trustee"},
	[ISO_E_UNKNOWN_TRUSTEE] = {"unknown-trustee", "numéro de détenteur inconnu",
				   "unknown trustee number"},
	[ISO_E_RESULT_OUT_OF_RANGE] = {"result-out-of-range",
				       "résultat introuvable (logarithme hors des bornes)",
				       "result not found (logarithm out of bounds)"},
	[ISO_E_BAD_RESULT] = {"bad-result",
			      "le résultat publié ne correspond pas au dépouillement",
			      "the published result does not match the tally"},
	[ISO_E_KEY_NOT_IN_TRUSTEES] = {"key-not-in-trustees",
				       "cette clé ne figure pas parmi les détenteurs de l’élection",
				       "this key is not among the election's trustees"},
	[ISO_E_TRUSTEE_COUNT] = {"trustee-count",
				 "le nombre d’éléments ne correspond pas au nombre de détenteurs (un par certificat, dans l’ordre des certificats)",
				 "the number of items does not match the number of trustees (one per certificate, in certificate order)"},
	[ISO_E_DUPLICATE_CERTIFICATE] = {"duplicate-certificate",
					 "deux certificats portent la même clé",
					 "two certificates carry the same key"},
	[ISO_E_ARCHIVE_FORMAT] = {"archive-format",
				  "archive .bel mal formée", "malformed .bel archive"},
	[ISO_E_ARCHIVE_HEADER] = {"archive-header",
				  "en-tête d’archive absent ou invalide",
				  "missing or invalid archive header"},
	[ISO_E_ARCHIVE_NOT_CANONICAL] = {"archive-not-canonical",
					 "archive non canonique (octets différents de ceux attendus)",
					 "archive not canonical (bytes differ from the expected ones)"},
	[ISO_E_ARCHIVE_HASH] = {"archive-hash",
				"un élément de l’archive ne correspond pas à son empreinte",
				"an archive member does not match its hash"},
	[ISO_E_ARCHIVE_CHAIN] = {"archive-chain",
				 "chaînage des événements rompu (parent ou hauteur incorrects)",
				 "broken event chain (wrong parent or height)"},
	[ISO_E_ARCHIVE_MISSING_DATA] = {"archive-missing-data",
					"donnée référencée absente de l’archive",
					"referenced data missing from the archive"},
	[ISO_E_ARCHIVE_EVENT_ORDER] = {"archive-event-order",
				       "événements dans un ordre interdit",
				       "events in a forbidden order"},
	[ISO_E_ARCHIVE_NO_EVENTS] = {"archive-no-events", "archive sans événement",
				     "archive without events"},
	[ISO_E_TALLY_MISMATCH] = {"tally-mismatch",
				  "le dépouillement chiffré publié ne correspond pas aux bulletins",
				  "the published encrypted tally does not match the ballots"},
	[ISO_E_TALLY_BEFORE_END] = {"tally-before-end",
				    "dépouillement avant la clôture de l’urne (EndBallots manquant)",
				    "tally before the ballot box was closed (missing EndBallots)"},
	[ISO_E_ARCHIVE_EXISTS] = {"archive-exists", "l’archive existe déjà",
				  "the archive already exists"},
	[ISO_E_SHUFFLE_UNSUPPORTED] = {"shuffle-unsupported",
				       "mélanges (questions non homomorphes) non pris en charge",
				       "shuffles (non-homomorphic questions) are not supported"},
	[ISO_E_NO_TALLY] = {"no-tally", "aucun dépouillement chiffré",
			    "no encrypted tally"},
	[ISO_E_STORAGE] = {"storage",
			   "erreur de la base de données : rien n’a été enregistré",
			   "database error: nothing was stored"},
	[ISO_E_JOURNAL_BROKEN] = {"journal-broken",
				  "le journal des événements a été altéré (chaînage rompu)",
				  "the event journal has been altered (broken chain)"},
	[ISO_E_TICKET_USED] = {"ticket-used",
			       "ce jeton de vote a déjà servi : ouvrez une nouvelle session",
			       "this voting ticket has already been used: start a new session"},
	[ISO_E_URN_NOT_OPEN] = {"urn-not-open",
				"l’urne n’est pas ouverte : le vote n’est pas possible en ce moment",
				"the ballot box is not open: voting is not possible now"},
	[ISO_E_URN_STATE] = {"urn-state",
			     "cette action n’est pas possible dans l’état actuel de l’urne",
			     "this action is not possible in the ballot box's current state"},
	[ISO_E_URN_SUSPENDED] = {"suspended",
				 "le vote est suspendu par le bureau de vote : attendez sa reprise",
				 "voting has been suspended by the polling bureau: wait until it resumes"},
	[ISO_E_VOTING_CLOSED] = {"voting-closed",
				 "le scrutin est clos : aucun vote ne peut plus commencer",
				 "the poll is closed: no vote can start any more"},
	[ISO_E_TICKET_INVALID] = {"ticket-invalid",
				  "jeton de vote invalide (non signé par le fichier des électeurs ou mal formé)",
				  "invalid voting ticket (not signed by the voter registry, or malformed)"},
	[ISO_E_TICKET_EXPIRED] = {"ticket-expired",
				  "jeton de vote expiré : ouvrez une nouvelle session",
				  "the voting ticket has expired: start a new session"},
	[ISO_E_WRONG_POLL] = {"wrong-poll",
			      "ce jeton ou ce bulletin concerne un autre scrutin",
			      "this ticket or ballot belongs to another poll"},
	[ISO_E_LOGIN_FAILED] = {"login-failed",
				"identifiant, mot de passe ou réponse à la question incorrects",
				"wrong identifier, password or answer to the question"},
	[ISO_E_LOCKED_OUT] = {"locked-out",
			      "trop d’essais infructueux : réessayez après le délai indiqué",
			      "too many failed attempts: try again after the given delay"},
	[ISO_E_SESSION] = {"session",
			   "session inconnue ou expirée : identifiez-vous de nouveau",
			   "unknown or expired session: log in again"},
	[ISO_E_ALREADY_VOTED] = {"already-voted",
				 "vous avez déjà voté à ce scrutin",
				 "you have already voted in this poll"},
	[ISO_E_NOT_VOTER] = {"not-voter",
			     "vous n’êtes pas électeur de ce scrutin",
			     "you are not a voter of this poll"},
	[ISO_E_CLIENT_CERT] = {"client-certificate",
			       "certificat client absent ou non reconnu : poste non enrôlé",
			       "client certificate missing or not recognised: post not enrolled"},
	[ISO_E_FORBIDDEN] = {"forbidden",
			     "opération réservée au bureau de vote",
			     "operation reserved to the polling bureau"},
	[ISO_E_NOT_FOUND] = {"not-found", "adresse inconnue", "unknown address"},
	[ISO_E_METHOD] = {"method", "méthode HTTP non permise à cette adresse",
			  "HTTP method not allowed at this address"},
	[ISO_E_CONFIG] = {"config", "fichier de configuration invalide",
			  "invalid configuration file"},
	[ISO_E_BAD_RECEIPT] = {"bad-receipt",
			       "accusé de réception invalide (non signé par l’urne de ce scrutin)",
			       "invalid receipt (not signed by this poll's ballot box)"},
	[ISO_E_NOT_PUBLISHED] = {"not-published",
				 "publié seulement après la clôture du scrutin",
				 "published only after the poll has closed"},
	[ISO_E_VOTER_FILE] = {"voter-file",
			      "fichier des électeurs invalide",
			      "invalid voter file"},
	[ISO_E_NOT_STARTED] = {"not-started",
			       "le scrutin n’est pas encore ouvert",
			       "the poll has not opened yet"},
	[ISO_E_PIN_MISMATCH] = {"pin-mismatch",
				"alerte de sécurité : le serveur ne présente pas la clé attendue, "
				"rien n’a été envoyé",
				"security alert: the server does not show the expected key; "
				"nothing was sent"},
	[ISO_E_NETWORK] = {"network",
			   "serveur injoignable : appelez un membre du personnel",
			   "server unreachable: call a member of staff"},
	[ISO_E_SERVER_ANSWER] = {"server-answer",
				 "réponse du serveur incompréhensible",
				 "the server's answer cannot be understood"},
	[ISO_E_PASSPHRASE] = {"passphrase",
			      "phrase secrète erronée, ou clé du membre altérée",
			      "wrong passphrase, or the member's key was altered"},
	[ISO_E_MEMBER_KEY] = {"member-key",
			      "fichier de clé de membre illisible ou d’une autre opération",
			      "member key file unreadable or from another operation"},
	[ISO_E_USB] = {"usb", "clé USB introuvable, illisible ou non formatée en FAT",
		       "USB key missing, unreadable or not formatted FAT"},
	[ISO_E_SEAL] = {"seal", "le scellement ne correspond pas",
			"the seal does not match"},
	[ISO_E_TOKEN] = {"token",
			 "jeton de maintenance illisible ou incomplet",
			 "maintenance token unreadable or incomplete"},
	[ISO_E_TOKEN_NOT_YET] = {"token-not-yet",
				 "jeton de maintenance pas encore valable",
				 "maintenance token not valid yet"},
	[ISO_E_TOKEN_EXPIRED] = {"token-expired", "jeton de maintenance expiré",
				 "maintenance token expired"},
	[ISO_E_TOKEN_OTHER_KIOSK] = {"token-other-kiosk",
				     "jeton de maintenance pour d’autres postes",
				     "maintenance token for other posts"},
	[ISO_E_TOKEN_OTHER_OPERATION] = {"token-other-operation",
					 "jeton de maintenance d’une autre opération",
					 "maintenance token of another operation"},
	[ISO_E_WRONG_PIN] = {"wrong-pin", "code PIN erroné", "wrong PIN"},
	[ISO_E_MAINT_SESSION] = {"maintenance-during-session",
				 "pas de maintenance pendant la session d’un électeur",
				 "no maintenance during a voter's session"},
	[ISO_E_MAINT_LOCKED] = {"maintenance-locked",
				"maintenance bloquée après trois codes PIN erronés : réessayez dans "
				"15 minutes",
				"maintenance locked after three wrong PINs: try again in 15 minutes"},
	[ISO_E_NO_TECHNICIAN_KEY] = {"no-technician-key",
				     "ce poste n’a pas la clé de technicien de l’opération",
				     "this post does not have the operation's technician key"},
	[ISO_E_MANIFEST] = {"manifest",
			    "manifeste de l’image du poste mal formé : reconstruire l’image",
			    "the kiosk image's manifest is malformed: rebuild the image"},
	[ISO_E_MANIFEST_HASH] = {"manifest-hash",
				 "le manifeste de l’image n’est pas celui qui a été scellé",
				 "the image's manifest is not the one that was sealed"},
	[ISO_E_IMAGE_CHANGED] = {"image-changed",
				 "des fichiers du poste diffèrent de son manifeste : poste à réinstaller",
				 "files of the kiosk differ from its manifest: reinstall the kiosk"},
	[ISO_E_ENROLMENT] = {"enrolment", "lot d’enrôlement illisible ou incomplet",
			     "enrolment bundle unreadable or incomplete"},
	[ISO_E_ENROLMENT_OPERATION] = {"enrolment-operation",
				       "le lot d’enrôlement porte un operation.json refusé ou d’une autre opération",
				       "the enrolment bundle carries an operation.json refused or of another operation"},
	[ISO_E_ENROLMENT_IDENTITY] = {"enrolment-identity",
				      "certificat ou clé du poste illisible, certificat hors de sa validité ou pas "
				      "pour un client TLS, ou la clé n’est pas celle du certificat",
				      "the post's certificate or key is unreadable, the certificate out of its validity "
				      "or not for a TLS client, or the key is not the certificate's"},
	[ISO_E_ENROLMENT_OTHER_KIOSK] = {"enrolment-other-kiosk",
					 "le certificat du lot d’enrôlement est celui d’un autre poste",
					 "the enrolment bundle's certificate is another post's"},
	[ISO_E_ENROLMENT_IMAGE] = {"enrolment-image",
				   "lot d’enrôlement fait pour une autre image de poste",
				   "enrolment bundle made for another kiosk image"},
	[ISO_E_ENROLLED] = {"enrolled",
			    "poste déjà enrôlé : pour l’enrôler à nouveau, réinstaller son image",
			    "kiosk already enrolled: to enrol it again, reinstall its image"},
};

static const struct iso_err_text *err_text(enum iso_err err)
{
	if ((unsigned)err >= ISO_ERR__COUNT || err_texts[err].name == NULL)
		return NULL;
	return &err_texts[err];
}

const char *iso_strerror(enum iso_err err, enum iso_lang lang)
{
	const struct iso_err_text *t = err_text(err);
	if (t == NULL)
		return lang == ISO_LANG_EN ? "unknown error" : "erreur inconnue";
	return lang == ISO_LANG_EN ? t->en : t->fr;
}

const char *iso_errname(enum iso_err err)
{
	const struct iso_err_text *t = err_text(err);
	return t == NULL ? "unknown" : t->name;
}

enum iso_lang iso_lang_from_env(void)
{
	static const char *const vars[] = {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"};
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		const char *v = getenv(vars[i]);
		if (v != NULL && v[0] != '\0')
			return strncmp(v, "en", 2) == 0 ? ISO_LANG_EN : ISO_LANG_FR;
	}
	return ISO_LANG_FR;
}

void iso_where_clear(struct iso_where *w)
{
	w->question = -1;
	w->choice = -1;
	w->trustee = -1;
	w->height = -1;
	w->tracker[0] = '\0';
}

void iso_where_format(const struct iso_where *w, enum iso_err err,
		      enum iso_lang lang, char *buf, unsigned long size)
{
	int en = lang == ISO_LANG_EN;
	size_t n;
	if (size == 0)
		return;
	n = (size_t)snprintf(buf, size, "%s", iso_strerror(err, lang));
	if (w == NULL)
		return;
#define APPEND(...)                                                           \
	do {                                                                  \
		if (n < size)                                                 \
			n += (size_t)snprintf(buf + n, size - n, __VA_ARGS__); \
	} while (0)
	if (w->tracker[0] != '\0')
		APPEND(en ? " [ballot %s" : " [bulletin %s", w->tracker);
	else if (w->height >= 0 || w->question >= 0 || w->trustee >= 0)
		APPEND(" [");
	else
		return;
	if (w->height >= 0)
		APPEND(en ? "%sevent %d" : "%sévénement %d",
		       w->tracker[0] ? ", " : "", w->height);
	if (w->question >= 0)
		APPEND("%squestion %d", (w->tracker[0] || w->height >= 0) ? ", " : "",
		       w->question + 1);
	if (w->choice >= 0)
		APPEND(en ? ", choice %d" : ", choix %d", w->choice + 1);
	if (w->trustee >= 0)
		APPEND(en ? "%strustee %d" : "%sdétenteur %d",
		       (w->tracker[0] || w->height >= 0 || w->question >= 0) ? ", " : "",
		       w->trustee);
	APPEND("]");
#undef APPEND
}

bool iso_err_by_name(const char *name, enum iso_err *ret)
{
	for (unsigned i = 0; name != NULL && i < ISO_ERR__COUNT; i++)
		if (err_texts[i].name != NULL && strcmp(err_texts[i].name, name) == 0) {
			*ret = (enum iso_err)i;
			return true;
		}
	return false;
}
