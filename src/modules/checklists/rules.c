/* rules.c — what a checklist template and an answer must be; no database. */
#include <stdio.h>
#include <string.h>

#include "checklists.h"

#define KEY_CHARS "abcdefghijklmnopqrstuvwxyz0123456789_-"

static size_t text_len(const char *s)
{
	return s ? utf8_len(s, strlen(s)) : 0;
}

/* A text in two languages: {"ja": "...", "en": "..."} (en may be empty). */
static void check_loc(json_t *parent, const char *name, const char *path, bool required, size_t max,
		      struct ferrors *fe)
{
	char field[160];
	json_t *o = json_object_get(parent, name);
	snprintf(field, sizeof(field), "%s.%s", path, name);
	if (!o && !required)
		return;
	if (!json_is_object(o)) {
		ferr_add(fe, field, o ? "invalid_type" : "required",
			 "Give the text as {\"ja\": ..., \"en\": ...}.");
		return;
	}
	const char *key;
	json_t *v;
	json_object_foreach(o, key, v)
	{
		if (strcmp(key, "ja") && strcmp(key, "en")) {
			ferr_add(fe, field, "unknown_field", "Only ja and en texts.");
			return;
		}
		const char *s = json_string_value(v);
		if (!s || !utf8_valid_text(s, json_string_length(v))) {
			ferr_add(fe, field, "invalid_type", "Texts must be valid text.");
			return;
		}
		if (text_len(s) > max) {
			ferr_add(fe, field, "too_long", "Too long.");
			return;
		}
	}
	const char *ja = json_string_value(json_object_get(o, "ja"));
	if (required && (!ja || !*ja))
		ferr_add(fe, field, "required", "The Japanese text is required.");
}

static bool key_valid(const char *k)
{
	size_t n = k ? strlen(k) : 0;
	return n >= 1 && n <= 40 && strspn(k, KEY_CHARS) == n;
}

static bool key_used(json_t *sections, const char *key)
{
	size_t s, i;
	json_t *sec, *it;
	json_array_foreach(sections, s, sec)
	{
		json_array_foreach(json_object_get(sec, "items"), i, it)
		{
			const char *k = json_string_value(json_object_get(it, "key"));
			if (k && !strcmp(k, key))
				return true;
		}
	}
	return false;
}

static bool only_fields(json_t *o, const char *const *names)
{
	const char *key;
	json_t *v;
	json_object_foreach(o, key, v)
	{
		bool known = false;
		for (const char *const *n = names; *n && !known; n++)
			known = !strcmp(*n, key);
		if (!known)
			return false;
	}
	return true;
}

int checklist_content_check(json_t *content, struct ferrors *fe)
{
	static const char *const top[] = { "sections", NULL };
	static const char *const sec_fields[] = { "title", "items", NULL };
	static const char *const item_fields[] = { "key", "statement", "why", "fix", NULL };
	json_t *sections = json_object_get(content, "sections");
	size_t s, i, count = 0;
	json_t *sec, *it;
	int errors = fe->list ? (int)json_array_size(fe->list) : 0;
	if (!json_is_object(content) || !only_fields(content, top) || !json_is_array(sections)) {
		ferr_add(fe, "content", "invalid_type", "Give {\"sections\": [...]}.");
		return 0;
	}
	if (json_array_size(sections) > CHECKLIST_MAX_SECTIONS) {
		ferr_add(fe, "content.sections", "too_long", "At most 30 sections.");
		return 0;
	}
	/* First the shapes and the given keys. */
	json_array_foreach(sections, s, sec)
	{
		char path[64];
		snprintf(path, sizeof(path), "content.sections[%zu]", s);
		json_t *items = json_object_get(sec, "items");
		if (!json_is_object(sec) || !only_fields(sec, sec_fields) ||
		    !json_is_array(items)) {
			ferr_add(fe, path, "invalid_type",
				 "A section is {\"title\", \"items\": [...]}.");
			continue;
		}
		check_loc(sec, "title", path, true, 200, fe);
		json_array_foreach(items, i, it)
		{
			char ipath[96];
			snprintf(ipath, sizeof(ipath), "%s.items[%zu]", path, i);
			if (++count > CHECKLIST_MAX_ITEMS) {
				ferr_add(fe, ipath, "too_long", "At most 200 items.");
				return 0;
			}
			if (!json_is_object(it) || !only_fields(it, item_fields)) {
				ferr_add(fe, ipath, "invalid_type",
					 "An item is {\"key\", \"statement\", \"why\", \"fix\"}.");
				continue;
			}
			check_loc(it, "statement", ipath, true, 500, fe);
			check_loc(it, "why", ipath, false, 2000, fe);
			check_loc(it, "fix", ipath, false, 2000, fe);
			json_t *k = json_object_get(it, "key");
			if (k && !json_is_null(k)) {
				char kpath[112];
				snprintf(kpath, sizeof(kpath), "%s.key", ipath);
				const char *key = json_string_value(k);
				bool dup = false;
				for (size_t s2 = 0; key && s2 <= s && !dup; s2++) {
					json_t *other = json_object_get(
						json_array_get(sections, s2), "items");
					size_t upto = s2 == s ? i : json_array_size(other);
					for (size_t i2 = 0; i2 < upto && !dup; i2++) {
						const char *ok = json_string_value(json_object_get(
							json_array_get(other, i2), "key"));
						dup = ok && !strcmp(ok, key);
					}
				}
				if (!key_valid(key))
					ferr_add(fe, kpath, "invalid_key",
						 "Keys are 1–40 of a-z, 0-9, _ and -.");
				else if (dup)
					ferr_add(fe, kpath, "taken", "Another item has this key.");
			}
		}
	}
	if ((fe->list ? (int)json_array_size(fe->list) : 0) > errors)
		return 0;
	/* Then keys for new items: the first free i<n>. */
	int next = 1;
	json_array_foreach(sections, s, sec)
	{
		json_array_foreach(json_object_get(sec, "items"), i, it)
		{
			json_t *k = json_object_get(it, "key");
			if (k && !json_is_null(k))
				continue;
			char key[24];
			do
				snprintf(key, sizeof(key), "i%d", next++);
			while (key_used(sections, key));
			json_object_set_new(it, "key", json_string(key));
		}
	}
	return (int)count;
}

