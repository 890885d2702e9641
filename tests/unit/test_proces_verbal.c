/* The procès-verbal's layout (bureau/proces_verbal.c) without a PDF: every
 * event the journal holds said as a sentence, in French and English, an
 * unknown or malformed entry listed with its fields, never dropped
 * (R-BUR-06); the key ceremony (R-KEY-04); attendance and quorum
 * (R-BUR-02); observations printed (R-BUR-07); signature lines for those
 * present at the last meeting; the checks made before the minutes, each
 * fault its own (R-D11-CHECK first); times said at the operation's
 * offset; then the PDF itself, its pages counted. */
#include <stdlib.h>
#include <string.h>

#include "../unit/check.h"
#include "error.h"
#include "proces_verbal.h"

#define NNBSP "\u202f"
#define NBSP "\u00a0"

static const char OPERATION[] =
	"{\"operation\":\"Élections 2026\",\"space\":\"Salle 3\","
	"\"opening\":\"2026-12-04T08:00:00+01:00\",\"closing\":\"2026-12-11T17:00:00+01:00\","
	"\"polls\":[{\"code\":\"CST\",\"uuid\":\"U1\",\"name\":\"Comité social\",\"colleges\":[\"A\"],"
	"\"seats\":5,\"method\":\"plus-forte-moyenne\",\"blank\":true,\"voters\":4,"
	"\"lists\":[{\"acronym\":\"USA\",\"name\":\"Union\",\"candidates\":[\"Camille Durand\"]},"
	"{\"acronym\":\"AE\",\"name\":\"Agir\",\"candidates\":[\"Noé Bernard\"]}]}],"
	"\"bureau\":[{\"name\":\"Martine Lebrun\",\"role\":\"president\"},"
	"{\"name\":\"Paul Girard\",\"role\":\"secretaire\"},"
	"{\"name\":\"Sophie Marchand\",\"role\":\"assesseur\"},"
	"{\"name\":\"Karim Haddad\",\"role\":\"delegue\",\"list\":\"CST/USA\"},"
	"{\"name\":\"Anne Colin\",\"role\":\"delegue\",\"list\":\"CST/AE\"}]}";

#define POLLS                                                                                   \
	"[{\"code\":\"CST\",\"uuid\":\"U1\",\"voters\":4,\"emargements\":4,\"ballots\":4,"      \
	"\"blank\":1,\"expressed\":3,\"method\":\"plus-forte-moyenne\",\"seats_left\":0,"     \
	"\"lists\":[{\"acronym\":\"USA\",\"name\":\"Union\",\"votes\":2,\"seats\":4,\"tied\":false}," \
	"{\"acronym\":\"AE\",\"name\":\"Agir\",\"votes\":1,\"seats\":1,\"tied\":false}]}]"

