/* test_workflow.c — the engine on a real (SQLite) database: a declared workflow's moves (who,
 * guards, the second-person rule, invalid moves listing the allowed ones, stale versions, the
 * timeline and audit), approver resolution (the manager, one step up for a manager asking, the
 * department's deputy, delegation, the fallback), campaign cycles, and tasks' order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "unit_db.h"
#include "lib/timeutil.h"
#include "workflow/approval.h"
#include "workflow/campaign.h"
#include "workflow/tasks.h"
#include "workflow/workflow.h"

static char dir[] = "/tmp/mamori-test-workflow.XXXXXX";
static struct db *db;
static const struct actor sys = { 0, NULL, "test" };

static int64_t add_user(const char *login, int64_t manager, int64_t department)
{
	int64_t id;
	assert_int_equal(
		db_insert(db, &id,
			  "INSERT INTO users (login, login_key, name, password_hash, "
			  "manager_id, department_id, created_at, updated_at) VALUES (?, ?, "
			  "?, 'x', ?, ?, 0, 0) RETURNING id",
			  P(V_TEXT(login), V_TEXT(login), V_TEXT(login), V_ID(manager),
			    V_ID(department))),
		0);
	return id;
}

static int64_t scalar(const char *sql, int64_t id)
{
	int64_t v = -1;
	bool found;
	assert_int_equal(db_query_int(db, &v, &found, sql, P(V_INT(id))), 0);
	return found ? v : -1;
}

/* A small record to move: draft → sent → done, done only by a second person. */
static int guard_calls;
static int needs_reason_text(struct wf_ctx *c)
{
	guard_calls++;
	if (!json_is_string(json_object_get(c->in, "why")))
		ferr_add(c->fe, "why", "required", "Say why.");
	return 0;
}

static const struct wf_transition moves[] = {
	{ "draft", "sent", WF_REQUESTER },
	{ "sent", "done", WF_PERM, "things.check", .not_by = WF_REQUESTER, .self_field = "to",
	  .self_code = "own_thing", .guard = needs_reason_text },
	{ "sent", "draft", WF_MANAGER, .flags = WF_COMMENT_REQUIRED },
	{ 0 },
};

static const struct workflow things = {
	.type = "thing",
	.table = "things",
	.requester_col = "owner_id",
	.transitions = moves,
	.event = "thing.transition",
};