void checklist_answers_check(json_t *content, json_t *answer, bool final, struct ferrors *fe)
{
	json_t *answers = json_object_get(answer, "answers");
	const char *key;
	json_t *v;
	if (!json_is_object(answer) || !json_is_object(answers) || json_object_size(answer) != 1) {
		ferr_add(fe, "answer", "invalid_type",
			 "Give {\"answers\": {key: {\"answer\", \"comment\"}}}.");
		return;
	}
	json_object_foreach(answers, key, v)
	{
		char field[96], cfield[112];
		snprintf(field, sizeof(field), "answers.%.40s", key);
		snprintf(cfield, sizeof(cfield), "%s.comment", field);
		if (!key_valid(key) || !key_used(json_object_get(content, "sections"), key)) {
			ferr_add(fe, field, "not_found",
				 "There is no such item in this checklist.");
			continue;
		}
		json_t *a = json_object_get(v, "answer"), *c = json_object_get(v, "comment");
		const char *val = json_string_value(a);
		static const char *const fields[] = { "answer", "comment", NULL };
		if (!json_is_object(v) || !only_fields(v, fields)) {
			ferr_add(fe, field, "invalid_type", "Give {\"answer\", \"comment\"}.");
			continue;
		}
		if (a && !json_is_null(a) &&
		    (!val || (strcmp(val, "yes") && strcmp(val, "no") && strcmp(val, "na"))))
			ferr_add(fe, field, "invalid_choice", "yes, no or na.");
		if (c && !json_is_null(c)) {
			const char *cs = json_string_value(c);
			if (!cs || !utf8_valid_text(cs, json_string_length(c)))
				ferr_add(fe, cfield, "invalid_type", "The comment must be text.");
			else if (text_len(cs) > 2000)
				ferr_add(fe, cfield, "too_long", "At most 2,000 characters.");
		}
	}
	if (!final || ferr_any(fe))
		return;
	size_t s, i;
	json_t *sec, *it;
	json_array_foreach(json_object_get(content, "sections"), s, sec)
	{
		json_array_foreach(json_object_get(sec, "items"), i, it)
		{
			const char *k = json_string_value(json_object_get(it, "key"));
			json_t *one = json_object_get(answers, k);
			const char *val = json_string_value(json_object_get(one, "answer"));
			const char *cs = json_string_value(json_object_get(one, "comment"));
			char field[96], cfield[112];
			snprintf(field, sizeof(field), "answers.%s", k);
			snprintf(cfield, sizeof(cfield), "%s.comment", field);
			if (!val)
				ferr_add(fe, field, "required", "Answer every item.");
			else if (!strcmp(val, "no") && (!cs || !*cs))
				ferr_add(fe, cfield, "required",
					 "Say what is not done, so it can be put right.");
		}
	}
}

int checklist_rate(int64_t yes, int64_t no)
{
	if (yes < 0 || no < 0 || yes + no == 0)
		return -1;
	return (int)(yes * 100 / (yes + no));
}
