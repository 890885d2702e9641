/* The project-wide error codes of Isoloir and their messages.
 * Every function of the project returns one of these; the codes are never
 * renumbered (they appear in logs, exit statuses and the wire protocol), a new
 * code is only ever appended before ISO_ERR__COUNT. Each has a French and an
 * English message that says what went wrong and, where it helps, what to do. */
#ifndef ISOLOIR_ERROR_H
#define ISOLOIR_ERROR_H

#include <stdbool.h>

enum iso_err {
	ISO_OK = 0,
	/* system and programming errors */
	ISO_E_NOMEM = 1,
	ISO_E_IO = 2,
	ISO_E_CRYPTO_LIB = 3,
	ISO_E_RANDOM = 4,
	ISO_E_INVALID_ARG = 5,
	ISO_E_TOO_LARGE = 6,
	/* data formats */
	ISO_E_JSON = 10,
	ISO_E_SHAPE = 11,
	ISO_E_NOT_CANONICAL = 12,
	ISO_E_NUMBER = 13,
	ISO_E_UNKNOWN_GROUP = 14,
	ISO_E_UUID = 15,
	ISO_E_ELECTION = 16,
	ISO_E_QUESTION_TYPE = 17,
	/* credentials */
	ISO_E_CREDENTIAL_FORMAT = 20,
	ISO_E_CREDENTIAL_CHECKSUM = 21,
	ISO_E_UNKNOWN_CREDENTIAL = 22,
	ISO_E_CREDENTIAL_USED = 23,
	ISO_E_DUPLICATE_PUBLIC_CREDENTIAL = 24,
	ISO_E_WEIGHT = 25,
	/* ballots */
	ISO_E_PLAINTEXT = 30,
	ISO_E_WRONG_ELECTION = 31,
	ISO_E_WRONG_ELECTION_HASH = 32,
	ISO_E_NOT_GROUP_ELEMENT = 33,
	ISO_E_NOT_IN_ZQ = 34,
	ISO_E_BAD_INDIVIDUAL_PROOF = 35,
	ISO_E_BAD_OVERALL_PROOF = 36,
	ISO_E_BAD_BLANK_PROOF = 37,
	ISO_E_BAD_SIGNATURE = 38,
	ISO_E_SIGNATURE_HASH = 39,
	ISO_E_MISSING_SIGNATURE = 40,
	ISO_E_ANSWER_COUNT = 41,
	ISO_E_CHOICE_COUNT = 42,
	ISO_E_PROOF_COUNT = 43,
	ISO_E_UNEXPECTED_BLANK_PROOF = 44,
	ISO_E_MISSING_BLANK_PROOF = 45,
	/* trustees, keys and decryption */
	ISO_E_BAD_POK = 50,
	ISO_E_BAD_TRUSTEES = 51,
	ISO_E_PUBLIC_KEY_MISMATCH = 52,
	ISO_E_BAD_CERTIFICATE = 53,
	ISO_E_BAD_MESSAGE_SIGNATURE = 54,
	ISO_E_CHANNEL_DECRYPT = 55,
	ISO_E_WRONG_RECIPIENT = 56,
	ISO_E_CERT_NOT_FOUND = 57,
	ISO_E_BAD_COEFEXPS = 58,
	ISO_E_BAD_SECRET_SHARE = 59,
	ISO_E_BAD_VERIFICATION_KEY = 60,
	ISO_E_THRESHOLD = 61,
	ISO_E_BAD_DECRYPTION_PROOF = 62,
	ISO_E_MISSING_PARTIAL_DECRYPTION = 63,
	ISO_E_NOT_ENOUGH_PARTIAL_DECRYPTIONS = 64,
	ISO_E_DUPLICATE_PARTIAL_DECRYPTION = 65,
	ISO_E_UNKNOWN_TRUSTEE = 66,
	ISO_E_RESULT_OUT_OF_RANGE = 67,
	ISO_E_BAD_RESULT = 68,
	ISO_E_KEY_NOT_IN_TRUSTEES = 69,
	ISO_E_TRUSTEE_COUNT = 70,
	ISO_E_DUPLICATE_CERTIFICATE = 71,
	/* the .bel archive */
	ISO_E_ARCHIVE_FORMAT = 80,
	ISO_E_ARCHIVE_HEADER = 81,
	ISO_E_ARCHIVE_NOT_CANONICAL = 82,
	ISO_E_ARCHIVE_HASH = 83,
	ISO_E_ARCHIVE_CHAIN = 84,
	ISO_E_ARCHIVE_MISSING_DATA = 85,
	ISO_E_ARCHIVE_EVENT_ORDER = 86,
	ISO_E_ARCHIVE_NO_EVENTS = 87,
	ISO_E_TALLY_MISMATCH = 88,
	ISO_E_TALLY_BEFORE_END = 89,
	ISO_E_ARCHIVE_EXISTS = 90,
	ISO_E_SHUFFLE_UNSUPPORTED = 91,
	ISO_E_NO_TALLY = 92,
	/* servers */
	ISO_E_STORAGE = 93,
	ISO_E_JOURNAL_BROKEN = 94,
	ISO_E_TICKET_USED = 95,
	ISO_E_URN_NOT_OPEN = 96,
	ISO_E_URN_STATE = 97,
	ISO_E_URN_SUSPENDED = 98,
	ISO_E_VOTING_CLOSED = 99,
	ISO_E_TICKET_INVALID = 100,
	ISO_E_TICKET_EXPIRED = 101,
	ISO_E_WRONG_POLL = 102,
	ISO_E_LOGIN_FAILED = 103,
	ISO_E_LOCKED_OUT = 104,
	ISO_E_SESSION = 105,
	ISO_E_ALREADY_VOTED = 106,
	ISO_E_NOT_VOTER = 107,
	ISO_E_CLIENT_CERT = 108,
	ISO_E_FORBIDDEN = 109,
	ISO_E_NOT_FOUND = 110,
	ISO_E_METHOD = 111,
	ISO_E_CONFIG = 112,
	ISO_E_BAD_RECEIPT = 113,
	ISO_E_NOT_PUBLISHED = 114,
	ISO_E_VOTER_FILE = 115,
	ISO_E_NOT_STARTED = 116,
	/* the kiosk's network (net/) */
	ISO_E_PIN_MISMATCH = 117,
	ISO_E_NETWORK = 118,
	ISO_E_SERVER_ANSWER = 119,
	/* the bureau's members' keys (USB) */
	ISO_E_PASSPHRASE = 120,
	ISO_E_MEMBER_KEY = 121,
	ISO_E_USB = 122,
	ISO_E_SEAL = 123,
	ISO_E_TOKEN = 124,
	ISO_E_TOKEN_NOT_YET = 125,
	ISO_E_TOKEN_EXPIRED = 126,
	ISO_E_TOKEN_OTHER_KIOSK = 127,
	ISO_E_TOKEN_OTHER_OPERATION = 128,
	ISO_E_WRONG_PIN = 129,
	/* the kiosk's maintenance mode */
	ISO_E_MAINT_SESSION = 130,
	ISO_E_MAINT_LOCKED = 131,
	ISO_E_NO_TECHNICIAN_KEY = 132,
	/* the kiosk image's integrity and the kiosk's enrolment (140-149) */
	ISO_E_MANIFEST = 140,
	ISO_E_MANIFEST_HASH = 141,
	ISO_E_IMAGE_CHANGED = 142,
	ISO_E_ENROLMENT = 143,
	ISO_E_ENROLMENT_OPERATION = 144,
	ISO_E_ENROLMENT_IDENTITY = 145,
	ISO_E_ENROLMENT_OTHER_KIOSK = 146,
	ISO_E_ENROLMENT_IMAGE = 147,
	ISO_E_ENROLLED = 148,
	ISO_ERR__COUNT
};

