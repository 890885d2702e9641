/* The servers' configuration files (see config.h). The parser takes any
 * bytes and never reads past len: it is fuzzed (tests/fuzz/fuzz_config.c). */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct config_entry {
	char *key, *value;
};

struct config {
	size_t n;
	struct config_entry e[CONFIG_MAX_ENTRIES];
};

void config_free(struct config *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->e[i].key);
		free(c->e[i].value);
	}
	free(c);
}

static bool is_key_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' ||
	       ch == '-';
}

/* Valid UTF-8 without control characters (tab allowed). */
static bool value_ok(const unsigned char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		unsigned char ch = s[i];
		size_t n;
		unsigned cp;
		if (ch < 0x80) {
			if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
				return false;
			i++;
			continue;
		}
		if ((ch & 0xe0) == 0xc0)
			n = 1, cp = ch & 0x1f;
		else if ((ch & 0xf0) == 0xe0)
			n = 2, cp = ch & 0x0f;
		else if ((ch & 0xf8) == 0xf0)
			n = 3, cp = ch & 0x07;
		else
			return false;
		for (size_t k = 1; k <= n; k++) {
			if (i + k >= len || (s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		/* overlong forms, surrogates, beyond U+10FFFF */
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return false;
		i += n + 1;
	}
	return true;
}

static void trim(const char **b, const char **e)
{
	while (*b < *e && (**b == ' ' || **b == '\t'))
		(*b)++;
	while (*e > *b && ((*e)[-1] == ' ' || (*e)[-1] == '\t' || (*e)[-1] == '\r'))
		(*e)--;
}

enum iso_err config_parse(const char *text, size_t len, struct config **ret, int *ret_line)
{
	struct config *c;
	const char *p = text, *end = text + len;
	int line = 0;
	if (len > CONFIG_MAX_SIZE) {
		*ret_line = 0;
		return ISO_E_CONFIG;
	}
	if ((c = calloc(1, sizeof *c)) == NULL)
		return ISO_E_NOMEM;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *lb = p, *le = eol != NULL ? eol : end, *eq, *kb, *ke, *vb, *ve;
		line++;
		p = eol != NULL ? eol + 1 : end;
		trim(&lb, &le);
		if (lb == le || *lb == '#')
			continue;
		eq = memchr(lb, '=', (size_t)(le - lb));
		if (eq == NULL || c->n == CONFIG_MAX_ENTRIES)
			goto bad;
		kb = lb, ke = eq, vb = eq + 1, ve = le;
		trim(&kb, &ke);
		trim(&vb, &ve);
		if (kb == ke || ke - kb > 64)
			goto bad;
		for (const char *k = kb; k < ke; k++)
			if (!is_key_char(*k))
				goto bad;
		if (!value_ok((const unsigned char *)vb, (size_t)(ve - vb)))
			goto bad;
		for (size_t i = 0; i < c->n; i++)
			if (strlen(c->e[i].key) == (size_t)(ke - kb) &&
			    memcmp(c->e[i].key, kb, (size_t)(ke - kb)) == 0)
				goto bad; /* a key twice: which one would win is a trap */
		c->e[c->n].key = strndup(kb, (size_t)(ke - kb));
		c->e[c->n].value = strndup(vb, (size_t)(ve - vb));
		if (c->e[c->n].key == NULL || c->e[c->n].value == NULL) {
			free(c->e[c->n].key);
			free(c->e[c->n].value);
			config_free(c);
			return ISO_E_NOMEM;
		}
		c->n++;
	}
	*ret = c;
	return ISO_OK;
bad:
	config_free(c);
	*ret_line = line;
	return ISO_E_CONFIG;
}

enum iso_err config_read(const char *path, struct config **ret, int *ret_line)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;
	enum iso_err err;
	*ret_line = 0;
	if (f == NULL)
		return ISO_E_IO;
	if ((buf = malloc(CONFIG_MAX_SIZE + 1)) == NULL) {
		fclose(f);
		return ISO_E_NOMEM;
	}
	n = fread(buf, 1, CONFIG_MAX_SIZE + 1, f);
	err = ferror(f) ? ISO_E_IO : config_parse(buf, n, ret, ret_line);
	fclose(f);
	free(buf);
	return err;
}

