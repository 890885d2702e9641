/* The kiosk's words (see strings.h): the French texts, which are the
 * gettext msgids; English comes from assets/locale/en.po through
 * dgettext. */
#include "strings.h"

#include <libintl.h>
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DOMAIN "isoloir-kiosk"

static const char *const texts[TXT__COUNT] = {
	[TXT_WELCOME_TITLE] = "Bienvenue au bureau de vote électronique",
	[TXT_WELCOME_TEXT] = "Vous pouvez voter ici à chacun de vos scrutins. Une personne de votre choix peut vous accompagner. Choisissez ci-dessous la langue, la taille du texte, le contraste ou le guidage vocal (casque), puis touchez « Commencer ».",
	[TXT_START] = "Commencer",
	[TXT_LANGUAGE] = "English",
	[TXT_TEXT_SIZE] = "Taille du texte",
	[TXT_CONTRAST] = "Contraste",
	[TXT_AUDIO] = "Guidage vocal",
	[TXT_IDENTIFY_TITLE] = "Identification",
	[TXT_IDENTIFIER] = "Identifiant",
	[TXT_PASSWORD] = "Mot de passe",
	[TXT_PASSWORD_HINT] = "15 caractères, sous la forme XXX-XXX-XXX-XXX-XXX, reçus par courrier",
	[TXT_ANSWER] = "Réponse à la question",
	[TXT_ANSWER_HINT] = "Votre date de naissance, par exemple 14/07/1985",
	[TXT_LOG_IN] = "Me connecter",
	[TXT_BACK] = "Retour",
	[TXT_POLLS_TITLE] = "Vos scrutins",
	[TXT_POLLS_TEXT] = "Touchez un scrutin pour voter. Chaque vote devient définitif quand vous le validez.",
	[TXT_TO_VOTE] = "à voter",
	[TXT_VOTED] = "a voté",
	[TXT_FINISH] = "Terminer",
	[TXT_CHOOSE_TEXT] = "Touchez une liste, ou le vote blanc. Touchez-la de nouveau pour la désélectionner.",
	[TXT_BLANK] = "Vote blanc",
	[TXT_BLANK_LINE] = "Aucune liste",
	[TXT_TO_REVIEW] = "Vérifier mon choix",
	[TXT_REVIEW_TITLE] = "Votre choix",
	[TXT_REVIEW_TEXT] = "Vérifiez votre choix. Vous pouvez encore le changer.",
	[TXT_REVIEW_BLANK] = "Vous votez blanc.",
	[TXT_CHANGE] = "Changer mon choix",
	[TXT_CONFIRM] = "Valider ce choix",
	[TXT_VALIDATE_TITLE] = "Validation du vote",
	[TXT_VALIDATE_TEXT] = "Pour valider, saisissez de nouveau votre mot de passe. Une fois validé, votre vote est définitif : il ne pourra plus être changé.",
	[TXT_VALIDATE] = "Valider mon vote",
	[TXT_WORKING] = "Veuillez patienter",
	[TXT_WORKING_TEXT] = "Votre bulletin est chiffré sur ce poste puis envoyé à l’urne.",
	[TXT_RECEIPT_TITLE] = "Votre vote est enregistré",
	[TXT_RECEIPT_TEXT] = "Voici votre reçu. Avec l’empreinte ci-dessous, vous pouvez vérifier de n’importe où, sur le tableau public du scrutin, que votre bulletin est dans l’urne.",
	[TXT_RECEIPT_TRACKER] = "Empreinte du bulletin :",
	[TXT_RECEIPT_TIME] = "Enregistré le",
	[TXT_CONTINUE] = "Continuer",
	[TXT_STILL_THERE_TITLE] = "Êtes-vous toujours là ?",
	[TXT_STILL_THERE_TEXT] = "Sans réponse, votre session sera effacée dans {n} secondes. Rien n’aura été enregistré pour les votes non validés.",
	[TXT_YES] = "Oui, je continue",
	[TXT_PAUSED_TITLE] = "Vote interrompu",
	[TXT_PAUSED_TEXT] = "Un appareil vient d’être branché sur ce poste. Par sécurité, le vote est interrompu. Appelez un membre du personnel.",
	[TXT_END_TITLE] = "Merci, vous avez terminé",
	[TXT_END_TEXT] = "Votre session est fermée et effacée de ce poste.",
	[TXT_NOTICE_OVERVOTE] = "Une seule liste peut être choisie. Touchez d’abord la liste choisie pour la désélectionner.",
	[TXT_NOTICE_NO_CHOICE] = "Choisissez une liste ou le vote blanc.",
	[TXT_NOTICE_BAD_PASSWORD] = "Ce mot de passe n’est pas valide : vérifiez chaque caractère.",
	[TXT_NOTICE_EMPTY] = "Remplissez les trois champs.",
	[TXT_PROBLEM_LOGIN] = "Identifiant, mot de passe ou réponse incorrect. Vérifiez et recommencez.",
	[TXT_PROBLEM_LOCKED] = "Trop d’essais infructueux. Vous pourrez réessayer dans {n} secondes.",
	[TXT_PROBLEM_CLOSED] = "Le vote n’est pas ouvert en ce moment.",
	[TXT_PROBLEM_SUSPENDED] = "Le bureau de vote a suspendu le vote. Veuillez patienter ou appeler un membre du personnel.",
	[TXT_PROBLEM_ALREADY_VOTED] = "Vous avez déjà voté à ce scrutin.",
	[TXT_PROBLEM_NETWORK] = "Le serveur ne répond pas. Appelez un membre du personnel.",
	[TXT_PROBLEM_SECURITY] = "Alerte de sécurité : le vote s’arrête ici. Appelez un membre du personnel.",
	[TXT_PROBLEM_PASSWORD] = "Ce n’est pas votre mot de passe. Votre vote n’est pas validé : recommencez.",
	[TXT_PROBLEM_OTHER] = "Votre demande n’a pas abouti.",
	[TXT_RETRY] = "Réessayer",
	[TXT_CALL_STAFF] = "Appelez un membre du personnel.",
	[TXT_SPEED] = "Vitesse de la voix",
	[TXT_VOLUME] = "Volume",
	[TXT_ON] = "activé",
	[TXT_OFF] = "désactivé",
	[TXT_DETAILS] = "Les listes en détail",
	[TXT_CANDIDATES] = "Candidates et candidats :",
	[TXT_PROFESSION] = "Profession de foi :",
	[TXT_PREV_LIST] = "Liste précédente",
	[TXT_NEXT_LIST] = "Liste suivante",
	[TXT_TO_LISTS] = "Retour au choix",
	[TXT_ERASE] = "⌫ Effacer",
	[TXT_UPPER] = "Majuscules",
	[TXT_LOWER] = "Minuscules",
	[TXT_PAGE_PREV] = "Page précédente",
	[TXT_PAGE_NEXT] = "Page suivante",
	[TXT_PAGE_OF] = "Page {n} sur {total}",
	/* the voice's third state: the screen dark, the voice alone (blind voters) */
	[TXT_SCREEN_OFF] = "Voix seule, écran éteint",
	[TXT_HOURS] = "Le vote est ouvert du {from} au {to}.",
	[TXT_NOTICE_POLL_LEFT] = "Il vous reste un scrutin à voter. Pour partir sans y voter, touchez de nouveau « Terminer ».",
	[TXT_NOTICE_POLLS_LEFT] = "Il vous reste {n} scrutins à voter. Pour partir sans y voter, touchez de nouveau « Terminer ».",
	/* the technician's maintenance mode (issue 6) */
	[TXT_M_REFUSED_TITLE] = "Maintenance refusée",
	[TXT_M_REFUSED_TEXT] = "Retirez la clé de maintenance. Le refus est inscrit au journal du poste et signalé au bureau de vote.",
	[TXT_M_PIN_TITLE] = "Maintenance : code PIN",
	[TXT_M_PIN_TEXT] = "Jeton de {who}, valable jusqu’au {until}. Tapez votre code PIN (6 à 12 chiffres), puis « Valider ». Trois erreurs bloquent la maintenance 15 minutes.",
	[TXT_M_PIN] = "Code PIN",
	[TXT_M_PIN_WRONG] = "Code PIN erroné ({n} sur 3).",
	[TXT_M_OK] = "Valider",
	[TXT_M_MENU_TITLE] = "Mode maintenance",
	[TXT_M_MENU_TEXT] = "Technicien : {who}. Chaque action est inscrite au journal et signalée au bureau de vote. Aucun vote ni identifiant n’est accessible ici.",
	[TXT_M_LEAVE] = "Quitter la maintenance",
	[TXT_M_VERSION] = "Version et intégrité",
	[TXT_M_NETWORK] = "Réseau et clés des serveurs",
	[TXT_M_CLOCK] = "Horloge",
	[TXT_M_PATTERN] = "Écran et toucher",
	[TXT_M_KEYBOARD] = "Clavier",
	[TXT_M_AUDIO] = "Son (casque)",
	[TXT_M_USB] = "Périphériques USB",
	[TXT_M_JOURNAL] = "Journal du poste",
	[TXT_M_EXPORT] = "Exporter le journal sur la clé",
	[TXT_M_POWER] = "Redémarrer ou éteindre",
	[TXT_M_WORKING] = "Vérification en cours…",
	[TXT_M_PATTERN_TEXT] = "Touchez l’écran : une croix marque chaque toucher. Les quatre coins, les bandes de couleur et la grille doivent être visibles.",
	[TXT_M_KEYBOARD_TEXT] = "Appuyez sur des touches : la dernière s’affiche ici. Échap revient au menu.",
	[TXT_M_KEYBOARD_NONE] = "Aucune touche encore.",
	[TXT_M_AUDIO_TEXT] = "Une phrase d’essai est dite dans le casque.",
	[TXT_M_AUDIO_SAY] = "Essai du casque du poste de vote. Un, deux, trois.",
	[TXT_M_AGAIN] = "Recommencer",
	[TXT_M_POWER_TEXT] = "Le poste s’arrête maintenant. Aucune session d’électeur n’est en cours.",
	[TXT_M_REBOOT] = "Redémarrer",
	[TXT_M_POWEROFF] = "Éteindre",
	[TXT_M_MENU] = "Menu",
	/* enrolment and the image's integrity (issue 6) */
	[TXT_E_TITLE] = "Poste à enrôler",
	[TXT_E_TEXT] = "Ce poste n’est pas encore configuré. Insérez la clé USB d’enrôlement préparée par le bureau de vote pour ce poste.",
	[TXT_E_DONE_TITLE] = "Poste enrôlé",
	[TXT_E_DONE_TEXT] = "Le poste {kiosk} est configuré et le lot d’enrôlement effacé de la clé. Retirez la clé : le poste démarre.",
	[TXT_E_REFUSED_TITLE] = "Enrôlement refusé",
	[TXT_E_REFUSED_TEXT] = "Retirez la clé. Rien n’a été installé sur ce poste.",
	[TXT_I_TITLE] = "Poste non conforme : aucun vote possible",
	[TXT_I_TEXT] = "Des fichiers de ce poste diffèrent de ceux de l’image scellée. Appelez un membre du personnel : le poste doit être réinstallé.",
};

