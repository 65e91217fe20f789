"""The workflow engine through its first users: account requests approved by the requester's
manager and carried out by an administrator; approvals (nobody approves their own request, a
manager asking goes one step up, delegation, deputies, escalation on working days, exactly one
of two concurrent decisions wins, stale versions); access reviews as campaigns (items per
manager, answers, revocations on closing, export, escalation); offboarding; /me/tasks; the
working-day calendar; and the declared transitions of incidents and actions (allowed moves
listed, exactly one of two concurrent moves wins)."""
import csv
import io
import threading
from datetime import timedelta

from harness import API, ServerTestCase, org_today


def day(n=0):
    return (org_today() + timedelta(days=n)).isoformat()


def at_once(calls):
    """Runs the callables at the same moment and returns their answers."""
    out = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def run(i):
        start.wait()
        out[i] = calls[i]()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


class WorkflowTest(ServerTestCase):
    threads = 4

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        srv, admin = cls.srv, cls.srv.admin.client
        cls.head = srv.create_user("wf_head", roles=["manager"], name="本部長 一郎")
        cls.mgr = srv.create_user("wf_mgr", roles=["manager"], name="課長 花子",
                                  manager_id=cls.head.id)
        cls.deputy = srv.create_user("wf_deputy", roles=["manager"], name="代理 次郎",
                                     manager_id=cls.head.id)
        r = admin.post(API + "/departments", {"name": "営業部", "manager_id": cls.mgr.id,
                                              "deputy_id": cls.deputy.id})
        assert r.status == 201, r
        cls.dept = r.json["id"]
        for u in (cls.mgr, cls.deputy):
            v = admin.get(API + "/users/%d" % u.id).json["version"]
            admin.patch(API + "/users/%d" % u.id, {"version": v, "department_id": cls.dept})
        cls.emp = srv.create_user("wf_emp", name="営業 三郎", department_id=cls.dept,
                                  manager_id=cls.mgr.id)
        cls.officer = srv.create_user("wf_officer", roles=["officer"], name="事務局 四郎")
        cls.auditor = srv.create_user("wf_auditor", roles=["auditor"])

    # helpers ----------------------------------------------------------------------------------

    def new_request(self, who=None, **fields):
        body = {"kind": "new", "login": fields.pop("login", "wf_new_%d" % id(fields)),
                "name": "新人 五郎", "department_id": self.dept, "employment_type": "part_time",
                "roles": ["employee"], "purpose": "営業事務のため", "valid_until": day(180)}
        body.update(fields)
        r = (who or self.mgr).client.post(API + "/account-requests", body)
        self.assertEqual(r.status, 201, r)
        return r.json

    def move(self, who, req, to, comment=None):
        body = {"version": req["version"], "to": to}
        if comment:
            body["comment"] = comment
        return who.client.post(API + "/account-requests/%d/transition" % req["id"], body)

    def decide(self, who, approval, decision, comment=None, version=None):
        body = {"version": version or approval["version"], "decision": decision}
        if comment:
            body["comment"] = comment
        return who.client.post(API + "/approvals/%d/decision" % approval["id"], body)

    def tasks(self, who):
        r = who.client.get(API + "/me/tasks")
        self.assertEqual(r.status, 200, r)
        return r.json["items"]

    def submitted(self, who=None, **fields):
        req = self.new_request(who, **fields)
        r = self.move(who or self.mgr, req, "submitted")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["status"], "submitted")
        return r.json

    # account requests and approvals ----------------------------------------------------------

    def test_account_request_end_to_end(self):
        req = self.submitted(login="wf_newcomer")
        a = req["approval"]
        self.assertEqual((a["status"], a["steps"][0]["kind"]), ("pending", "manager"))
        # The manager asked: it goes one step up, to their own manager.
        self.assertEqual(a["steps"][0]["approver"]["id"], self.head.id)
        self.assertFalse(a["can_decide"])
        self.assertTrue(a["can_withdraw"])
        # It waits for the head: in the approvals inbox and on the home page.
        inbox = self.head.client.get(API + "/approvals?box=waiting").json["items"]
        self.assertIn(a["id"], [x["id"] for x in inbox])
        self.assertIn("approval:%d" % a["id"], [t["key"] for t in self.tasks(self.head)])
        self.assertNotIn(a["id"], [x["id"] for x in
                                  self.emp.client.get(API + "/approvals?box=waiting").json["items"]])
        # Nobody approves their own request.
        self.assertProblem(self.decide(self.mgr, a, "approve"), 403, "own_request")
        # Someone else it does not wait for: refused, and they cannot even see it.
        self.assertProblem(self.decide(self.emp, a, "approve"), 404)
        # Rejecting needs a reason.
        self.assertFieldError(self.decide(self.head, a, "reject"), "comment", "required")
        r = self.decide(self.head, a, "approve", "確認しました")
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json["status"], r.json["steps"][0]["decided_by"]["id"]),
                         ("approved", self.head.id))
        req = self.mgr.client.get(API + "/account-requests/%d" % req["id"]).json
        self.assertEqual(req["status"], "approved")
        self.assertEqual([e["kind"] for e in req["timeline"]],
                         ["created", "approval_requested", "status", "approval", "status"])
        # The administrator sees it to carry out, and does: the account exists, one-time
        # password shown once, and it remembers the request.
        admin = self.srv.admin
        self.assertIn("account_request_carry_out:%d" % req["id"], [t["key"] for t in self.tasks(admin)])
        self.assertProblem(self.mgr.client.post(API + "/account-requests/%d/carry-out" % req["id"],
                                                {"version": req["version"]}), 403)
        r = admin.client.post(API + "/account-requests/%d/carry-out" % req["id"],
                              {"version": req["version"]})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["status"], "done")
        self.assertEqual(len(r.json["initial_password"]), 14)
        uid = r.json["target"]["id"]
        u = admin.client.get(API + "/users/%d" % uid).json
        self.assertEqual((u["login"], u["employment_type"], u["department_id"]),
                         ("wf_newcomer", "part_time", self.dept))
        self.assertEqual(self.srv.sql("SELECT account_request_id FROM users WHERE id = ?", (uid,)),
                         [(req["id"],)])
        # Carrying it out twice is refused; nothing half-done.
        r = admin.client.post(API + "/account-requests/%d/carry-out" % req["id"],
                              {"version": r.json["version"]})
        self.assertFieldError(r, "version", "not_approved")
        events = admin.client.get(API + "/audit/events?object_type=account_request&object_id=%d"
                                  % req["id"]).json["items"]
        self.assertEqual(sorted({e["action"] for e in events}),
                         ["account_request.create", "account_request.transition"])
        self.assertTrue(admin.client.get(API + "/audit/events?action=approval.decide").json["items"])

    def test_send_back_edit_and_withdraw(self):
        req = self.submitted(login="wf_sendback")
        a = req["approval"]
        self.assertFieldError(self.decide(self.head, a, "send_back"), "comment", "required")
        r = self.decide(self.head, a, "send_back", "利用期限を短くしてください")
        self.assertEqual(r.json["status"], "sent_back")
        req = self.mgr.client.get(API + "/account-requests/%d" % req["id"]).json
        self.assertEqual(req["status"], "sent_back")
        self.assertIn("account_request_sent_back:%d" % req["id"],
                      [t["key"] for t in self.tasks(self.mgr)])
        # A stale version is refused; the requester edits and sends it again.
        r = self.mgr.client.patch(API + "/account-requests/%d" % req["id"],
                                  {"version": req["version"] - 1, "valid_until": day(60)})
        self.assertProblem(r, 409)
        r = self.mgr.client.patch(API + "/account-requests/%d" % req["id"],
                                  {"version": req["version"], "valid_until": day(60)})
        self.assertEqual(r.status, 200, r)
        # Someone else cannot change it (an employee asks for no accounts; another manager
        # does not learn it exists).
        self.assertProblem(self.emp.client.patch(API + "/account-requests/%d" % req["id"],
                                                 {"version": r.json["version"], "reason": "x"}), 403)
        self.assertProblem(self.deputy.client.patch(API + "/account-requests/%d" % req["id"],
                                                    {"version": r.json["version"], "reason": "x"}),
                           404)
        r = self.move(self.mgr, r.json, "submitted")
        self.assertEqual(r.status, 200, r)
        a2 = r.json["approval"]
        self.assertNotEqual(a2["id"], a["id"])
        # The requester withdraws while it is pending.
        r = self.decide(self.mgr, a2, "withdraw")
        self.assertEqual(r.status, 200, r)
        req = self.mgr.client.get(API + "/account-requests/%d" % req["id"]).json
        self.assertEqual((req["status"], req["allowed_transitions"]), ("withdrawn", []))
        # An invalid move lists what is allowed.
        r = self.move(self.mgr, req, "submitted")
        self.assertFieldError(r, "to", "invalid_transition")
        self.assertEqual(r.json["allowed"], [])

    def test_input_rules_and_nothing_half_written(self):
        before = self.srv.sql("SELECT COUNT(*) FROM account_requests")
        c = self.mgr.client
        self.assertFieldError(c.post(API + "/account-requests", {"kind": "new", "name": "x",
                                                                 "purpose": "x",
                                                                 "department_id": self.dept}),
                              "login", "required")
        self.assertFieldError(c.post(API + "/account-requests", {
            "kind": "new", "login": "admin", "name": "x", "purpose": "x",
            "department_id": self.dept}), "login", "taken")
        self.assertFieldError(c.post(API + "/account-requests", {
            "kind": "new", "login": "wf_x1", "name": "x", "purpose": "x", "department_id": self.dept,
            "roles": ["no_such_role"]}), "roles", "invalid_choice")
        # A manager asks for their own people only.
        self.assertFieldError(c.post(API + "/account-requests", {
            "kind": "remove", "target_user_id": self.officer.id, "reason": "退職"}),
            "target_user_id", "out_of_scope")
        self.assertFieldError(c.post(API + "/account-requests", {
            "kind": "end", "target_user_id": self.emp.id, "reason": "契約満了"}),
            "valid_until", "required")
        # Employees do not ask for accounts at all.
        self.assertProblem(self.emp.client.post(API + "/account-requests", {
            "kind": "new", "login": "wf_x2", "name": "x", "purpose": "x"}), 403)
        self.assertEqual(self.srv.sql("SELECT COUNT(*) FROM account_requests"), before)

    def test_end_date_request_changes_only_the_end_date(self):
        target = self.srv.create_user("wf_contract", name="契約 六郎", department_id=self.dept,
                                      manager_id=self.mgr.id, employment_type="contract")
        r = self.mgr.client.post(API + "/account-requests", {
            "kind": "end", "target_user_id": target.id, "valid_until": day(30),
            "reason": "契約の満了"})
        self.assertEqual(r.status, 201, r)
        r = self.move(self.mgr, r.json, "submitted")
        r = self.decide(self.head, r.json["approval"], "approve")
        self.assertEqual(r.status, 200, r)
        req = self.srv.admin.client.get(API + "/account-requests/%d" % r.json["record_id"]).json
        r = self.srv.admin.client.post(API + "/account-requests/%d/carry-out" % req["id"],
                                       {"version": req["version"]})
        self.assertEqual(r.status, 200, r)
        u = self.srv.admin.client.get(API + "/users/%d" % target.id).json
        self.assertEqual((u["valid_until"], u["employment_type"], u["roles"]),
                         (day(30), "contract", ["employee"]))
        # The ledger shows it, for an auditor.
        r = self.auditor.client.get(API + "/account-requests.csv")
        self.assertEqual(r.status, 200, r)
        rows = list(csv.reader(io.StringIO(r.body.decode("utf-8-sig"))))
        self.assertIn("利用期限の設定", [row[1] for row in rows])
        # Filtered as the page is: only the requests carried out, or only those of a kind.
        r = self.auditor.client.get(API + "/account-requests.csv?status=done&kind=end")
        self.assertEqual(r.status, 200, r)
        rows = list(csv.reader(io.StringIO(r.body.decode("utf-8-sig"))))[1:]
        self.assertTrue(rows)
        self.assertEqual({(row[1], row[9]) for row in rows}, {("利用期限の設定", "実施済み")})
        r = self.auditor.client.get(API + "/account-requests.csv?status=withdrawn&kind=end")
        self.assertEqual(list(csv.reader(io.StringIO(r.body.decode("utf-8-sig"))))[1:], [])
        self.assertFieldError(self.auditor.client.get(API + "/account-requests.csv?status=nope"),
                              "status", "invalid_choice")

    def test_two_decisions_at_once_one_wins(self):
        # The department's deputy stands in for its manager: an employee's request waits for
        # both, and when both approve at once exactly one decision counts.
        req = self.srv.admin.client.post(API + "/account-requests", {
            "kind": "change", "target_user_id": self.emp.id, "roles": ["employee", "manager"],
            "reason": "リーダー就任"})
        self.assertEqual(req.status, 201, req)
        # The administrator asked; their approver is their manager (none): the security office.
        r = self.srv.admin.client.post(API + "/account-requests/%d/transition" % req.json["id"],
                                       {"version": req.json["version"], "to": "submitted"})
        self.assertEqual(r.status, 200, r)
        a = r.json["approval"]
        self.assertEqual((a["steps"][0]["kind"], a["steps"][0]["permission"]),
                         ("permission", "approvals.manage"))
        self.assertProblem(self.decide(self.srv.admin, a, "approve"), 403, "own_request")
        o2 = self.srv.create_user("wf_officer2", roles=["officer"])
        answers = at_once([lambda: self.decide(self.officer, a, "approve"),
                           lambda: self.decide(o2, a, "approve")])
        self.assertEqual(sorted(x.status for x in answers), [200, 409], answers)
        n = self.srv.sql("SELECT COUNT(*) FROM approval_steps WHERE approval_id = ? AND "
                         "decided_by IS NOT NULL", (a["id"],))
        self.assertEqual(n, [(1,)])

    def test_deputy_and_delegation_stand_in(self):
        # The employee's manager is 課長; the department's deputy may decide for them.
        target = self.srv.create_user("wf_sub", department_id=self.dept, manager_id=self.emp.id)
        r = self.emp.client.post(API + "/account-requests", {
            "kind": "end", "target_user_id": target.id, "valid_until": day(10), "reason": "異動"})
        self.assertProblem(r, 403)  # employees hold no account_requests.create
        req = self.submitted(self.deputy, login="wf_by_deputy", department_id=self.dept)
        a = req["approval"]
        self.assertEqual(a["steps"][0]["approver"]["id"], self.head.id)
        # The head names the manager to stand in while away; the manager decides for them.
        r = self.head.client.post(API + "/me/delegations", {
            "delegate_id": self.mgr.id, "starts_on": day(0), "ends_on": day(7), "note": "出張"})
        self.assertEqual(r.status, 201, r)
        self.assertFieldError(self.head.client.post(API + "/me/delegations", {
            "delegate_id": self.head.id, "starts_on": day(0), "ends_on": day(7)}),
            "delegate_id", "self")
        self.assertIn(a["id"], [x["id"] for x in
                                self.mgr.client.get(API + "/approvals?box=waiting").json["items"]])
        r = self.decide(self.mgr, a, "approve", "代理で承認")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["steps"][0]["on_behalf_of"], self.head.id)
        # Revoked, it no longer applies.
        d = self.head.client.get(API + "/me/delegations").json["items"][0]
        self.assertEqual(self.head.client.delete(API + "/me/delegations/%d" % d["id"]).status, 204)
        self.assertEqual(self.head.client.get(API + "/me/delegations").json["items"], [])

    def test_waiting_steps_follow_the_reporting_line(self):
        # A manager's request waits for their own manager. When the reporting line changes, the
        # step goes to the new manager: the former one no longer sees it, nor may decide it.
        admin = self.srv.admin.client
        h1 = self.srv.create_user("wf_line_h1", roles=["manager"], name="旧上長")
        h2 = self.srv.create_user("wf_line_h2", roles=["manager"], name="新上長")
        dm = self.srv.create_user("wf_line_dm", roles=["manager"], name="部長")
        dm2 = self.srv.create_user("wf_line_dm2", roles=["manager"], name="後任部長")
        r = admin.post(API + "/departments", {"name": "物流部", "manager_id": dm.id})
        self.assertEqual(r.status, 201, r)
        dept = r.json
        # h1 also manages another department; its deputy stands in for h1 there only.
        other_deputy = self.srv.create_user("wf_line_x", roles=["manager"], name="他部署代理")
        r = admin.post(API + "/departments", {"name": "総務部", "manager_id": h1.id,
                                              "deputy_id": other_deputy.id})
        self.assertEqual(r.status, 201, r)
        asker = self.srv.create_user("wf_line_asker", roles=["manager"], name="依頼 六郎",
                                     department_id=dept["id"], manager_id=h1.id)
        req = self.submitted(asker, login="wf_line_new", department_id=dept["id"])
        a = req["approval"]
        self.assertEqual(a["steps"][0]["approver"]["id"], h1.id)

        def waiting(who):
            items = who.client.get(API + "/approvals?box=waiting").json["items"]
            return a["id"] in [x["id"] for x in items]

        def in_tasks(who):
            return any(t.get("link", "").endswith("/approvals/%d" % a["id"]) or
                       t.get("id") == a["id"] for t in self.tasks(who))

        self.assertTrue(waiting(h1))
        self.assertFalse(waiting(other_deputy))  # not the asker's department
        self.assertIn(self.decide(other_deputy, a, "approve").status, (403, 404))

        v = admin.get(API + "/users/%d" % asker.id).json["version"]
        r = admin.patch(API + "/users/%d" % asker.id, {"version": v, "manager_id": h2.id})
        self.assertEqual(r.status, 200, r)
        now = admin.get(API + "/approvals/%d" % a["id"]).json
        self.assertEqual(now["steps"][0]["approver"]["id"], h2.id)
        self.assertFalse(waiting(h1))
        self.assertFalse(in_tasks(h1))
        self.assertTrue(waiting(h2))
        self.assertIn(self.decide(h1, now, "approve").status, (403, 404))
        moved = admin.get(API + "/audit/events?action=approval.reassign").json["items"]
        self.assertTrue(any(e["summary"]["approval_id"] == a["id"] and
                            e["summary"]["reason"] == "reporting_line" for e in moved), moved)
        # The new manager leaves: the department's manager is next, then their successor.
        self.assertEqual(admin.post(API + "/users/%d/disable" % h2.id, {}).status, 200)
        now = admin.get(API + "/approvals/%d" % a["id"]).json
        self.assertEqual(now["steps"][0]["approver"]["id"], dm.id)
        r = admin.patch(API + "/departments/%d" % dept["id"],
                        {"version": dept["version"], "manager_id": dm2.id})
        self.assertEqual(r.status, 200, r)
        now = admin.get(API + "/approvals/%d" % a["id"]).json
        self.assertEqual(now["steps"][0]["approver"]["id"], dm2.id)
        self.assertFalse(waiting(dm))
        r = self.decide(dm2, now, "approve")
        self.assertEqual(r.status, 200, r)

    def test_escalation_after_working_days(self):
        req = self.submitted(login="wf_escalate")
        a = req["approval"]
        # The step has waited two weeks: the job hands it to the approver's manager... the head
        # has none, so it stays; a request waiting for the manager moves up to the head.
        target = self.srv.create_user("wf_esc_target", department_id=self.dept,
                                      manager_id=self.mgr.id)
        r = self.srv.admin.client.post(API + "/account-requests", {
            "kind": "end", "target_user_id": target.id, "valid_until": day(20),
            "reason": "期間満了"})
        r2 = self.srv.admin.client.post(API + "/account-requests/%d/transition" % r.json["id"],
                                        {"version": r.json["version"], "to": "submitted"})
        self.assertEqual(r2.status, 200, r2)
        # Force a step waiting for the manager, activated two weeks ago.
        a2 = r2.json["approval"]
        old = self.srv.sql("SELECT activated_at FROM approval_steps WHERE approval_id = ?",
                           (a2["id"],))[0][0] - 14 * 86400
        self.srv.sql("UPDATE approval_steps SET kind = 'user', permission = NULL, approver_id = ?, "
                     "activated_at = ? WHERE approval_id = ?", (self.mgr.id, old, a2["id"]))
        self.srv.sql("UPDATE approval_steps SET activated_at = ? WHERE approval_id = ?",
                     (old, a["id"]))
        r = self.srv.cli("jobs", "run")
        self.assertEqual(r.returncode, 0, r.stderr)
        s = self.srv.admin.client.get(API + "/approvals/%d" % a2["id"]).json["steps"][0]
        self.assertEqual((s["approver"]["id"], s["escalated_from"]["id"]), (self.head.id, self.mgr.id))
        s = self.srv.admin.client.get(API + "/approvals/%d" % a["id"]).json["steps"][0]
        self.assertEqual((s["approver"]["id"], s["escalated_from"]), (self.head.id, None))
        self.assertTrue(self.srv.admin.client.get(
            API + "/audit/events?action=approval.escalate").json["items"])

    # access reviews --------------------------------------------------------------------------

    def test_access_review_end_to_end(self):
        staff = self.srv.create_user("wf_staff", roles=["employee", "manager"], name="部員 七郎",
                                     department_id=self.dept, manager_id=self.mgr.id)
        r = self.officer.client.post(API + "/access-reviews", {
            "title": "2026年度 権限棚卸（営業部）", "starts_on": day(0), "due_on": day(14),
            "targets": ["department:%d" % self.dept]})
        self.assertEqual(r.status, 201, r)
        c = r.json
        self.assertProblem(self.mgr.client.post(API + "/access-reviews", {
            "title": "x", "starts_on": day(0), "due_on": day(1), "targets": ["all"]}), 403)
        # Each person's item is their manager's; the manager sees theirs on the home page.
        items = self.mgr.client.get(API + "/access-reviews/%d/items" % c["id"]).json["items"]
        mine = {i["subject"]["login"]: i for i in items}
        self.assertIn("wf_staff", mine)
        self.assertNotIn("wf_mgr", mine)  # nobody reviews their own access
        self.assertEqual(sorted(x["name"] for x in mine["wf_staff"]["subject"]["roles"]),
                         ["employee", "manager"])
        self.assertIn("campaign_item:%d" % mine["wf_staff"]["id"], [t["key"] for t in self.tasks(self.mgr)])
        # The employee is not the reviewer of anyone: an item of theirs does not exist.
        item = mine["wf_staff"]
        url = API + "/campaign-items/%d/answer" % item["id"]
        self.assertProblem(self.emp.client.post(url, {"version": item["version"],
                                                      "answer": {"decision": "keep"}}), 404)
        self.assertFieldError(self.mgr.client.post(url, {"version": item["version"], "answer": {
            "decision": "change", "remove_roles": ["manager"]}}), "answer.comment", "required")
        self.assertFieldError(self.mgr.client.post(url, {"version": item["version"], "answer": {
            "decision": "change", "remove_roles": ["admin"], "comment": "x"}}),
            "answer.remove_roles", "invalid_choice")
        r = self.mgr.client.post(url, {"version": item["version"], "answer": {
            "decision": "change", "remove_roles": ["manager"], "valid_until": day(90),
            "comment": "リーダー職を外れた"}})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["status"], "done")
        self.assertFieldError(self.mgr.client.post(url, {"version": r.json["version"], "answer": {
            "decision": "keep"}}), "item", "already_answered")
        # Until the review closes, nothing changes.
        self.assertEqual(sorted(self.srv.admin.client.get(API + "/users/%d" % staff.id).json["roles"]),
                         ["employee", "manager"])
        prog = self.officer.client.get(API + "/campaigns/%d" % c["id"]).json
        self.assertEqual(prog["progress"][0]["department"]["id"], self.dept)
        self.assertGreaterEqual(prog["totals"]["done"], 1)
        # Closing it applies the revocation, in the audit trail; the result is kept as evidence.
        r = self.officer.client.post(API + "/campaigns/%d/close" % c["id"], {"version": prog["version"]})
        self.assertEqual(r.status, 200, r)
        u = self.srv.admin.client.get(API + "/users/%d" % staff.id).json
        self.assertEqual((u["roles"], u["valid_until"]), (["employee"], day(90)))
        ev = self.srv.admin.client.get(API + "/audit/events?action=access_review.apply").json["items"]
        self.assertIn(staff.id, [e["object_id"] for e in ev])
        r = self.auditor.client.get(API + "/campaigns/%d/items.csv" % c["id"])
        self.assertEqual(r.status, 200, r)
        rows = list(csv.reader(io.StringIO(r.body.decode("utf-8-sig"))))
        self.assertEqual(rows[0][:3], ["ID", "回", "対象者"])
        self.assertIn("部員 七郎", [row[2] for row in rows])
        r = self.auditor.client.get(API + "/campaigns/%d/items.xlsx" % c["id"])
        self.assertEqual((r.status, r.body[:2]), (200, b"PK"))
        self.assertProblem(self.emp.client.get(API + "/campaigns/%d/items.csv" % c["id"]), 403)

    def test_unanswered_review_items_escalate_and_joiners_get_items(self):
        r = self.officer.client.post(API + "/access-reviews", {
            "title": "臨時の棚卸", "starts_on": day(-20), "due_on": day(-15),
            "targets": ["department:%d" % self.dept]})
        self.assertEqual(r.status, 201, r)
        cid = r.json["id"]
        joiner = self.srv.create_user("wf_joiner", department_id=self.dept, manager_id=self.mgr.id)
        r = self.srv.cli("jobs", "run")
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = self.srv.sql("SELECT user_id, escalated_from FROM campaign_items WHERE campaign_id = ? "
                            "AND subject_id = ?", (cid, joiner.id))
        # The joiner got an item, and being past due it went to the manager's manager.
        self.assertEqual(rows, [(self.head.id, self.mgr.id)])

    # offboarding -----------------------------------------------------------------------------

    def test_offboarding_opens_when_the_end_date_passes(self):
        leaver = self.srv.create_user("wf_leaver", department_id=self.dept, manager_id=self.mgr.id,
                                      valid_until=day(5))
        self.srv.sql("UPDATE users SET valid_until = ? WHERE id = ?", (day(-1), leaver.id))
        r = self.srv.cli("jobs", "run")
        self.assertEqual(r.returncode, 0, r.stderr)
        ob = [t for t in self.tasks(self.mgr) if t["kind"] == "offboarding"]
        self.assertEqual(len(ob), 1, ob)
        oid = int(ob[0]["link"].rsplit("/", 1)[1])
        o = self.mgr.client.get(API + "/offboardings/%d" % oid).json
        self.assertEqual(o["items"]["account_disabled"]["state"], "done")
        self.assertProblem(self.emp.client.get(API + "/offboardings/%d" % oid), 403)
        r = self.mgr.client.post(API + "/offboardings/%d/transition" % oid,
                                 {"version": o["version"], "to": "done"})
        self.assertFieldError(r, "items", "items_open")
        self.assertEqual(sorted(r.json["open_items"]),
                         ["devices_returned", "exit_pledge", "id_card", "media_returned"])
        for item, state, note in (("id_card", "done", None), ("devices_returned", "done", None),
                                  ("media_returned", "not_applicable", "貸与なし"),
                                  ("exit_pledge", "done", None)):
            body = {"version": o["version"], "item": item, "state": state}
            if note:
                body["note"] = note
            r = self.mgr.client.post(API + "/offboardings/%d/items" % oid, body)
            self.assertEqual(r.status, 200, r)
            o = r.json
        self.assertFieldError(self.mgr.client.post(API + "/offboardings/%d/items" % oid, {
            "version": o["version"], "item": "id_card", "state": "not_applicable"}), "note", "required")
        r = self.mgr.client.post(API + "/offboardings/%d/transition" % oid,
                                 {"version": o["version"], "to": "done"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["status"], "done")
        self.assertNotIn("offboarding", [t["kind"] for t in self.tasks(self.mgr)])

    def test_review_items_and_offboardings_follow_the_reporting_line(self):
        # A review item and an offboarding are the manager's; when the person gets a new
        # manager, both go to them, and the former manager can no longer open or answer them.
        admin = self.srv.admin.client
        ma = self.srv.create_user("wf_follow_a", roles=["manager"], name="前の上長")
        mb = self.srv.create_user("wf_follow_b", roles=["manager"], name="次の上長")
        r = admin.post(API + "/departments", {"name": "経理部"})
        self.assertEqual(r.status, 201, r)
        dept = r.json["id"]
        subject = self.srv.create_user("wf_follow_s", name="経理 八郎", department_id=dept,
                                       manager_id=ma.id)
        leaver = self.srv.create_user("wf_follow_l", name="経理 九郎", department_id=dept,
                                      manager_id=ma.id)
        r = self.officer.client.post(API + "/access-reviews", {
            "title": "経理部の棚卸", "starts_on": day(0), "due_on": day(14),
            "targets": ["department:%d" % dept]})
        self.assertEqual(r.status, 201, r)
        cid = r.json["id"]
        r = self.officer.client.post(API + "/offboardings",
                                     {"user_id": leaver.id, "leaving_on": day(3)})
        self.assertEqual(r.status, 201, r)
        oid = r.json["id"]

        def item_of(who):
            items = who.client.get(API + "/access-reviews/%d/items" % cid).json["items"]
            return {i["subject"]["login"]: i for i in items}.get("wf_follow_s")

        item = item_of(ma)
        self.assertIsNotNone(item)
        self.assertEqual(self.mgr.client.get(API + "/offboardings/%d" % oid).status, 404)
        self.assertEqual(ma.client.get(API + "/offboardings/%d" % oid).status, 200)
        for person in (subject, leaver):
            v = admin.get(API + "/users/%d" % person.id).json["version"]
            r = admin.patch(API + "/users/%d" % person.id, {"version": v, "manager_id": mb.id})
            self.assertEqual(r.status, 200, r)
        self.assertIsNone(item_of(ma))
        self.assertIsNotNone(item_of(mb))
        url = API + "/campaign-items/%d/answer" % item["id"]
        self.assertProblem(ma.client.post(url, {"version": item["version"] + 1,
                                                "answer": {"decision": "keep"}}), 404)
        self.assertEqual(ma.client.get(API + "/offboardings/%d" % oid).status, 404)
        self.assertNotIn("offboarding", [t["kind"] for t in self.tasks(ma)])
        self.assertIn("offboarding", [t["kind"] for t in self.tasks(mb)])
        mine = item_of(mb)
        r = mb.client.post(url, {"version": mine["version"], "answer": {"decision": "keep"}})
        self.assertEqual(r.status, 200, r)
        for action in ("campaign.item.reassign", "offboarding.reassign"):
            ev = admin.get(API + "/audit/events?action=" + action).json["items"]
            self.assertTrue(any(e["summary"]["reason"] == "reporting_line" for e in ev), ev)

    # the calendar and the tasks --------------------------------------------------------------

    def test_calendar(self):
        r = self.emp.client.get(API + "/calendar/holidays?year=2027")
        self.assertEqual(r.status, 200, r)
        days = {h["date"]: h for h in r.json["items"]}
        self.assertEqual(days["2027-03-22"]["name_ja"], "振替休日")
        self.assertEqual(days["2027-01-11"]["name_en"], "Coming of Age Day")
        self.assertTrue(r.json["year_end_closure"])
        self.assertFieldError(self.emp.client.get(API + "/calendar/holidays?year=1800"), "year")

    def test_tasks_are_sorted_and_only_mine(self):
        self.srv.admin.client.post(API + "/actions", {
            "title": "古い処置", "owner_id": self.emp.id, "due_on": day(-3)})
        self.srv.admin.client.post(API + "/actions", {
            "title": "新しい処置", "owner_id": self.emp.id, "due_on": day(10)})
        items = self.tasks(self.emp)
        mine = [t for t in items if t["kind"] == "action"]
        self.assertEqual([t["title"] for t in mine][:2], ["古い処置", "新しい処置"])
        self.assertTrue(mine[0]["overdue"])
        dues = [t["due_on"] for t in items if t["due_on"]]
        self.assertEqual(dues, sorted(dues))
        self.assertNotIn("action", [t["kind"] for t in self.tasks(self.auditor)])


class DeclaredTransitionsTest(ServerTestCase):
    """Incidents and actions move through declared transitions: the allowed ones are listed,
    who may move is checked, and of two concurrent moves from one state exactly one wins."""
    threads = 4

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.officer = cls.srv.create_user("dt_officer", roles=["officer"])
        cls.emp = cls.srv.create_user("dt_emp")

    def test_concurrent_moves_one_wins(self):
        inc = self.emp.client.post(API + "/incidents", {
            "category": "loss", "title": "USBメモリを紛失", "description": "会議室に置き忘れた"}).json
        url = API + "/incidents/%d/transition" % inc["id"]
        o2 = self.srv.create_user("dt_officer2", roles=["officer"])
        answers = at_once([lambda: self.officer.client.post(url, {"version": inc["version"], "to": "triage"}),
                           lambda: o2.client.post(url, {"version": inc["version"], "to": "rejected",
                                                        "reason": "重複"})])
        self.assertEqual(sorted(a.status for a in answers), [200, 409], answers)
        events = self.srv.admin.client.get(API + "/audit/events?object_type=incident&object_id=%d&"
                                           "action=incident.transition" % inc["id"]).json["items"]
        self.assertEqual(len(events), 1)
        self.assertIn("before", events[0]["summary"])

    def test_allowed_moves_listed_and_roles_checked(self):
        a = self.officer.client.post(API + "/actions", {
            "title": "手順書の改訂", "owner_id": self.emp.id, "due_on": day(7)}).json
        self.assertEqual(sorted(m["to"] for m in a["allowed_transitions"] if not m["group"]),
                         ["cancelled", "done", "in_progress"])
        own = self.emp.client.get(API + "/actions/%d" % a["id"]).json
        self.assertEqual(sorted(m["to"] for m in own["allowed_transitions"]), ["done", "in_progress"])
        r = self.emp.client.post(API + "/actions/%d/status" % a["id"],
                                 {"version": a["version"], "to": "closed"})
        self.assertEqual(r.status, 422, r)
        r = self.emp.client.post(API + "/actions/%d/status" % a["id"],
                                 {"version": a["version"], "to": "cancelled", "note": "x"})
        self.assertProblem(r, 403, "not_owner")
        r = self.emp.client.post(API + "/actions/%d/status" % a["id"],
                                 {"version": a["version"], "to": "open"})
        self.assertFieldError(r, "status", "invalid_transition")
        self.assertEqual(sorted(r.json["allowed"]), ["done", "in_progress"])