static int setup(void **state)
{
	(void)state;
	db = unit_db_open(dir, 9); /* every move appends audit events */
	assert_int_equal(
		db_exec(db,
			"CREATE TABLE things (id INTEGER PRIMARY KEY, owner_id BIGINT, status "
			"TEXT NOT NULL DEFAULT 'draft', version BIGINT NOT NULL DEFAULT 1, "
			"updated_at BIGINT NOT NULL DEFAULT 0)",
			P0),
		0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unit_db_remove(db, dir);
	return 0;
}

static void moves_checked_as_declared(void **state)
{
	(void)state;
	int64_t boss = add_user("t_boss", 0, 0), owner = add_user("t_owner", boss, 0);
	int64_t other = add_user("t_other", 0, 0), id;
	assert_int_equal(db_insert(db, &id, "INSERT INTO things (owner_id) VALUES (?) RETURNING id",
				   P(V_INT(owner))),
			 0);
	static const char *const checker[] = { "things.check", NULL };
	struct actor a_owner = { owner, "t_owner", "t" }, a_other = { other, "t_other", "t" };
	struct actor a_boss = { boss, "t_boss", "t" };
	struct wf_actor by_owner = { &a_owner, checker, false },
			by_other = { &a_other, NULL, false };
	struct wf_actor by_boss = { &a_boss, NULL, false },
			by_checker = { &a_other, checker, false };
	struct ferrors fe = FERRORS_INIT;

	/* Someone else may not send it: 403 with the workflow's code. */
	struct wf_request send = { .to = "sent", .version = 1 };
	assert_int_equal(wf_move(NULL, db, &things, &by_other, id, &send, &fe), ST_FORBIDDEN);
	assert_string_equal(fe.code, "not_allowed");
	ferr_release(&fe);
	/* A move that does not exist is refused with what is allowed. */
	struct wf_request jump = { .to = "done", .version = 1 };
	assert_int_equal(wf_move(NULL, db, &things, &by_owner, id, &jump, &fe), ST_INVALID);
	assert_true(ferr_has(&fe, "to"));
	json_t *allowed = json_object_get(fe.extra, "allowed");
	assert_int_equal(json_array_size(allowed), 1);
	assert_string_equal(json_string_value(json_array_get(allowed, 0)), "sent");
	ferr_release(&fe);
	/* The owner sends it; a stale version afterwards is a conflict. */
	assert_int_equal(wf_move(NULL, db, &things, &by_owner, id, &send, &fe), ST_OK);
	assert_int_equal(scalar("SELECT version FROM things WHERE id = ?", id), 2);
	assert_int_equal(wf_move(NULL, db, &things, &by_owner, id, &send, &fe), ST_CONFLICT);
	/* Done needs a second person: the owner holds the permission but asked for it. */
	json_t *in = json_pack("{s:s}", "why", "checked");
	struct wf_request done = { .to = "done", .version = 2, .in = in };
	assert_int_equal(wf_move(NULL, db, &things, &by_owner, id, &done, &fe), ST_INVALID);
	assert_true(ferr_has(&fe, "to"));
	ferr_release(&fe);
	/* The guard's field errors refuse the move and nothing changes. */
	struct wf_request done_no_why = { .to = "done", .version = 2 };
	guard_calls = 0;
	assert_int_equal(wf_move(NULL, db, &things, &by_checker, id, &done_no_why, &fe),
			 ST_INVALID);
	assert_int_equal(guard_calls, 1);
	assert_true(ferr_has(&fe, "why"));
	ferr_release(&fe);
	assert_int_equal(scalar("SELECT version FROM things WHERE id = ?", id), 2);
	/* The requester's manager sends it back, with a reason. */
	struct wf_request back = { .to = "draft", .version = 2 };
	assert_int_equal(wf_move(NULL, db, &things, &by_boss, id, &back, &fe), ST_INVALID);
	assert_true(ferr_has(&fe, "comment"));
	ferr_release(&fe);
	back.comment = "more detail please";
	assert_int_equal(wf_move(NULL, db, &things, &by_boss, id, &back, &fe), ST_OK);
	/* What each may do now. */
	json_t *m = wf_allowed_states(db, &things, &by_owner, id, NULL);
	assert_int_equal(json_array_size(m), 1);
	json_decref(m);
	m = wf_allowed_states(db, &things, &by_other, id, NULL);
	assert_int_equal(json_array_size(m), 0);
	json_decref(m);
	/* Every move left a timeline entry and an audit event. */
	assert_int_equal(scalar("SELECT COUNT(*) FROM timeline_events WHERE record_type = 'thing' "
				"AND record_id = ?",
				id),
			 2);
	assert_int_equal(scalar("SELECT COUNT(*) FROM audit_events WHERE action = "
				"'thing.transition' AND object_id = ?",
				id),
			 2);
	json_t *tl = wf_timeline(db, "thing", id, true, NULL, NULL);
	assert_string_equal(json_string_value(json_object_get(json_array_get(tl, 1), "body")),
			    "more detail please");
	json_decref(tl);
	json_decref(in);
}

static enum status hear(struct app *app, struct db *d, const struct actor *who, int64_t record_id,
			const char *outcome, const char *comment, struct ferrors *fe)
{
	(void)app, (void)who, (void)comment, (void)fe;
	return db_exec(d, "UPDATE things SET status = ? WHERE id = ?",
		       P(V_TEXT(outcome), V_INT(record_id)))
		       ? ST_DB
		       : ST_OK;
}

static const struct approval_kind thing_kind = { "thing", "物", "Thing", "/things/", hear };

static const struct approval_kind *kind_of(const char *type)
{
	return strcmp(type, "thing") ? NULL : &thing_kind;
}

static int64_t ask(int64_t requester, const struct approval_step_spec *steps, size_t n)
{
	int64_t thing, approval;
	struct ferrors fe = FERRORS_INIT;
	assert_int_equal(
		db_insert(db, &thing,
			  "INSERT INTO things (owner_id, status) VALUES (?, 'sent') RETURNING id",
			  P(V_INT(requester))),
		0);
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(approval_open_tx(db, &sys, &thing_kind, thing, requester, "t", steps, n,
					  NULL, &approval, &fe),
			 ST_OK);
	assert_int_equal(db_commit(db), 0);
	return approval;
}

static int64_t approver(int64_t approval)
{
	return scalar("SELECT COALESCE(s.approver_id, 0) FROM approvals a JOIN approval_steps s ON "
		      "s.approval_id = a.id AND s.position = a.current_step WHERE a.id = ?",
		      approval);
}

static void approvers_resolved(void **state)
{
	(void)state;
	int64_t dept;
	assert_int_equal(db_insert(db, &dept,
				   "INSERT INTO departments (name, created_at, updated_at) VALUES "
				   "('営業', 0, 0) RETURNING id",
				   P0),
			 0);
	int64_t head = add_user("a_head", 0, 0), mgr = add_user("a_mgr", head, dept);
	int64_t deputy = add_user("a_deputy", head, dept), emp = add_user("a_emp", 0, dept);
	int64_t lone = add_user("a_lone", 0, 0);
	assert_int_equal(
		db_exec(db, "UPDATE departments SET manager_id = ?, deputy_id = ? WHERE id = ?",
			P(V_INT(mgr), V_INT(deputy), V_INT(dept))),
		0);
	static const struct approval_step_spec by_manager[] = { { APPROVER_MANAGER, NULL, 0 } };
	/* Without a manager of their own, the department's manager decides. */
	int64_t a = ask(emp, by_manager, 1);
	assert_int_equal(approver(a), mgr);
	/* The manager asking goes one step up (their own manager). */
	assert_int_equal(approver(ask(mgr, by_manager, 1)), head);
	/* Nobody above: the step falls to the holders of approvals.manage. */
	int64_t orphan = ask(lone, by_manager, 1);
	assert_int_equal(approver(orphan), 0);
	assert_int_equal(scalar("SELECT COUNT(*) FROM approval_steps WHERE approval_id = ? AND "
				"permission = 'approvals.manage'",
				orphan),
			 1);
	bool may;
	/* The approver, the department's deputy and a delegate may decide; others and the
	 * requester may not. */
	assert_int_equal(approval_may_decide(db, a, mgr, NULL, &may), 0);
	assert_true(may);
	assert_int_equal(approval_may_decide(db, a, deputy, NULL, &may), 0);
	assert_true(may);
	assert_int_equal(approval_may_decide(db, a, emp, NULL, &may), 0);
	assert_false(may);
	assert_int_equal(approval_may_decide(db, a, lone, NULL, &may), 0);
	assert_false(may);
	char today[11], later[11];
	tz_today(today);
	date_add(today, 3, later);
	assert_int_equal(
		db_exec(db,
			"INSERT INTO delegations (user_id, delegate_id, starts_on, ends_on, "
			"created_at) VALUES (?, ?, ?, ?, 0)",
			P(V_INT(mgr), V_INT(lone), V_TEXT(today), V_TEXT(later))),
		0);
	assert_int_equal(approval_may_decide(db, a, lone, NULL, &may), 0);
	assert_true(may);
	/* The delegate decides on behalf of the manager; the record hears the outcome. */
	struct actor a_lone = { lone, "a_lone", "t" };
	struct wf_actor by = { &a_lone, NULL, false };
	struct ferrors fe = FERRORS_INIT;
	int64_t version = scalar("SELECT version FROM approvals WHERE id = ?", a);
	assert_int_equal(approval_decide(NULL, db, &by, a, "reject", NULL, version, kind_of, &fe),
			 ST_INVALID); /* a reason is required */
	ferr_release(&fe);
	assert_int_equal(approval_decide(NULL, db, &by, a, "approve", NULL, version, kind_of, &fe),
			 ST_OK);
	assert_int_equal(scalar("SELECT on_behalf_of FROM approval_steps WHERE approval_id = ?", a),
			 mgr);
	assert_int_equal(scalar("SELECT COUNT(*) FROM things t JOIN approvals a ON a.record_id = "
				"t.id WHERE a.id = ? AND t.status = 'approved'",
				a),
			 1);
	/* Decided: a second decision is refused. */
	assert_int_equal(
		approval_decide(NULL, db, &by, a, "approve", NULL, version + 1, kind_of, &fe),
		ST_INVALID);
	ferr_release(&fe);
	/* Two steps: the first approval moves to the second, the record hears nothing yet. */
	static const struct approval_step_spec two[] = { { APPROVER_MANAGER, NULL, 0 },
							 { APPROVER_USER, NULL, 0 } };
	struct approval_step_spec chain[2] = { two[0], two[1] };
	chain[1].user_id = head;
	int64_t b = ask(emp, chain, 2);
	struct actor a_mgr = { mgr, "a_mgr", "t" };
	struct wf_actor by_mgr = { &a_mgr, NULL, false };
	assert_int_equal(approval_decide(NULL, db, &by_mgr, b, "approve", NULL,
					 scalar("SELECT version FROM approvals WHERE id = ?", b),
					 kind_of, &fe),
			 ST_OK);
	assert_int_equal(approver(b), head);
	assert_int_equal(
		scalar("SELECT COUNT(*) FROM approvals WHERE id = ? AND status = 'pending'", b), 1);
}

static void escalation_counts_working_days(void **state)
{
	(void)state;
	int64_t top = add_user("e_top", 0, 0), boss = add_user("e_boss", top, 0);
	int64_t emp = add_user("e_emp", boss, 0);
	static const struct approval_step_spec by_manager[] = { { APPROVER_MANAGER, NULL, 0 } };
	int64_t a = ask(emp, by_manager, 1);
	struct workcal cal = { true };
	/* Activated just now: not escalated. */
	assert_int_equal(approvals_escalate(db, 3, &cal), 0);
	assert_int_equal(approver(a), boss);
	/* Activated ten calendar days ago (at least five working days): escalated once. */
	assert_int_equal(
		db_exec(db,
			"UPDATE approval_steps SET activated_at = activated_at - 864000 WHERE "
			"approval_id = ?",
			P(V_INT(a))),
		0);
	assert_int_equal(approvals_escalate(db, 3, &cal), 1);
	assert_int_equal(approver(a), top);
	assert_int_equal(
		scalar("SELECT escalated_from FROM approval_steps WHERE approval_id = ?", a), boss);
	/* 0 days: escalation is off. */
	assert_int_equal(approvals_escalate(db, 0, &cal), 0);
}

static void campaign_cycles(void **state)
{
	(void)state;
	char s[11], d[11];
	assert_int_equal(campaign_cycle("2026-04-01", "2026-04-30", "once", "2026-03-31", s, d), 1);
	assert_int_equal(campaign_cycle("2026-04-01", "2026-04-30", "once", "2027-06-01", s, d), 0);
	assert_string_equal(s, "2026-04-01");
	/* Monthly: the cycle of the month, due dates moved with it (clamped to month ends). */
	assert_int_equal(campaign_cycle("2026-01-31", "2026-02-10", "monthly", "2026-03-15", s, d),
			 0);
	assert_string_equal(s, "2026-02-28");
	assert_string_equal(d, "2026-03-10");
	assert_int_equal(campaign_cycle("2026-01-31", "2026-02-10", "monthly", "2026-03-31", s, d),
			 0);
	assert_string_equal(s, "2026-03-31");
	/* Yearly. */
	assert_int_equal(campaign_cycle("2025-04-01", "2025-06-30", "yearly", "2027-03-31", s, d),
			 0);
	assert_string_equal(s, "2026-04-01");
	assert_string_equal(d, "2026-06-30");
	assert_int_equal(campaign_cycle("2025-04-01", "2025-06-30", "weekly", "2027-03-31", s, d),
			 -1);
}

static void tasks_sorted(void **state)
{
	(void)state;
	json_t *t = json_array();
	task_add(t, "b", "b:1", "x", NULL, NULL, false, NULL, NULL);
	task_add(t, "a", "a:2", "y", NULL, "2026-12-10", false, NULL, NULL);
	task_add(t, "c", "c:1", "z", NULL, "2026-12-01", true, NULL, NULL);
	task_add(t, "a", "a:1", "w", NULL, "2026-12-10", false, NULL, NULL);
	tasks_sort(t);
	const char *want[] = { "c:1", "a:1", "a:2", "b:1" };
	for (size_t i = 0; i < 4; i++)
		assert_string_equal(json_string_value(json_object_get(json_array_get(t, i), "key")),
				    want[i]);
	json_decref(t);
}

int main(void)
{
	tz_set("Asia/Tokyo");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(moves_checked_as_declared),
		cmocka_unit_test(approvers_resolved),
		cmocka_unit_test(escalation_counts_working_days),
		cmocka_unit_test(campaign_cycles),
		cmocka_unit_test(tasks_sorted),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