#define AT(n, ev) "{\"seq\":" #n ",\"time\":\"2026-12-04T07:00:00Z\",\"event\":\"" ev "\""
static const char JOURNAL[] =
	"[" AT(1, "operation-init") ",\"operation\":\"Élections 2026\",\"polls\":[{\"code\":\"CST\",\"uuid\":\"U1\",\"voters\":4}],\"voters\":4},"
	AT(2, "attendance") ",\"meeting\":\"ouverture\",\"present\":[1,2,4,5]},"
	AT(3, "keys-ceremony") ",\"threshold\":2,\"holders\":[{\"member\":1,\"name\":\"Martine Lebrun\",\"role\":\"president\",\"trustee\":1},"
	"{\"member\":4,\"name\":\"Karim Haddad\",\"role\":\"delegue\",\"trustee\":2},"
	"{\"member\":9,\"name\":\"Anne Colin\",\"role\":\"delegue\",\"trustee\":3}],"
	"\"polls\":[{\"code\":\"CST\",\"uuid\":\"U1\",\"public_key_sha256\":\"ab12\"}]},"
	AT(4, "seal") ",\"manifest_sha256\":\"m1\",\"items\":12,\"signers\":[1,4]},"
	AT(5, "seal-check") ",\"manifest_sha256\":\"m1\",\"ok\":true,\"changed\":[]},"
	AT(6, "seal-check") ",\"manifest_sha256\":\"m1\",\"ok\":false,\"changed\":[\"isoloir-urn\",\"urn.toml\"]},"
	AT(7, "test-election") ",\"ok\":true,\"polls\":[{\"code\":\"CST\",\"expected\":3,\"counted\":3}]},"
	AT(8, "control") ",\"action\":\"open\",\"polls\":[\"CST\"]},"
	"{\"seq\":9,\"time\":\"2026-12-07T13:30:00Z\",\"event\":\"control\",\"action\":\"suspend\",\"polls\":[\"CST\",\"FS\"],\"reason\":\"panne\"},"
	AT(10, "incident") ",\"source\":\"kiosk-3\",\"kind\":\"screen\",\"text\":\"écran noir\"},"
	AT(11, "tally") ",\"poll\":\"CST\",\"uuid\":\"U1\",\"holders\":[1,4],\"ballots\":4},"
	AT(12, "results") ",\"polls\":" POLLS "},"
	AT(13, "observation") ",\"author\":\"Karim Haddad\",\"quality\":\"delegue\",\"poll\":\"CST\",\"text\":\"Le poste n° 3 ; noir.\"},"
	AT(14, "attendance") ",\"meeting\":\"clôture\",\"present\":[1,2,3,4]},"
	AT(15, "archive") ",\"sha256\":\"a1\",\"size\":12345,\"retention_until\":\"2028-12-11T16:00:00Z\",\"members\":9},"
	AT(16, "appeal") ",\"text\":\"Recours\",\"closed\":false},"
	AT(17, "destruction") ",\"archive_sha256\":\"a1\",\"destroyed\":[\"x\",\"y\"]},"
	AT(18, "pv") ",\"sha256\":\"p1\",\"pages\":5},"
	AT(19, "frobnicate") ",\"a\":1,\"b\":\"x\"},"
	AT(20, "control") ",\"action\":\"explode\",\"polls\":[\"CST\"]},"
	AT(21, "technician-key") ",\"holder\":\"Claire Morel\"},"
	AT(22, "maintenance-token") ",\"id\":\"t1\",\"technician\":\"Jean Petit\",\"kiosks\":[\"poste-01\",\"poste-02\"],\"not_before\":\"2026-12-01T08:00:00+01:00\",\"not_after\":\"2026-12-05T18:00:00+01:00\"},"
	AT(23, "enrolment-bundles") ",\"bundles\":[{\"id\":\"b1\",\"kiosk\":\"poste-01\"}],\"image_manifest_sha256\":\"i1\",\"operation_json_sha256\":\"o1\"},"
	AT(24, "intervention") ",\"source\":\"poste-01\",\"at\":\"2026-12-04T09:14:03Z\",\"kiosk_event\":\"maintenance-start\",\"outcome\":\"success\",\"detail\":\"technician=Jean Petit token=t1\"}]";

/* the blocks, one a line, and the pages asked for */
struct collected {
	char text[64 << 10];
	size_t len;
	int pages;
};

static void on_page(void *arg, const char *note)
{
	struct collected *c = arg;
	c->pages++;
	CHECK(note != NULL && strstr(note, "Élections 2026") != NULL);
}

static void on_text(void *arg, enum pdf_style style, const char *text, double space_mm)
{
	struct collected *c = arg;
	size_t n = strlen(text);
	(void)style;
	(void)space_mm;
	CHECK(n > 0 && text[n - 1] != '\n');
	if (c->len + n + 2 < sizeof c->text) {
		memcpy(c->text + c->len, text, n);
		c->len += n;
		c->text[c->len++] = '\n';
		c->text[c->len] = '\0';
	}
}

static json_t *parse(const char *s)
{
	json_error_t e;
	json_t *o = json_loads(s, 0, &e);
	if (o == NULL)
		fprintf(stderr, "test JSON: %s (line %d, column %d)\n", e.text, e.line, e.column);
	return o;
}

static void has(const struct collected *c, const char *want)
{
	if (strstr(c->text, want) == NULL) {
		fprintf(stderr, "  the minutes lack: %s\n", want);
		check_failures++;
	}
}

static void layout(enum iso_lang lang, const struct proces_verbal *pv, struct collected *c)
{
	struct proces_verbal_sink sink = {on_page, on_text, c};
	c->len = 0;
	c->text[0] = '\0';
	c->pages = 0;
	CHECK_ERR(proces_verbal_layout(lang, pv, &sink), ISO_OK);
}

