/* test_checklists.c — what a checklist template and an answer must be, and the conformance
 * rate. */
#include <string.h>

#include "unit.h"
#include "modules/checklists/checklists.h"

static json_t *parse(const char *s)
{
	json_error_t e;
	json_t *j = json_loads(s, 0, &e);
	assert_non_null(j);
	return j;
}

static bool has(struct ferrors *fe, const char *field, const char *code)
{
	size_t i;
	json_t *e;
	json_array_foreach(fe->list, i, e)
	{
		if (!strcmp(json_string_value(json_object_get(e, "field")), field) &&
		    !strcmp(json_string_value(json_object_get(e, "code")), code))
			return true;
	}
	return false;
}

static const char content[] = "{\"sections\":[{\"title\":{\"ja\":\"画面\"},\"items\":["
			      "{\"key\":\"lock\",\"statement\":{\"ja\":\"ロックする\"}},"
			      "{\"statement\":{\"ja\":\"見えない\",\"en\":\"not seen\"}},"
			      "{\"key\":\"i1\",\"statement\":{\"ja\":\"既にi1\"}},"
			      "{\"statement\":{\"ja\":\"四つ目\"},\"why\":{\"ja\":\"理由\"},"
			      "\"fix\":{\"en\":\"fix\"}}]}]}";

static void keys_are_given_and_never_clash(void **state)
{
	(void)state;
	struct ferrors fe = FERRORS_INIT;
	json_t *c = parse(content);
	assert_int_equal(checklist_content_check(c, &fe), 4);
	assert_false(ferr_any(&fe));
	json_t *items = json_object_get(json_array_get(json_object_get(c, "sections"), 0), "items");
	const char *k[4];
	for (size_t i = 0; i < 4; i++)
		k[i] = json_string_value(json_object_get(json_array_get(items, i), "key"));
	assert_string_equal(k[0], "lock");
	assert_string_equal(k[2], "i1");
	/* i1 is taken: the new items get i2 and i3. */
	assert_string_equal(k[1], "i2");
	assert_string_equal(k[3], "i3");
	json_decref(c);
}

static void bad_content_names_each_place(void **state)
{
	(void)state;
	struct ferrors fe = FERRORS_INIT;
	json_t *c = parse("{\"sections\":[{\"title\":{\"ja\":\"\"},\"items\":["
			  "{\"key\":\"Bad\",\"statement\":{\"ja\":\"a\"}},"
			  "{\"key\":\"dup\",\"statement\":{\"ja\":\"b\"}},"
			  "{\"key\":\"dup\",\"statement\":{\"ja\":\"c\"}},"
			  "{\"statement\":{\"en\":\"no ja\"}},"
			  "{\"statement\":{\"ja\":\"x\",\"fr\":\"non\"}},"
			  "{\"statement\":{\"ja\":\"x\"},\"extra\":1}]}]}");
	assert_int_equal(checklist_content_check(c, &fe), 0);
	assert_true(has(&fe, "content.sections[0].title", "required"));
	assert_true(has(&fe, "content.sections[0].items[0].key", "invalid_key"));
	assert_true(has(&fe, "content.sections[0].items[2].key", "taken"));
	assert_false(has(&fe, "content.sections[0].items[1].key", "taken"));
	assert_true(has(&fe, "content.sections[0].items[3].statement", "required"));
	assert_true(has(&fe, "content.sections[0].items[4].statement", "unknown_field"));
	assert_true(has(&fe, "content.sections[0].items[5]", "invalid_type"));
	/* Nothing was filled in while it was invalid. */
	json_t *items = json_object_get(json_array_get(json_object_get(c, "sections"), 0), "items");
	assert_null(json_object_get(json_array_get(items, 3), "key"));
	ferr_release(&fe);
	json_decref(c);
	c = parse("[]");
	assert_int_equal(checklist_content_check(c, &fe), 0);
	assert_true(has(&fe, "content", "invalid_type"));
	ferr_release(&fe);
	json_decref(c);
}

static void final_answers_cover_everything_and_explain_no(void **state)
{
	(void)state;
	struct ferrors fe = FERRORS_INIT;
	json_t *c = parse(content);
	checklist_content_check(c, &fe);
	/* A draft may be partial. */
	json_t *a = parse("{\"answers\":{\"lock\":{\"answer\":\"no\"}}}");
	checklist_answers_check(c, a, false, &fe);
	assert_false(ferr_any(&fe));
	/* Final: every item, and a comment on the no. */
	checklist_answers_check(c, a, true, &fe);
	assert_true(has(&fe, "answers.lock.comment", "required"));
	assert_true(has(&fe, "answers.i2", "required"));
	assert_true(has(&fe, "answers.i3", "required"));
	ferr_release(&fe);
	json_decref(a);
	a = parse("{\"answers\":{\"lock\":{\"answer\":\"no\",\"comment\":\"忘れた\"},"
		  "\"i1\":{\"answer\":\"yes\"},\"i2\":{\"answer\":\"na\"},\"i3\":{\"answer\":"
		  "\"yes\"}}}");
	checklist_answers_check(c, a, true, &fe);
	assert_false(ferr_any(&fe));
	json_decref(a);
	/* Unknown keys, wrong values, extra members. */
	a = parse("{\"answers\":{\"nope\":{\"answer\":\"yes\"},\"lock\":{\"answer\":\"maybe\"},"
		  "\"i1\":{\"answer\":\"yes\",\"x\":1}},\"more\":1}");
	checklist_answers_check(c, a, false, &fe);
	assert_true(has(&fe, "answer", "invalid_type"));
	ferr_release(&fe);
	json_decref(a);
	a = parse("{\"answers\":{\"nope\":{\"answer\":\"yes\"},\"lock\":{\"answer\":\"maybe\"},"
		  "\"i1\":{\"answer\":\"yes\",\"x\":1}}}");
	checklist_answers_check(c, a, false, &fe);
	assert_true(has(&fe, "answers.nope", "not_found"));
	assert_true(has(&fe, "answers.lock", "invalid_choice"));
	assert_true(has(&fe, "answers.i1", "invalid_type"));
	ferr_release(&fe);
	json_decref(a);
	json_decref(c);
}

static void rate_counts_yes_over_yes_and_no(void **state)
{
	(void)state;
	assert_int_equal(checklist_rate(2, 1), 66);
	assert_int_equal(checklist_rate(1, 0), 100);
	assert_int_equal(checklist_rate(0, 3), 0);
	assert_int_equal(checklist_rate(0, 0), -1);
	assert_int_equal(checklist_rate(199, 1), 99);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keys_are_given_and_never_clash),
		cmocka_unit_test(bad_content_names_each_place),
		cmocka_unit_test(final_answers_cover_everything_and_explain_no),
		cmocka_unit_test(rate_counts_yes_over_yes_and_no),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
