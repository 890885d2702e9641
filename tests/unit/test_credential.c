/* Credentials: the known answer of ../shared/docs/belenios-2.0-notes.md
 * (checked there against belenios-tool), checksums catching typos, and
 * generated credentials always parsing back. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "credential.h"
#include "number.h"

int main(void)
{
	const struct iso_group *grp = iso_group_by_name("BELENIOS-2048");
	BN_CTX *ctx = BN_CTX_new();
	BIGNUM *s = BN_new(), *C = BN_new(), *want = NULL;
	char out[ISO_CREDENTIAL_LEN + 1];

	/* known answer: uuid ZvzGy9a8Po4aUM, credential Nhh-BDW-9xA-wnr-wob */
	CHECK_ERR(iso_credential_parse("Nhh-BDW-9xA-wnr-wob", 19, out), ISO_OK);
	CHECK(strcmp(out, "Nhh-BDW-9xA-wnr-wob") == 0);
	CHECK_ERR(iso_credential_parse("NhhBDW9xAwnrwob", 15, out), ISO_OK);
	CHECK(strcmp(out, "Nhh-BDW-9xA-wnr-wob") == 0);
	CHECK_ERR(iso_credential_derive(grp, "ZvzGy9a8Po4aUM", out, s, C, ctx), ISO_OK);
	CHECK_ERR(iso_bn_from_dec(&want, "24179041274035203477904577961730857505298877414444729379919209242567240972081"), ISO_OK);
	CHECK(BN_cmp(s, want) == 0);
	{
		/* the public credential, as `belenios-tool setup generate-credentials
		 * --uuid ZvzGy9a8Po4aUM --derive Nhh-BDW-9xA-wnr-wob` prints it */
		static const char want_C[] =
			"3948025110201817322165582108322392550777427442924759955876813925398468"
			"6222734771056888144224452319373202324560133001689996045400053536850677"
			"6139008439693893588279924419270049065824544792077302767462878300389841"
			"0073436461716691686916322053284946038294977754783132583328418286927601"
			"2030949487796491488716039661880735281761100055868819997300950055690560"
			"7625186380148626830199173925921205662453138302837966698657880830324446"
			"6195618836738749858495088401429893332543194400460135057763442921978684"
			"1603307028528307821781958846822243184256133830345399894963112009351563"
			"84574419813672391815182232574205089485251096215934721011";
		char *cd = iso_bn_to_dec(C);
		CHECK(cd != NULL && strcmp(cd, want_C) == 0);
		free(cd);
	}

	/* a typo in any position is caught by the checksum or the alphabet */
	{
		static const char alphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
		int caught = 0, tries = 0;
		for (int pos = 0; pos < 19; pos++) {
			char typo[20];
			if (pos % 4 == 3)
				continue;
			for (const char *a = alphabet; *a; a++) {
				memcpy(typo, "Nhh-BDW-9xA-wnr-wob", 20);
				if (typo[pos] == *a)
					continue;
				typo[pos] = *a;
				tries++;
				caught += iso_credential_parse(typo, 19, out) == ISO_E_CREDENTIAL_CHECKSUM;
			}
		}
		/* mod 53 catches every substitution but those equal mod 53 */
		CHECK(caught * 100 >= tries * 95);
	}
	CHECK_ERR(iso_credential_parse("Nhh-BDW-9xA-wnr-woc", 19, out), ISO_E_CREDENTIAL_CHECKSUM);
	CHECK_ERR(iso_credential_parse("Nhh-BDW-9xA-wnr-wo0", 19, out), ISO_E_CREDENTIAL_FORMAT);
	CHECK_ERR(iso_credential_parse("Nhh-BDW-9xA-wnr", 15, out), ISO_E_CREDENTIAL_FORMAT);
	CHECK_ERR(iso_credential_parse("Nhh_BDW-9xA-wnr-wob", 19, out), ISO_E_CREDENTIAL_FORMAT);
	CHECK_ERR(iso_credential_parse("", 0, out), ISO_E_CREDENTIAL_FORMAT);
	CHECK_ERR(iso_credential_parse("  Nhh-BDW-9xA-wnr-wob\n", 22, out), ISO_OK);

	for (int i = 0; i < 200; i++) {
		char gen[ISO_CREDENTIAL_LEN + 1];
		CHECK_ERR(iso_credential_generate(gen), ISO_OK);
		CHECK(strlen(gen) == 19 && gen[3] == '-' && gen[7] == '-');
		CHECK_ERR(iso_credential_parse(gen, 19, out), ISO_OK);
		CHECK(strcmp(gen, out) == 0);
	}
	/* the registry verifier: a known answer (python3 hashlib.pbkdf2_hmac
	 * over the same label, NUL and identifier), bound to the identifier */
	{
		char v[ISO_B64_HASH_LEN + 1];
		CHECK_ERR(iso_registry_verifier("jeanne.martin", "Nhh-BDW-9xA-wnr-wob", v), ISO_OK);
		CHECK(strcmp(v, "Eft0dTn50RU3AweaLJAwWXtTpqyXk1u1EDJ0Wc481HY") == 0);
		CHECK_ERR(iso_registry_verifier("jeanne.martim", "Nhh-BDW-9xA-wnr-wob", v), ISO_OK);
		CHECK(strcmp(v, "48iaT08ZnWGtztU4k26ETvZrQJD1uc/U6MTjBG5L1q4") == 0);
	}
	BN_free(s);
	BN_free(C);
	BN_free(want);
	BN_CTX_free(ctx);
	return check_status();
}