static void test_layout_fr(const struct proces_verbal *pv)
{
	static struct collected c;
	const char *sig;
	layout(ISO_LANG_FR, pv, &c);
	CHECK(c.pages == 2); /* the first, and the signatures' */
	has(&c, "Procès-verbal des opérations électorales\nÉlections 2026\n");
	has(&c, "Ouverture du vote" NNBSP ": vendredi 4" NBSP "décembre 2026 à" NBSP "8" NBSP "h" NBSP "00\n");
	has(&c, "CST — Comité social\nCollèges" NNBSP ": A\nSièges à pourvoir" NNBSP ": 5, répartis à la plus forte moyenne\n");
	has(&c, "  USA — Union (Camille Durand)");
	has(&c, "2. Paul Girard — secrétaire, voix consultative\n");
	has(&c, "4. Karim Haddad — délégué(e) de la liste CST/USA\n");
	/* attendance, R-BUR-02 */
	has(&c, "Réunion «" NNBSP "ouverture" NNBSP "» — vendredi 4" NBSP "décembre 2026 à" NBSP "8" NBSP "h" NBSP "00\n"
		"Présents (4)" NNBSP ": Martine Lebrun (président(e))" NNBSP "; Paul Girard (secrétaire, voix consultative)" NNBSP
		"; Karim Haddad (délégué(e) de la liste CST/USA)" NNBSP "; Anne Colin (délégué(e) de la liste CST/AE)\n"
		"Absents" NNBSP ": Sophie Marchand (assesseur)\nQuorum de quatre membres" NNBSP ": atteint.");
	/* every entry, in order, numbered */
	has(&c, "1. vendredi 4" NBSP "décembre 2026 à" NBSP "8" NBSP "h" NBSP "00 — Opération «" NNBSP "Élections 2026" NNBSP
		"» créée" NNBSP ": 1 scrutin, 4 électeurs inscrits — CST" NNBSP ": 4.");
	has(&c, "— Cérémonie des clés, en séance publique" NNBSP ": la clé de chaque scrutin est partagée entre 3 "
		"détenteurs, dont 2 suffisent au dépouillement — Martine Lebrun (président(e), détenteur n° 1)" NNBSP
		"; Karim Haddad (délégué(e) de la liste CST/USA, détenteur n° 2)" NNBSP
		"; Anne Colin (délégué(e) de liste, détenteur n° 3).");
	has(&c, "\nClé publique du scrutin CST (SHA-256)" NNBSP ": ab12\n");
	has(&c, "— Scellement" NNBSP ": 12 éléments scellés, manifeste SHA-256 m1, signé par Martine Lebrun, Karim Haddad.\n");
	has(&c, "— Contrôle des scellés (manifeste SHA-256 m1)" NNBSP ": intacts.\n");
	has(&c, "— Contrôle des scellés (manifeste SHA-256 m1)" NNBSP ": ROMPUS — éléments modifiés" NNBSP ": isoloir-urn, urn.toml.\n");
	has(&c, "— Élection de test" NNBSP ": conforme — CST" NNBSP ": 3 bulletins attendus, 3 comptés.\n");
	has(&c, "8. vendredi 4" NBSP "décembre 2026 à" NBSP "8" NBSP "h" NBSP "00 — Ouverture du vote — scrutin CST.\n");
	has(&c, "9. lundi 7" NBSP "décembre 2026 à" NBSP "14" NBSP "h" NBSP "30 — Suspension du vote — scrutins CST, FS. Motif" NNBSP ": panne\n");
	has(&c, "— Incident signalé par kiosk-3 (screen)" NNBSP ": écran noir\n");
	has(&c, "— Dépouillement du scrutin CST" NNBSP ": 4 bulletins, déchiffrés en présence des détenteurs de clé Martine Lebrun, Karim Haddad.\n");
	has(&c, "— Résultats arrêtés, chaque archive vérifiée de nouveau et son dépouillement refait — CST" NNBSP ": 4 bulletins, 1 blanc, 3 exprimés.\n");
	has(&c, "— Observation de Karim Haddad (délégué de liste), scrutin CST — son texte à la section 5.\n");
	has(&c, "— Archive de l’opération constituée" NNBSP ": 9 pièces, 12" NNBSP "345 octets, SHA-256 a1, à conserver jusqu’au lundi 11" NBSP "décembre 2028");
	has(&c, "— Recours enregistré" NNBSP ": «" NNBSP "Recours" NNBSP "»\n");
	has(&c, "— Destruction de l’archive (SHA-256 a1), des clés et des secrets restants" NNBSP ": 2 fichiers détruits");
	has(&c, "— Procès-verbal établi (5 pages), SHA-256 p1.\n");
	/* the technicians (R-D11-INTERV): who could intervene, and each intervention */
	has(&c, "— Clé de technicien de l’opération créée, détenue par Claire Morel\n");
	has(&c, "— Jeton de maintenance t1 pour Jean Petit, postes poste-01, poste-02, valable du 2026-12-01T08:00:00+01:00 au 2026-12-05T18:00:00+01:00\n");
	has(&c, "— Lots d’enrôlement des postes poste-01, pour l’image de manifeste i1\n");
	has(&c, "— Intervention sur le poste poste-01, à 2026-12-04T09:14:03Z (UTC)" NNBSP ": entrée en maintenance (technician=Jean Petit token=t1)\n");
	/* unknown, and known but malformed: their fields, not dropped */
	has(&c, "19. vendredi 4" NBSP "décembre 2026 à" NBSP "8" NBSP "h" NBSP "00 — frobnicate" NNBSP ": a=1, b=x\n");
	has(&c, "20. vendredi 4" NBSP "décembre 2026 à" NBSP "8" NBSP "h" NBSP "00 — control" NNBSP ": action=explode, polls=[\"CST\"]\n");
	/* results, R-D11-CHECK */
	has(&c, "Émargements" NNBSP ": 4 (participation" NNBSP ": 100,0" NNBSP "%)\n");
	has(&c, "Contrôle" NNBSP ": 1 blanc + 3 exprimés = 4 émargements (R-D11-CHECK)\n");
	has(&c, "  USA — Union — 2 voix (66,7" NNBSP "%) — 4 sièges\n  AE — Agir — 1 voix (33,3" NNBSP "%) — 1 siège\n");
	/* the observation, R-BUR-07 */
	has(&c, "Observation n° 1 — vendredi 4" NBSP "décembre 2026 à" NBSP "8" NBSP "h" NBSP "00\nDe Karim Haddad, délégué de liste — scrutin CST\n«" NNBSP "Le poste n° 3 ; noir." NNBSP "»\n");
	/* signatures: those present at the last meeting (1, 2, 3, 4) */
	sig = strstr(c.text, "6. Signatures\n");
	CHECK(sig != NULL);
	if (sig != NULL) {
		CHECK(strstr(sig, "les membres du bureau présents à la réunion «" NNBSP "clôture" NNBSP "»") != NULL);
		CHECK(strstr(sig, "Sophie Marchand — assesseur\n\nSignature" NNBSP ": ___") != NULL);
		CHECK(strstr(sig, "Paul Girard") != NULL && strstr(sig, "Anne Colin") == NULL);
	}
}