enum iso_lang { ISO_LANG_FR = 0, ISO_LANG_EN = 1 };

/* The message for an error code, in the given language. Never NULL. */
const char *iso_strerror(enum iso_err err, enum iso_lang lang);

/* A short stable name for logs and the wire protocol ("bad-signature"). */
const char *iso_errname(enum iso_err err);

/* The code of a name of iso_errname; false for an unknown name. */
bool iso_err_by_name(const char *name, enum iso_err *ret);

/* The language of the environment: English when LANGUAGE, LC_ALL, LC_MESSAGES
 * or LANG (first one set) starts with "en", French otherwise. */
enum iso_lang iso_lang_from_env(void);

/* Where in a document an error was found, for messages a person can act on.
 * Fields are -1 when they do not apply. */
struct iso_where {
	int question; /* 0-based */
	int choice;   /* 0-based, blank choice included */
	int trustee;  /* 1-based trustee id */
	int height;   /* archive event height */
	char tracker[48]; /* smart ballot tracker of the ballot, or "" */
};

void iso_where_clear(struct iso_where *w);

/* Writes "message (question 2, choice 3, ...)" into buf, always terminated. */
void iso_where_format(const struct iso_where *w, enum iso_err err,
		      enum iso_lang lang, char *buf, unsigned long size);

#endif
