"""Retention (src/retention, docs/retention.md): each kind of the programme's own records is
kept for its period and then deleted, sealed for good or anonymised by the daily purge
(`mamori jobs run`), which writes one audit event per purge with the count and the ids as
ranges, never touches a record under a legal hold, and leaves the audit chain intact.
"""
import json
import time

from harness import API, Client, ServerTestCase

DAY = 86400
MONTH = 31 * DAY


class RetentionTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.officer = cls.srv.create_user("r_officer", roles=["officer"])
        cls.auditor = cls.srv.create_user("r_auditor", roles=["auditor"])
        cls.emp = cls.srv.create_user("r_emp", name="保存 太郎")
        r = cls.admin.client.post(API + "/sites", {"name": "本社"})
        assert r.status == 201, r
        cls.site = r.json["id"]

    # --- helpers -----------------------------------------------------------------------------

    def visit(self, name):
        r = self.emp.client.post(API + "/visits", {"visitor_name": name, "purpose": "打ち合わせ",
                                                   "site_id": self.site})
        self.assertEqual(r.status, 201, r)
        return r.json["id"]

    def age_visit(self, vid, months):
        t = int(time.time()) - months * MONTH
        self.srv.sql("UPDATE visits SET created_at = ?, arrived_at = ?, departed_at = ?, "
                     "status = 'departed' WHERE id = ?", (t, t, t, vid))

    def purges(self, kind):
        items = self.admin.client.get(API + "/audit/events?action=retention.purge&limit=200")
        return [e for e in items.json["items"] if e["summary"]["kind"] == kind]

    def run_jobs(self):
        r = self.srv.cli("jobs", "run")
        self.assertEqual(r.returncode, 0, r.stderr)

    def verify(self):
        r = self.srv.cli("audit", "verify")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("intact", r.stdout)

    def hold(self, kind, record_id, reason="訴訟のため保全"):
        r = self.officer.client.post(API + "/retention/holds", {"kind": kind,
                                                                "record_id": record_id,
                                                                "reason": reason})
        self.assertEqual(r.status, 201, r)
        return r.json

    def kind(self, name):
        return [k for k in self.officer.client.get(API + "/retention").json["items"]
                if k["kind"] == name][0]

    # --- the purge ---------------------------------------------------------------------------

    def test_1_visits_purged_except_held(self):
        ids = [self.visit("来訪者 %d" % i) for i in range(6)]
        expired, held, young, fresh = ids[:3], ids[3], ids[4], ids[5]
        for vid in expired + [held]:
            self.age_visit(vid, 26)
        self.age_visit(young, 22)  # inside the two years: kept
        h = self.hold("visit", held)
        self.assertEqual(h["status"], "active")
        k = self.kind("visit")
        self.assertEqual((k["months"], k["min_months"], k["due"], k["held"]), (24, 24, 3, 1))
        timeline_before = self.srv.sql("SELECT COUNT(*) FROM timeline_events WHERE record_type "
                                       "= 'visit'")[0][0]
        self.run_jobs()
        left = {r[0] for r in self.srv.sql("SELECT id FROM visits")}
        self.assertEqual(left & set(ids), {held, young, fresh})
        # Their timeline went with them.
        gone = self.srv.sql("SELECT COUNT(*) FROM timeline_events WHERE record_type = 'visit' "
                            "AND record_id IN (?, ?, ?)", tuple(expired))[0][0]
        self.assertEqual(gone, 0)
        self.assertLess(self.srv.sql("SELECT COUNT(*) FROM timeline_events WHERE record_type = "
                                     "'visit'")[0][0], timeline_before)
        # One audit event for the purge, naming exactly those ids as ranges.
        ev = self.purges("visit")
        self.assertEqual(len(ev), 1, ev)
        s = ev[0]["summary"]
        self.assertEqual((s["count"], s["action"], s["held"], s["months"]), (3, "delete", 1, 24))
        self.assertEqual([i for a, b in s["ids"] for i in range(a, b + 1)], sorted(expired))
        self.assertEqual(ev[0]["actor_login"], None)
        self.verify()
        # Nothing more expired: running again writes nothing.
        self.run_jobs()
        self.assertEqual(len(self.purges("visit")), 1)
        k = self.kind("visit")
        self.assertEqual((k["due"], k["held"]), (0, 1))
        self.assertEqual(k["last_purge"]["count"], 3)
        log = self.auditor.client.get(API + "/retention/purges?kind=visit").json["items"]
        self.assertEqual((log[0]["count"], log[0]["first_id"], log[0]["last_id"]),
                         (3, min(expired), max(expired)))
        # The hold is lifted (audited): the next purge takes the record.
        r = self.officer.client.post(API + "/retention/holds/%d/lift" % h["id"],
                                     {"version": h["version"], "reason": "訴訟が終わった"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["status"], "lifted")
        lifted = self.admin.client.get(API + "/audit/events?action=retention.hold_lift").json
        self.assertEqual(lifted["items"][0]["object_id"], h["id"])
        self.run_jobs()
        self.assertEqual({r[0] for r in self.srv.sql("SELECT id FROM visits")} & set(ids),
                         {young, fresh})
        ev = self.purges("visit")
        self.assertEqual(len(ev), 2)
        self.assertEqual(ev[0]["summary"]["ids"], [[held, held]])
        self.verify()

    def test_2_a_hold_on_a_whole_kind(self):
        r = self.emp.client.post(API + "/office-log/open", {"site_id": self.site})
        self.assertEqual(r.status, 201, r)
        old = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 30 * MONTH))
        self.srv.sql("UPDATE office_log SET day = ?", (old,))
        count = self.srv.sql("SELECT COUNT(*) FROM office_log")[0][0]
        h = self.hold("office_log", None, "監督官庁の調査")
        self.assertIsNone(h["record_id"])
        self.run_jobs()
        self.assertEqual(self.srv.sql("SELECT COUNT(*) FROM office_log")[0][0], count)
        self.assertEqual(self.purges("office_log"), [])
        r = self.officer.client.post(API + "/retention/holds/%d/lift" % h["id"],
                                     {"version": h["version"], "reason": "調査の終了"})
        self.assertEqual(r.status, 200, r)
        self.run_jobs()
        self.assertEqual(self.srv.sql("SELECT COUNT(*) FROM office_log")[0][0], 0)
        self.assertEqual(self.purges("office_log")[0]["summary"]["count"], count)
        self.verify()

    def test_3_incident_details_sealed_for_good(self):
        marks = ("保存期間テスト-説明-5512", "保存期間テスト-本人-7781", "保存期間テスト-コメント-3390")
        r = self.emp.client.post(API + "/incidents", {"category": "loss", "title": "書類の紛失",
                                                      "description": marks[0]})
        self.assertEqual(r.status, 201, r)
        iid = r.json["id"]
        c = self.officer.client
        inc = c.get(API + "/incidents/%d" % iid).json
        r = c.patch(API + "/incidents/%d" % iid, {"version": inc["version"],
                                                  "personal_details": marks[1]})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(c.post(API + "/incidents/%d/comments" % iid,
                                {"body": marks[2]}).status, 201)
        inc = c.get(API + "/incidents/%d" % iid).json
        r = c.post(API + "/incidents/%d/transition" % iid, {"version": inc["version"],
                                                            "to": "rejected",
                                                            "reason": "社内で見つかった"})
        self.assertEqual(r.status, 200, r)
        # An open incident is never sealed, however old.
        r = self.emp.client.post(API + "/incidents", {"category": "loss", "title": "開いたまま",
                                                      "description": "まだ調査中"})
        open_id = r.json["id"]
        self.srv.sql("UPDATE incidents SET updated_at = updated_at - 70 * ?", (MONTH,))
        self.run_jobs()
        row = self.srv.sql("SELECT description, personal_details, title FROM incidents "
                           "WHERE id = ?", (iid,))[0]
        self.assertEqual((row[0], row[1], row[2]), ("", None, "書類の紛失"))
        bodies = self.srv.sql("SELECT body FROM timeline_events WHERE record_type = 'incident' "
                              "AND record_id = ? AND body IS NOT NULL", (iid,))
        self.assertEqual(bodies, [])
        view = c.get(API + "/incidents/%d" % iid)
        self.assertEqual(view.status, 200, view)
        self.assertEqual(view.json["title"], "書類の紛失")
        self.assertNotIn(marks[0], view.body.decode())
        self.assertNotEqual(self.srv.sql("SELECT description FROM incidents WHERE id = ?",
                                         (open_id,))[0][0], "")
        ev = self.purges("incident_details")
        self.assertEqual(len(ev), 1)
        self.assertEqual((ev[0]["summary"]["action"], ev[0]["summary"]["ids"]),
                         ("seal", [[iid, iid]]))
        # Sealed once: not selected again.
        self.run_jobs()
        self.assertEqual(len(self.purges("incident_details")), 1)
        self.verify()

    def test_4_ended_accounts_anonymised(self):
        leaver = self.srv.create_user("r_leaver", name="退職 三郎", email="leaver@example.jp")
        recent = self.srv.create_user("r_recent", name="休職 四郎")
        for u in (leaver, recent):
            r = self.admin.client.post(API + "/users/%d/disable" % u.id)
            self.assertIn(r.status, (200, 204), r)
        trail = self.srv.sql("SELECT COUNT(*) FROM audit_events WHERE actor_id = ?",
                             (leaver.id,))[0][0]
        self.srv.sql("UPDATE users SET updated_at = updated_at - 61 * ? WHERE id = ?",
                     (MONTH, leaver.id))
        self.run_jobs()
        u = self.admin.client.get(API + "/users/%d" % leaver.id).json
        self.assertEqual((u["name"], u["login"], u["email"]),
                         ("匿名化済み #%d" % leaver.id, "~anon-%d" % leaver.id, None))
        self.assertEqual(self.admin.client.get(API + "/users/%d" % recent.id).json["name"],
                         "休職 四郎")
        # Nobody signs in as it, and the trail still points at its id.
        self.assertEqual(Client(self.srv).sign_in("r_leaver", leaver.password).status, 401)
        self.assertEqual(self.srv.sql("SELECT COUNT(*) FROM audit_events WHERE actor_id = ?",
                                      (leaver.id,))[0][0], trail)
        if not self.srv.pg:
            self.assertEqual(self.srv.sql("PRAGMA foreign_key_check"), [])
        ev = self.purges("ended_account")
        self.assertEqual(ev[0]["summary"]["ids"], [[leaver.id, leaver.id]])
        self.assertNotIn("退職", json.dumps(ev, ensure_ascii=False))
        self.verify()

    def test_5_visit_never_counted_from_before_registration(self):
        # A slip dated years before it was registered (as the API allowed once): its period
        # runs from its registration, not from the time typed in.
        recent, old = self.visit("遡り 一郎"), self.visit("遡り 二郎")
        long_ago = int(time.time()) - 30 * MONTH
        self.srv.sql("UPDATE visits SET expected_arrival_at = ?, arrived_at = ?, departed_at = ?, "
                     "status = 'departed' WHERE id = ?", (long_ago, long_ago, long_ago, recent))
        self.age_visit(old, 26)
        self.assertEqual(self.kind("visit")["due"], 1)
        self.run_jobs()
        left = {r[0] for r in self.srv.sql("SELECT id FROM visits")}
        self.assertIn(recent, left)
        self.assertNotIn(old, left)
        # Registered that long ago too, it goes: the later of the two is past the period.
        self.srv.sql("UPDATE visits SET created_at = ? WHERE id = ?",
                     (long_ago - DAY, recent))
        self.run_jobs()
        self.assertNotIn(recent, {r[0] for r in self.srv.sql("SELECT id FROM visits")})
        self.verify()

    def test_6_checklist_answers_purged(self):
        tid = [t for t in self.officer.client.get(API + "/checklists").json["items"]
               if t["code"] == "pc"][0]["id"]
        due = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 7 * DAY))
        r = self.officer.client.post(API + "/checklist-campaigns", {
            "template_id": tid, "targets": ["user:%d" % self.emp.id], "due_on": due,
            "recurrence": "monthly"})
        self.assertEqual(r.status, 201, r)
        items = self.emp.client.get(API + "/me/campaign-items?kind=checklist").json["items"]
        item = self.emp.client.get(API + "/checklist-items/%d" % items[0]["id"]).json
        mark = "保存期間テスト-点検-4471"
        answers = {}
        for sec in item["checklist"]["content"]["sections"]:
            for it in sec["items"]:
                answers[it["key"]] = {"answer": "yes"}
        first = next(iter(answers))
        answers[first] = {"answer": "no", "comment": mark}
        r = self.emp.client.post(API + "/campaign-items/%d/answer" % item["id"],
                                 {"version": item["version"], "answer": {"answers": answers}})
        self.assertEqual(r.status, 200, r)
        rows = [r[0] for r in self.srv.sql("SELECT id FROM checklist_answers WHERE "
                                           "campaign_item_id = ? ORDER BY id", (item["id"],))]
        self.assertEqual(len(rows), len(answers))
        k = self.kind("checklist_answer")
        self.assertEqual((k["months"], k["min_months"], k["action"], k["due"]),
                         (36, 24, "delete", 0))
        self.srv.sql("UPDATE checklist_answers SET answered_at = answered_at - 37 * ?", (MONTH,))
        self.run_jobs()
        self.assertEqual(self.srv.sql("SELECT COUNT(*) FROM checklist_answers WHERE "
                                      "campaign_item_id = ?", (item["id"],))[0][0], 0)
        # The person's item stays done, without the copy of what they answered.
        row = self.srv.sql("SELECT status, answer FROM campaign_items WHERE id = ?",
                           (item["id"],))[0]
        self.assertEqual((row[0], row[1]), ("done", None))
        view = self.emp.client.get(API + "/checklist-items/%d" % item["id"])
        self.assertEqual(view.status, 200, view)
        self.assertNotIn(mark, view.body.decode())
        ev = self.purges("checklist_answer")
        self.assertEqual(ev[0]["summary"]["ids"], [[rows[0], rows[-1]]])
        self.verify()

    # --- settings and holds ------------------------------------------------------------------

    def test_periods(self):
        c = self.officer.client
        self.assertFieldError(c.post(API + "/retention/periods", {
            "kind": "visit", "months": 12, "version": 0}), "months", "below_minimum")
        self.assertFieldError(c.post(API + "/retention/periods", {
            "kind": "nothing", "months": 30, "version": 0}), "kind", "invalid_choice")
        self.assertProblem(self.auditor.client.post(API + "/retention/periods", {
            "kind": "office_log", "months": 36, "version": 0}), 403, "forbidden")
        r = c.post(API + "/retention/periods", {"kind": "office_log", "months": 36, "version": 0})
        self.assertEqual(r.status, 200, r)
        k = [x for x in r.json["items"] if x["kind"] == "office_log"][0]
        self.assertEqual((k["months"], k["version"]), (36, 1))
        self.assertProblem(c.post(API + "/retention/periods", {
            "kind": "office_log", "months": 48, "version": 0}), 409, "conflict")
        ev = self.admin.client.get(API + "/audit/events?action=retention.period").json["items"]
        self.assertEqual(ev[0]["summary"]["after"], {"kind": "office_log", "months": 36})
        # Every kind shows its minimum and why, in both languages.
        for k in self.auditor.client.get(API + "/retention").json["items"]:
            self.assertTrue(k["basis_ja"] and k["basis_en"] and k["min_months"] > 0, k)

    def test_holds(self):
        c = self.officer.client
        head = self.srv.audit_head()
        self.assertFieldError(c.post(API + "/retention/holds", {
            "kind": "visit", "record_id": 999999, "reason": "x"}), "record_id", "not_found")
        self.assertFieldError(c.post(API + "/retention/holds", {
            "kind": "nothing", "record_id": None, "reason": "x"}), "kind", "invalid_choice")
        self.assertFieldError(c.post(API + "/retention/holds", {
            "kind": "visit", "record_id": None, "reason": "  "}), "reason", "required")
        self.assertEqual(self.srv.audit_head(), head)
        # Not an employee's to place (the refusal is itself recorded).
        self.assertProblem(self.emp.client.post(API + "/retention/holds", {
            "kind": "visit", "record_id": None, "reason": "x"}), 403, "forbidden")
        h = self.hold("visit", self.visit("保全 対象"))
        ev = self.admin.client.get(API + "/audit/events?action=retention.hold").json["items"]
        self.assertEqual(ev[0]["object_id"], h["id"])
        self.assertIn(h["id"], [x["id"] for x in
                                self.auditor.client.get(API + "/retention/holds").json["items"]])
        self.assertProblem(c.post(API + "/retention/holds/%d/lift" % h["id"], {
            "version": h["version"] + 1, "reason": "x"}), 409, "conflict")
        r = c.post(API + "/retention/holds/%d/lift" % h["id"], {"version": h["version"],
                                                                "reason": "不要になった"})
        self.assertEqual(r.status, 200, r)
        self.assertProblem(c.post(API + "/retention/holds/%d/lift" % h["id"], {
            "version": r.json["version"], "reason": "x"}), 409, "hold_lifted")
        active = self.auditor.client.get(API + "/retention/holds").json["items"]
        self.assertNotIn(h["id"], [x["id"] for x in active])
        every = self.auditor.client.get(API + "/retention/holds?state=all").json["items"]
        self.assertIn(h["id"], [x["id"] for x in every])