static void test_layout_en(const struct proces_verbal *pv)
{
	static struct collected c;
	layout(ISO_LANG_EN, pv, &c);
	has(&c, "Minutes of the electoral operations\n");
	has(&c, "Voting opens: Friday 4 December 2026 at 8:00\n");
	has(&c, "— Key ceremony, in public session: each poll's key is shared among 3 holders, of whom 2 are enough for the count");
	has(&c, "— Operation's archive made: 9 members, 12,345 bytes,");
	has(&c, "— Voting suspended — polls CST, FS. Reason: panne\n");
	has(&c, "Émargements (voters who voted): 4 (turnout: 100.0%)\n");
	has(&c, "Present (4): Martine Lebrun (president); Paul Girard (secretary, advisory vote);");
	has(&c, "Signature: ___");
}

static void test_check(json_t *op, json_t *journal)
{
	json_t *good = parse("{\"version\":1,\"operation\":\"Élections 2026\",\"polls\":" POLLS "}"), *bad;
	struct proces_verbal pv = {op, good, journal, 0};
	size_t at = 99;
	CHECK(proces_verbal_check(&pv, &at) == PROCES_VERBAL_OK);
	/* R-D11-CHECK: one more émargement than blank + expressed */
	pv.results = bad = json_deep_copy(good);
	json_object_set_new(json_array_get(json_object_get(bad, "polls"), 0), "emargements", json_integer(5));
	CHECK(proces_verbal_check(&pv, &at) == PROCES_VERBAL_CHECK && at == 0);
	json_decref(bad);
	/* one ballot fewer in the urn */
	pv.results = bad = json_deep_copy(good);
	json_object_set_new(json_array_get(json_object_get(bad, "polls"), 0), "ballots", json_integer(3));
	CHECK(proces_verbal_check(&pv, &at) == PROCES_VERBAL_CHECK);
	json_decref(bad);
	/* a list's votes changed */
	pv.results = bad = json_deep_copy(good);
	json_object_set_new(json_array_get(json_object_get(json_array_get(json_object_get(bad, "polls"), 0), "lists"), 1),
			    "votes", json_integer(2));
	CHECK(proces_verbal_check(&pv, &at) == PROCES_VERBAL_LISTS);
	json_decref(bad);
	/* a figure that is no figure */
	pv.results = bad = json_deep_copy(good);
	json_object_set_new(json_array_get(json_object_get(bad, "polls"), 0), "blank", json_string("1"));
	CHECK(proces_verbal_check(&pv, &at) == PROCES_VERBAL_SHAPE);
	json_object_set_new(json_array_get(json_object_get(bad, "polls"), 0), "blank", json_integer(-1));
	CHECK(proces_verbal_check(&pv, &at) == PROCES_VERBAL_SHAPE);
	json_decref(bad);
	pv.results = bad = parse("{\"polls\":[]}");
	CHECK(proces_verbal_check(&pv, &at) == PROCES_VERBAL_SHAPE);
	json_decref(bad);
	/* another poll */
	pv.results = bad = json_deep_copy(good);
	json_object_set_new(json_array_get(json_object_get(bad, "polls"), 0), "code", json_string("CAP"));
	CHECK(proces_verbal_check(&pv, &at) == PROCES_VERBAL_POLLS);
	json_decref(bad);
	/* figures that add up, but not those journaled */
	pv.results = bad = json_deep_copy(good);
	json_object_set_new(json_array_get(json_object_get(bad, "polls"), 0), "voters", json_integer(40));
	CHECK(proces_verbal_check(&pv, &at) == PROCES_VERBAL_UNJOURNALED);
	json_decref(bad);
	/* no results journaled */
	pv.results = good;
	{
		json_t *none = json_array();
		pv.journal = none;
		CHECK(proces_verbal_check(&pv, &at) == PROCES_VERBAL_UNJOURNALED);
		json_decref(none);
	}
	json_decref(good);
}