enum iso_err config_check_keys(const struct config *c, const char *const *allowed,
			       const char **ret_bad)
{
	for (size_t i = 0; i < c->n; i++) {
		size_t k = 0;
		while (allowed[k] != NULL && strcmp(allowed[k], c->e[i].key) != 0)
			k++;
		if (allowed[k] == NULL) {
			*ret_bad = c->e[i].key;
			return ISO_E_CONFIG;
		}
	}
	return ISO_OK;
}

const char *config_get(const struct config *c, const char *key)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->e[i].key, key) == 0)
			return c->e[i].value;
	return NULL;
}

enum iso_err config_get_string(const struct config *c, const char *key, const char **ret)
{
	const char *v = config_get(c, key);
	if (v == NULL || v[0] == '\0')
		return ISO_E_CONFIG;
	*ret = v;
	return ISO_OK;
}

static enum iso_err parse_int(const char *s, int64_t *ret)
{
	char *end;
	long long v;
	if (s[0] == '\0' || s[0] == '+' || s[0] == ' ')
		return ISO_E_CONFIG;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return ISO_E_CONFIG;
	*ret = v;
	return ISO_OK;
}

enum iso_err config_get_int(const struct config *c, const char *key, int64_t min, int64_t max,
			    int64_t def, int64_t *ret)
{
	const char *v = config_get(c, key);
	int64_t x;
	if (v == NULL) {
		*ret = def;
		return ISO_OK;
	}
	if (parse_int(v, &x) != ISO_OK || x < min || x > max)
		return ISO_E_CONFIG;
	*ret = x;
	return ISO_OK;
}

static bool digits(const char *s, int n, int *ret)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*ret = v;
	return true;
}

enum iso_err config_parse_time(const char *s, int64_t *ret)
{
	int offset;
	return config_parse_time_offset(s, ret, &offset);
}

enum iso_err config_parse_time_offset(const char *s, int64_t *ret, int *ret_offset)
{
	struct tm tm;
	int y, mo, d, h, mi, se;
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int oh = 0, om = 0, sign = 0;
	time_t t;
	size_t len = strlen(s);
	*ret_offset = 0;
	if (len != 20 && len != 25)
		return parse_int(s, ret) == ISO_OK && *ret >= 0 ? ISO_OK : ISO_E_CONFIG;
	if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
	    !digits(s + 8, 2, &d) || s[10] != 'T' || !digits(s + 11, 2, &h) || s[13] != ':' ||
	    !digits(s + 14, 2, &mi) || s[16] != ':' || !digits(s + 17, 2, &se))
		return ISO_E_CONFIG;
	/* Z, or the offset from UTC of the local time written: +01:00 */
	if (len == 20 && s[19] != 'Z')
		return ISO_E_CONFIG;
	if (len == 25) {
		sign = s[19] == '+' ? 1 : s[19] == '-' ? -1 : 0;
		if (sign == 0 || !digits(s + 20, 2, &oh) || s[22] != ':' || !digits(s + 23, 2, &om) ||
		    oh > 23 || om > 59)
			return ISO_E_CONFIG;
	}
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 ||
	    se > 59 || (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)))
		return ISO_E_CONFIG;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	t = timegm(&tm);
	if (t == (time_t)-1)
		return ISO_E_CONFIG;
	*ret_offset = sign * (oh * 3600 + om * 60);
	*ret = (int64_t)t - *ret_offset;
	return ISO_OK;
}

enum iso_err config_get_time(const struct config *c, const char *key, int64_t def, int64_t *ret)
{
	const char *v = config_get(c, key);
	if (v == NULL) {
		*ret = def;
		return ISO_OK;
	}
	return config_parse_time(v, ret);
}