static int ready;

void strings_init(const char *localedir)
{
	const char *dir = getenv("ISOLOIR_LOCALEDIR");
	/* the catalogue is chosen by LANGUAGE, honoured unless the messages'
	 * locale is plain "C": English is the only one looked up */
	if (setlocale(LC_MESSAGES, "C.UTF-8") == NULL)
		setlocale(LC_MESSAGES, "");
	setenv("LANGUAGE", "en", 1);
	bindtextdomain(DOMAIN, dir != NULL ? dir : localedir);
	bind_textdomain_codeset(DOMAIN, "UTF-8");
	ready = 1;
}

/* t into buf with each "{key}" of args replaced by its value; cut at a
 * whole character when buf is short */
static void fill(const char *t, const struct tr_arg *args, size_t nargs, char *buf, size_t size)
{
	size_t k = 0;
	if (size == 0)
		return;
	while (*t != '\0') {
		size_t c = 1, i;
		const char *from = t, *value = NULL;
		for (i = 0; i < nargs && value == NULL; i++)
			if (strncmp(t, args[i].key, strlen(args[i].key)) == 0)
				value = args[i].value;
		if (value != NULL) {
			t += strlen(args[i - 1].key);
			/* the value whole, or cut at a whole character */
			for (const char *v = value; *v != '\0';) {
				unsigned char b = (unsigned char)*v;
				size_t want = b < 0x80 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
				if (strnlen(v, want) < want || k + want >= size) {
					buf[k] = '\0';
					return;
				}
				memcpy(buf + k, v, want);
				k += want;
				v += want;
			}
			continue;
		} else {
			unsigned char b = (unsigned char)*t;
			size_t want = b < 0x80 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
			while (c < want && t[c] != '\0')
				c++;
			t += c;
		}
		if (k + c >= size)
			break;
		memcpy(buf + k, from, c);
		k += c;
	}
	buf[k] = '\0';
}

void tr_args(enum iso_lang lang, enum msg m, const struct tr_arg *args, size_t nargs, char *buf,
	     size_t size)
{
	fill(tr(lang, m), args, nargs, buf, size);
}

void tr_n(enum iso_lang lang, enum msg m, long long n, char *buf, size_t size)
{
	tr_n_total(lang, m, n, 0, buf, size);
}

void tr_n_total(enum iso_lang lang, enum msg m, long long n, long long total, char *buf,
		size_t size)
{
	char a[24], b[24];
	const struct tr_arg args[] = {{"{n}", a}, {"{total}", b}};
	snprintf(a, sizeof a, "%lld", n);
	snprintf(b, sizeof b, "%lld", total);
	fill(tr(lang, m), args, 2, buf, size);
}

const char *tr(enum iso_lang lang, enum msg m)
{
	if ((unsigned)m >= TXT__COUNT || texts[m] == NULL)
		return "";
	if (lang != ISO_LANG_EN)
		return texts[m];
	if (!ready)
		strings_init(ISOLOIR_LOCALEDIR);
	return dgettext(DOMAIN, texts[m]);
}