static void test_time(void)
{
	char buf[96];
	proces_verbal_time_text(ISO_LANG_FR, "2026-12-04T07:00:00Z", "2026-12-04T08:00:00+01:00", buf, sizeof buf);
	CHECK(strcmp(buf, "vendredi 4" NBSP "décembre 2026 à" NBSP "8" NBSP "h" NBSP "00") == 0);
	proces_verbal_time_text(ISO_LANG_EN, "2026-12-04T13:05:00Z", "2026-12-01T08:00:00-05:00", buf, sizeof buf);
	CHECK(strcmp(buf, "Friday 4 December 2026 at 8:05") == 0);
	proces_verbal_time_text(ISO_LANG_EN, "2026-12-04T13:05:00Z", "2026-12-01T08:00:00Z", buf, sizeof buf);
	CHECK(strcmp(buf, "Friday 4 December 2026 at 13:05") == 0);
	proces_verbal_time_text(ISO_LANG_FR, "hier", "2026-12-04T08:00:00+01:00", buf, sizeof buf);
	CHECK(strcmp(buf, "?") == 0);
	proces_verbal_time_text(ISO_LANG_FR, NULL, "2026-12-04T08:00:00+01:00", buf, sizeof buf);
	CHECK(strcmp(buf, "?") == 0);
}

static void test_pdf(const struct proces_verbal *pv)
{
	unsigned char *pdf = NULL;
	size_t len = 0;
	int pages = 0;
	static const unsigned char junk[] = "%PDF-1.5\n/Type /Pages /Kids [] >>";
	CHECK_ERR(proces_verbal_pdf(ISO_LANG_FR, pv, &pdf, &len, &pages), ISO_OK);
	CHECK(len > 1000 && memcmp(pdf, "%PDF-", 5) == 0);
	CHECK(pages >= 2); /* the signatures on a page of their own */
	pdf_data_free(pdf, len);
	CHECK(proces_verbal_pdf_pages(junk, sizeof junk - 1) == 0);
}

int main(void)
{
	json_t *op = parse(OPERATION), *journal = parse(JOURNAL),
	       *results = parse("{\"version\":1,\"operation\":\"Élections 2026\",\"polls\":" POLLS "}");
	struct proces_verbal pv = {op, results, journal, 1796367600}; /* 2026-12-04T07:00:00Z */
	CHECK(op != NULL && journal != NULL && results != NULL);
	if (op != NULL && journal != NULL && results != NULL) {
		test_layout_fr(&pv);
		test_layout_en(&pv);
		test_check(op, journal);
		test_pdf(&pv);
		/* an operation without its hours makes no minutes */
		json_object_del(op, "opening");
		{
			struct collected *c = calloc(1, sizeof *c);
			struct proces_verbal_sink sink = {on_page, on_text, c};
			CHECK(c != NULL && proces_verbal_layout(ISO_LANG_FR, &pv, &sink) == ISO_E_CONFIG);
			free(c);
		}
	}
	test_time();
	json_decref(op);
	json_decref(journal);
	json_decref(results);
	return check_status();
}
