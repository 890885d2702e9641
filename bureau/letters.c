/* The password letters as a PDF (see letters.h). */
#include "letters.h"

#include <stdio.h>
#include <string.h>

#include "pdf.h"
#include "timetext.h"

#define NNBSP "\u202f" /* before : ; ! ? and inside « » */

static const char *text_of(const json_t *op, const char *key)
{
	return json_string_value(json_object_get(op, key));
}

enum iso_err letters_pdf(enum iso_lang lang, const json_t *op, const struct letter *l, size_t n,
			 unsigned char **ret, size_t *ret_len)
{
	bool en = lang == ISO_LANG_EN;
	const char *name = text_of(op, "operation"), *space = text_of(op, "space"),
		   *help = text_of(op, "helpline"), *board = text_of(op, "board");
	char from[96], to[96], buf[2048];
	struct pdf *p;
	enum iso_err err;
	if (name == NULL || space == NULL || text_of(op, "opening") == NULL ||
	    text_of(op, "closing") == NULL)
		return ISO_E_CONFIG;
	iso_time_text(lang, text_of(op, "opening"), from, sizeof from);
	iso_time_text(lang, text_of(op, "closing"), to, sizeof to);
	if ((err = pdf_new(lang, &p)) != ISO_OK)
		return err;
	for (size_t i = 0; i < n; i++) {
		snprintf(buf, sizeof buf, en ? "Letter no. %s" : "Courrier n° %s", l[i].number);
		pdf_page(p, buf);
		pdf_text(p, PDF_TITLE, en ? "Your password to vote" : "Votre mot de passe pour voter",
			 2);
		pdf_text(p, PDF_HEADING, name, 6);
		pdf_text(p, PDF_BODY, l[i].name, 4);
		pdf_text(p, PDF_BODY,
			 en ? "Here is your personal password. Your identifier comes in another "
			      "letter: keep them apart and give them to no one. No one will ask you "
			      "for it, not even the staff of the polling station."
			    : "Voici votre mot de passe personnel. Votre identifiant vous parvient par "
			      "un autre courrier" NNBSP ": conservez-les séparément et ne les confiez à "
			      "personne. Nul ne vous le demandera, pas même le personnel du bureau de "
			      "vote.",
			 4);
		pdf_text(p, PDF_SECRET, l[i].password, 8);
		pdf_text(p, PDF_HEADING, en ? "Where and when" : "Où et quand voter", 2);
		snprintf(buf, sizeof buf,
			 en ? "On a voting post of the electoral space: %s.\nVoting is open from %s "
			      "to %s."
			    : "Sur un poste de vote de l’espace électoral" NNBSP ": %s.\nLe vote est "
			      "ouvert du %s au %s.",
			 space, from, to);
		pdf_text(p, PDF_BODY, buf, 5);
		pdf_text(p, PDF_HEADING, en ? "How to vote" : "Comment voter", 2);
		pdf_text(p, PDF_BODY,
			 en ? "1. Touch “Start”, then type your identifier, this password and the "
			      "answer to your personal question.\n2. For each poll, choose a list or "
			      "the blank vote; check your choice: you can still change it.\n3. "
			      "Validate by typing this password again: your vote is then final.\nA "
			      "person of your choice may accompany you. The voting post offers spoken "
			      "guidance (headphones) and large text."
			    : "1. Touchez «" NNBSP "Commencer" NNBSP "», puis saisissez votre "
			      "identifiant, ce mot de passe et la réponse à votre question "
			      "personnelle.\n2. Pour chaque scrutin, choisissez une liste ou le vote "
			      "blanc" NNBSP "; vérifiez votre choix" NNBSP ": vous pouvez encore le "
			      "changer.\n3. Validez en saisissant de nouveau ce mot de passe" NNBSP
			      ": votre vote est alors définitif.\nUne personne de votre choix peut "
			      "vous accompagner. Le poste offre un guidage vocal (casque) et de "
			      "grands caractères.",
			 5);
		pdf_text(p, PDF_HEADING, en ? "Your receipt" : "Votre reçu", 2);
		snprintf(buf, sizeof buf,
			 en ? "After each vote, the post shows your ballot's tracker, as text and as a "
			      "QR code. Note it: on the urn's public board%s%s%s, anyone can check "
			      "that their ballot is there, and no one can tell how they voted."
			    : "Après chaque vote, le poste affiche l’empreinte de votre bulletin, en "
			      "texte et en code QR. Notez-la" NNBSP ": sur le tableau public de "
			      "l’urne%s%s%s, chacun peut vérifier que son bulletin y figure, sans "
			      "que personne puisse savoir pour qui il a voté.",
			 board != NULL ? " (" : "", board != NULL ? board : "",
			 board != NULL ? ")" : "");
		pdf_text(p, PDF_BODY, buf, 5);
		pdf_text(p, PDF_HEADING, en ? "Help" : "Besoin d’aide" NNBSP "?", 2);
		pdf_text(p, PDF_BODY,
			 help != NULL ? help
			 : en	      ? "Ask the staff of the electoral space."
				      : "Adressez-vous au personnel de l’espace électoral.",
			 0);
	}
	OPENSSL_cleanse(buf, sizeof buf);
	return pdf_finish(p, ret, ret_len);
}
