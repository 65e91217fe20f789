"""Incidents and near-misses: reporting, who sees what (reporter, colleague, auditor, officer),
anonymity, the PPC decision and deadlines through the API, the workflow per role, reports
outside, comments, sealed personal details, audit events, exports, trends."""
import csv
import io
import json
import os
from urllib.parse import quote
from datetime import datetime, timedelta, timezone

from harness import API, ServerTestCase, org_today as today

NAME_A = "報告 花子"


def iso(dt):
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class IncidentsTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        admin = cls.admin.client
        cls.dept = admin.post(API + "/departments", {"name": "営業部"}).json
        cls.officer = cls.srv.create_user("inc_officer", roles=["officer"], name="管理 太郎")
        cls.auditor = cls.srv.create_user("inc_auditor", roles=["auditor"], name="監査 次郎")
        cls.boss = cls.srv.create_user("inc_boss", roles=["manager"], name="上長 三郎")
        cls.alice = cls.srv.create_user("inc_alice", name=NAME_A, department_id=cls.dept["id"],
                                        manager_id=cls.boss.id)
        cls.bob = cls.srv.create_user("inc_bob", name="同僚 四郎", department_id=cls.dept["id"])

    # --- helpers ----------------------------------------------------------------------------

    def report(self, who=None, **fields):
        body = {"category": "loss", "title": "USBメモリの紛失",
                "description": "帰りの電車でUSBメモリを網棚に置き忘れました。"}
        body.update(fields)
        r = (who or self.alice).client.post(API + "/incidents", body)
        self.assertEqual(r.status, 201, r)
        return r.json

    def get(self, who, iid):
        return who.client.get(API + "/incidents/%d" % iid)

    def officer_view(self, iid):
        r = self.get(self.officer, iid)
        self.assertEqual(r.status, 200, r)
        return r.json

    def patch(self, iid, **fields):
        cur = self.officer_view(iid)
        fields["version"] = cur["version"]
        r = self.officer.client.patch(API + "/incidents/%d" % iid, fields)
        self.assertEqual(r.status, 200, r)
        return r.json

    def move(self, iid, to, who=None, **extra):
        cur = self.officer_view(iid)
        body = {"version": cur["version"], "to": to}
        body.update(extra)
        return (who or self.officer).client.post(API + "/incidents/%d/transition" % iid, body)

    def events(self, action, object_id=None):
        q = "?action=%s&limit=200" % action
        if object_id:
            q += "&object_type=incident&object_id=%d" % object_id
        return self.admin.client.get(API + "/audit/events" + q).json["items"]

    # --- reporting and reading --------------------------------------------------------------

    def test_report_and_who_sees_it(self):
        inc = self.report(location="JR山手線", affected="顧客名簿のファイル")
        iid = inc["id"]
        self.assertEqual(inc["status"], "reported")
        self.assertEqual(inc["reporter"]["name"], NAME_A)
        self.assertTrue(inc["is_mine"])
        # The reporter's own view has no handling side and no personal details.
        for k in ("impact", "ppc", "reports", "personal_details", "actions"):
            self.assertNotIn(k, inc)
        self.assertEqual(inc["description"], "帰りの電車でUSBメモリを網棚に置き忘れました。")
        # A colleague cannot read it or find it; the list shows only their own reports.
        self.assertProblem(self.get(self.bob, iid), 404, "not_found")
        ids = [i["id"] for i in self.bob.client.get(API + "/incidents").json["items"]]
        self.assertNotIn(iid, ids)
        mine = [i["id"] for i in self.alice.client.get(API + "/incidents").json["items"]]
        self.assertIn(iid, mine)
        # The auditor reads everything but personal details; the officer sees those too.
        aud = self.get(self.auditor, iid).json
        self.assertIn("ppc", aud)
        self.assertNotIn("personal_details", aud)
        self.assertEqual(aud["allowed_transitions"], [])
        off = self.officer_view(iid)
        self.assertIn("personal_details", off)
        self.assertEqual(off["allowed_transitions"], ["triage", "rejected", "duplicate"])
        self.assertEqual(off["reporter_department"], "営業部")
        # Creation and every read are audit events.
        created = self.events("incident.create", iid)
        self.assertEqual(len(created), 1)
        self.assertEqual(created[0]["actor_id"], self.alice.id)
        self.assertNotIn("網棚", str(created[0]["summary"]))
        readers = {e["actor_id"] for e in self.events("incident.read", iid)}
        self.assertLessEqual({self.auditor.id, self.officer.id}, readers)
        # A new report waits for triage on the officer's dashboard.
        dash = self.officer.client.get(API + "/incidents/dashboard").json
        self.assertIn(iid, [t["id"] for t in dash["awaiting_triage"]])
        self.assertProblem(self.alice.client.get(API + "/incidents/dashboard"), 403, "forbidden")

    def test_contacts_name_who_is_told(self):
        r = self.alice.client.get(API + "/incidents/contacts")
        self.assertEqual(r.status, 200, r)
        self.assertIn("管理 太郎", r.json["officers"])
        self.assertNotIn("監査 次郎", r.json["officers"])
        self.assertEqual(r.json["manager"], "上長 三郎")

    def test_input_rules(self):
        c = self.alice.client
        self.assertFieldError(c.post(API + "/incidents", {"title": "x"}), "category", "required")
        self.assertFieldError(c.post(API + "/incidents", {"category": "fire", "title": "x"}),
                              "category", "invalid_choice")
        self.assertFieldError(c.post(API + "/incidents", {"category": "virus", "title": "x"}),
                              "description", "required")
        self.assertFieldError(c.post(API + "/incidents", {"category": "virus", "title": "x",
                                                          "description": "y", "anonymous": True}),
                              "anonymous", "near_miss_only")
        future = iso(datetime.now(timezone.utc) + timedelta(days=2))
        self.assertFieldError(c.post(API + "/incidents", {"category": "virus", "title": "x",
                                                          "description": "y",
                                                          "discovered_at": future}),
                              "discovered_at", "in_future")
        now = datetime.now(timezone.utc)
        self.assertFieldError(c.post(API + "/incidents", {
            "category": "virus", "title": "x", "description": "y",
            "discovered_at": iso(now - timedelta(hours=2)),
            "occurred_at": iso(now - timedelta(hours=1))}), "occurred_at", "after_discovery")
        self.assertFieldError(c.post(API + "/incidents", {"category": "virus", "title": "x",
                                                          "description": "y", "secret": 1}),
                              "secret", "unknown_field")
        # A near-miss needs only a category and a title.
        r = c.post(API + "/incidents", {"kind": "near_miss", "category": "missend",
                                        "title": "宛先を間違えかけた"})
        self.assertEqual(r.status, 201, r)

    # --- the PPC decision -------------------------------------------------------------------

    def test_ppc_decision_and_deadlines(self):
        inc = self.report(pd_count=1000)
        iid = inc["id"]
        day = datetime.strptime(inc["discovered_on"], "%Y-%m-%d").date()
        plus = lambda n: (day + timedelta(days=n)).isoformat()
        v = self.officer_view(iid)
        self.assertTrue(v["impact"]["involved"])
        self.assertFalse(v["ppc"]["mandatory"])           # exactly 1,000: not mandatory
        self.assertIsNone(v["ppc"]["final_due"])
        v = self.patch(iid, pd_count=1001)
        self.assertTrue(v["ppc"]["mandatory"])
        self.assertEqual(v["ppc"]["reasons"], ["over_1000"])
        self.assertEqual(v["ppc"]["preliminary_target"], plus(3))
        self.assertEqual(v["ppc"]["preliminary_limit"], plus(5))
        self.assertEqual(v["ppc"]["final_due"], plus(30))
        self.assertTrue(v["ppc_mandatory"])
        prelim = v["reports"][0]
        self.assertEqual((prelim["kind"], prelim["required"], prelim["due"], prelim["target"],
                          prelim["flag"]), ("ppc_preliminary", True, plus(5), plus(3), "soon"))
        # Strong encryption exempts, and says which trigger it exempted.
        v = self.patch(iid, pd_encrypted=True)
        self.assertFalse(v["ppc"]["mandatory"])
        self.assertTrue(v["ppc"]["exempt_encrypted"])
        self.assertFalse(v["reports"][0]["required"])
        # An unauthorised purpose with one person: mandatory, final report in 60 days.
        v = self.patch(iid, pd_encrypted=False, pd_count=1, pd_unauthorised=True)
        self.assertTrue(v["ppc"]["mandatory"])
        self.assertEqual(v["ppc"]["final_days"], 60)
        self.assertEqual(v["ppc"]["final_due"], plus(60))
        # The filter finds reportable incidents.
        ppc_ids = [i["id"] for i in self.officer.client.get(API + "/incidents?ppc=1").json["items"]]
        self.assertIn(iid, ppc_ids)
        # Only officers edit the impact.
        r = self.auditor.client.patch(API + "/incidents/%d" % iid, {"version": v["version"],
                                                                    "pd_count": 2})
        self.assertProblem(r, 403, "forbidden")
        r = self.officer.client.patch(API + "/incidents/%d" % iid, {"version": v["version"] - 1,
                                                                    "pd_count": 2})
        self.assertProblem(r, 409, "conflict")
        # The audit trail records what changed (personal details excepted).
        upd = self.events("incident.update", iid)
        self.assertTrue(any("pd_unauthorised" in e["summary"]["fields"] for e in upd))

    def test_discovery_date_in_the_organisation_time_zone(self):
        admin = self.admin.client
        s = admin.get(API + "/settings").json
        at = "2026-03-31T15:30:00Z"   # 00:30 on 1 April in Tokyo
        try:
            r = admin.patch(API + "/settings", {"version": s["version"], "timezone": "UTC"})
            self.assertEqual(r.status, 200, r)
            utc = self.report(discovered_at=at, pd_count=5000)
            self.assertEqual(utc["discovered_on"], "2026-03-31")
            r = admin.patch(API + "/settings", {"version": r.json["version"],
                                                "timezone": "Asia/Tokyo"})
            self.assertEqual(r.status, 200, r)
            tokyo = self.report(discovered_at=at, pd_count=5000)
            self.assertEqual(tokyo["discovered_on"], "2026-04-01")
            self.assertEqual(self.officer_view(tokyo["id"])["ppc"]["final_due"], "2026-05-01")
            self.assertEqual(self.officer_view(utc["id"])["ppc"]["final_due"], "2026-04-30")
            # Long past its limits: the deadlines show as missed on the dashboard.
            dash = self.officer.client.get(API + "/incidents/dashboard").json
            mine = [d for d in dash["deadlines"] if d["incident_id"] == tokyo["id"]]
            self.assertEqual({d["report"]: d["flag"] for d in mine},
                             {"ppc_preliminary": "missed", "ppc_final": "missed",
                              "subjects": None})
            self.assertGreaterEqual(dash["missed"], 2)
        finally:
            s = admin.get(API + "/settings").json
            admin.patch(API + "/settings", {"version": s["version"], "timezone": "Asia/Tokyo"})

    # --- the workflow -----------------------------------------------------------------------

    def test_workflow_per_role(self):
        iid = self.report(pd_count=1200)["id"]
        # Nobody but officers moves it.
        for who in (self.alice, self.bob, self.auditor, self.boss):
            self.assertProblem(self.move(iid, "triage", who=who), 403, "forbidden")
        # An incident cannot skip to closed.
        self.assertFieldError(self.move(iid, "closed"), "to", "invalid_transition")
        stale = self.officer_view(iid)["version"]
        for to in ("triage", "containment", "investigation", "action"):
            r = self.move(iid, to)
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.json["status"], to)
        # A stale version is refused.
        r = self.officer.client.post(API + "/incidents/%d/transition" % iid,
                                     {"version": stale, "to": "closed"})
        self.assertProblem(r, 409, "conflict")
        # Closing waits for the required reports.
        r = self.move(iid, "closed")
        self.assertFieldError(r, "to", "reports_outstanding")
        for kind in ("ppc_preliminary", "ppc_final", "subjects"):
            r = self.officer.client.post(API + "/incidents/%d/reports" % iid,
                                         {"kind": kind, "state": "done",
                                          "done_on": today().isoformat()})
            self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["reports_outstanding"], 0)
        r = self.move(iid, "closed", reason="再発防止策を周知しました。")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["status"], "closed")
        self.assertEqual(r.json["closed_by"], "管理 太郎")
        self.assertEqual(r.json["allowed_transitions"], ["investigation"])
        # Reopening needs a reason.
        self.assertFieldError(self.move(iid, "investigation"), "reason", "required")
        r = self.move(iid, "investigation", reason="同じ原因の事故がもう一件見つかりました。")
        self.assertEqual(r.status, 200, r)
        self.assertIsNone(r.json["closed_at"])
        # Every step is on the timeline, in order, with who did it.
        tl = r.json["timeline"]
        steps = [(e["from_status"], e["to_status"]) for e in tl if e["kind"] == "status"]
        self.assertEqual(steps, [("reported", "triage"), ("triage", "containment"),
                                 ("containment", "investigation"), ("investigation", "action"),
                                 ("action", "closed"), ("closed", "investigation")])
        self.assertTrue(all(e["actor"]["name"] == "管理 太郎" for e in tl if e["kind"] == "status"))
        self.assertEqual(len(self.events("incident.transition", iid)), 6)

    def test_dismiss_and_duplicate(self):
        first = self.report()["id"]
        second = self.report()["id"]
        self.assertFieldError(self.move(second, "rejected"), "reason", "required")
        self.assertFieldError(self.move(second, "duplicate", reason="同じ件"), "duplicate_of",
                              "required")
        self.assertFieldError(self.move(second, "duplicate", reason="同じ件",
                                        duplicate_of=second), "duplicate_of", "invalid_choice")
        self.assertFieldError(self.move(second, "duplicate", reason="同じ件",
                                        duplicate_of=999999), "duplicate_of", "not_found")
        r = self.move(second, "duplicate", reason="同じ件", duplicate_of=first)
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json["status"], r.json["duplicate_of"], r.json["resolution"]),
                         ("duplicate", first, "同じ件"))
        # A dismissed report owes no report outside.
        self.patch(second, pd_involved=True, pd_count=5000)
        self.assertFalse(self.officer_view(second)["ppc"]["mandatory"])
        r = self.move(second, "triage")
        self.assertEqual(r.status, 200, r)
        self.assertIsNone(r.json["resolution"])
        self.assertTrue(r.json["ppc"]["mandatory"])

    def test_near_miss_closes_quickly(self):
        nm = self.report(kind="near_miss", category="missend", title="FAX番号を押し間違えかけた",
                         description="")
        r = self.move(nm["id"], "closed")
        self.assertEqual(r.status, 200, r)
        # Near-misses are never reported outside.
        self.assertFalse(r.json["ppc"]["mandatory"])

    # --- anonymity --------------------------------------------------------------------------

    def test_anonymous_near_miss(self):
        nm = self.report(kind="near_miss", category="loss", anonymous=True,
                         title="ノートPCを電車に置き忘れかけた", description="降りる直前に気づいた")
        iid = nm["id"]
        # The reporter sees their own report with their name.
        self.assertEqual(nm["reporter"]["name"], NAME_A)
        self.assertFalse(nm["reporter_hidden"])
        r = self.alice.client.post(API + "/incidents/%d/comments" % iid,
                                   {"body": "次から鞄に入れます"})
        self.assertEqual(r.status, 201, r)
        # A colleague does not see it at all.
        self.assertProblem(self.get(self.bob, iid), 404, "not_found")
        # The auditor sees the report but not who made it — anywhere in the answer.
        detail = self.get(self.auditor, iid)
        self.assertEqual(detail.status, 200, detail)
        listed = [i for i in self.auditor.client.get(API + "/incidents?kind=near_miss").json[
            "items"] if i["id"] == iid]
        for text in (detail.body.decode("utf-8"), json.dumps(listed, ensure_ascii=False)):
            for secret in (NAME_A, "inc_alice", "営業部"):
                self.assertNotIn(secret, text)
        aud = self.get(self.auditor, iid).json
        self.assertIsNone(aud["reporter"])
        self.assertTrue(aud["reporter_hidden"])
        self.assertTrue(all(e["actor"] is None for e in aud["timeline"] if e["by_reporter"]))
        rows = csv.reader(io.StringIO(self.auditor.client.get(
            API + "/incidents.csv?kind=near_miss").body.decode("utf-8-sig")))
        row = [x for x in rows if x[0] == str(iid)][0]
        self.assertNotIn(NAME_A, row)
        self.assertEqual(row[7:9], ["（匿名）", ""])
        # An officer sees the name.
        off = self.officer_view(iid)
        self.assertEqual(off["reporter"]["name"], NAME_A)
        self.assertEqual(off["timeline"][-1]["actor"]["name"], NAME_A)

    # --- comments ---------------------------------------------------------------------------

    def test_comments_and_internal_notes(self):
        iid = self.report()["id"]
        c = self.alice.client
        r = c.post(API + "/incidents/%d/comments" % iid, {"body": "USBは暗号化していません。"})
        self.assertEqual(r.status, 201, r)
        self.assertFieldError(c.post(API + "/incidents/%d/comments" % iid,
                                     {"body": "x", "internal": True}), "internal", "forbidden")
        self.assertProblem(self.bob.client.post(API + "/incidents/%d/comments" % iid,
                                                {"body": "横から失礼"}), 404, "not_found")
        self.assertProblem(self.auditor.client.post(API + "/incidents/%d/comments" % iid,
                                                    {"body": "監査です"}), 403, "forbidden")
        r = self.officer.client.post(API + "/incidents/%d/comments" % iid,
                                     {"body": "人事には連絡済み", "internal": True})
        self.assertEqual(r.status, 201, r)
        bodies = [e["body"] for e in self.get(self.alice, iid).json["timeline"]]
        self.assertIn("USBは暗号化していません。", bodies)
        self.assertNotIn("人事には連絡済み", bodies)
        bodies = [e["body"] for e in self.get(self.auditor, iid).json["timeline"]]
        self.assertIn("人事には連絡済み", bodies)

    # --- sealed at rest ---------------------------------------------------------------------

    def test_personal_details_are_not_plain_text_at_rest(self):
        marks = ("山田花子-0901234", "説明文-7731-秘", "コメント-5521-秘")
        iid = self.report(description="電車で紛失。" + marks[1])["id"]
        v = self.patch(iid, personal_details="被害者: " + marks[0] + " yamada@example.jp")
        self.assertIn(marks[0], v["personal_details"])
        r = self.officer.client.post(API + "/incidents/%d/comments" % iid,
                                     {"body": "連絡済み " + marks[2]})
        self.assertEqual(r.status, 201, r)
        # The officer reads them back...
        v = self.officer_view(iid)
        self.assertIn(marks[1], v["description"])
        self.assertIn(marks[2], str([e["body"] for e in v["timeline"]]))
        # ... but the database holds none of them in plain text, nor does the audit trail.
        if self.srv.pg:
            rows = self.srv.sql("SELECT description, personal_details FROM incidents "
                                "WHERE id = ?", (iid,))
            rows += self.srv.sql("SELECT body, '' FROM timeline_events WHERE record_type = "
                                 "'incident' AND record_id = ?", (iid,))
            blob = repr(rows).encode()
        else:
            blob = b""
            for suffix in ("", "-wal"):
                path = self.srv.db_path + suffix
                if os.path.exists(path):
                    with open(path, "rb") as f:
                        blob += f.read()
        for m in marks + ("yamada@example.jp",):
            self.assertNotIn(m.encode(), blob, m)
        self.assertTrue(self.srv.sql("SELECT personal_details FROM incidents WHERE id = ?",
                                     (iid,))[0][0].startswith("v1:"))
        trail = self.srv.sql("SELECT summary FROM audit_events")
        for m in marks:
            self.assertNotIn(m, repr(trail))

    # --- settings, reports outside ------------------------------------------------------------

    def test_privacy_mark_review_body_report(self):
        c = self.officer.client
        s = c.get(API + "/incidents/settings").json
        self.assertFalse(s["holds_pmark"])
        self.assertProblem(self.alice.client.patch(API + "/incidents/settings",
                                                   {"version": s["version"], "holds_pmark": True}),
                           403, "forbidden")
        r = c.patch(API + "/incidents/settings", {"version": s["version"], "holds_pmark": True,
                                                   "review_body": "一般財団法人 テスト審査機関",
                                                   "review_body_days": 7})
        self.assertEqual(r.status, 200, r)
        self.assertProblem(c.patch(API + "/incidents/settings",
                                   {"version": s["version"], "holds_pmark": False}), 409,
                           "conflict")
        try:
            inc = self.report(pd_count=3)
            v = self.officer_view(inc["id"])
            rb = [x for x in v["reports"] if x["kind"] == "review_body"][0]
            day = datetime.strptime(inc["discovered_on"], "%Y-%m-%d").date()
            self.assertEqual((rb["required"], rb["due"]),
                             (True, (day + timedelta(days=7)).isoformat()))
            self.assertFalse(v["ppc"]["mandatory"])
            nm = self.report(kind="near_miss", description="")
            self.assertFalse([x for x in self.officer_view(nm["id"])["reports"]
                              if x["kind"] == "review_body"][0]["required"])
            # Recording it: a date is needed, not in the future; "not needed" needs a reason.
            url = API + "/incidents/%d/reports" % inc["id"]
            self.assertFieldError(c.post(url, {"kind": "review_body", "state": "done"}),
                                  "done_on", "required")
            tomorrow = (today() + timedelta(days=2)).isoformat()
            self.assertFieldError(c.post(url, {"kind": "review_body", "state": "done",
                                               "done_on": tomorrow}), "done_on", "in_future")
            self.assertFieldError(c.post(url, {"kind": "police", "state": "not_needed"}),
                                  "note", "required")
            r = c.post(url, {"kind": "police", "state": "pending", "note": "盗難の可能性"})
            self.assertTrue([x for x in r.json["reports"] if x["kind"] == "police"][0]["required"])
            r = c.post(url, {"kind": "review_body", "state": "done",
                             "done_on": inc["discovered_on"], "note": "メールで報告"})
            self.assertEqual(r.status, 200, r)
            rb = [x for x in r.json["reports"] if x["kind"] == "review_body"][0]
            self.assertEqual((rb["state"], rb["done_on"], rb["flag"]),
                             ("done", inc["discovered_on"], None))
            self.assertProblem(self.auditor.client.post(url, {"kind": "police", "state": "done",
                                                              "done_on": inc["discovered_on"]}),
                               403, "forbidden")
            self.assertTrue(self.events("incident.report", inc["id"]))
            self.assertTrue(self.events("incident_settings.update"))
        finally:
            s = c.get(API + "/incidents/settings").json
            c.patch(API + "/incidents/settings", {"version": s["version"], "holds_pmark": False})

    # --- lists, exports, trends -------------------------------------------------------------

    def test_list_filters_and_paging(self):
        for i in range(3):
            self.report(kind="near_miss", category="virus", title="添付を開きかけた %d" % i,
                        description="")
        c = self.officer.client
        r = c.get(API + "/incidents?kind=near_miss&category=virus&limit=2")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(len(r.json["items"]), 2)
        more = c.get(API + "/incidents?kind=near_miss&category=virus&limit=2&cursor=" +
                     r.json["next_cursor"]).json
        got = r.json["items"] + more["items"]
        self.assertGreaterEqual(len(got), 3)
        self.assertEqual(len({i["id"] for i in got}), len(got))
        self.assertTrue(all(i["category"] == "virus" for i in got))
        self.assertEqual([i["id"] for i in got], sorted((i["id"] for i in got), reverse=True))
        titles = [i["title"] for i in c.get(API + "/incidents?q=" + quote("添付を開きかけた 1")).json["items"]]
        self.assertEqual(titles, ["添付を開きかけた 1"])
        self.assertFieldError(c.get(API + "/incidents?colour=red"), "colour", "unknown_field")

    def test_exports(self):
        self.report(title="=HYPERLINK(\"x\") 紛失")
        r = self.auditor.client.get(API + "/incidents.csv")
        self.assertEqual(r.status, 200, r)
        text = r.body.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        self.assertEqual(rows[0][:4], ["ID", "種別", "分類", "件名"])
        self.assertTrue(any(row[3].startswith("'=") for row in rows[1:]))
        r = self.auditor.client.get(API + "/incidents.csv?encoding=cp932")
        self.assertIn("Shift_JIS", r.headers["Content-Type"])
        r.body.decode("cp932")
        r = self.auditor.client.get(API + "/incidents.xlsx")
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.body.startswith(b"PK"))
        self.assertProblem(self.alice.client.get(API + "/incidents.csv"), 403, "forbidden")
        self.assertTrue(self.events("export.incidents"))

    def test_trends(self):
        before = self.alice.client.get(API + "/incidents/trends?months=3").json
        self.report(kind="near_miss", category="pc_abnormal", title="画面が固まりかけた",
                    description="")
        dismissed = self.report(kind="near_miss", category="pc_abnormal", title="誤報",
                                description="")
        self.move(dismissed["id"], "rejected", reason="ヒヤリハットではなかった")
        after = self.alice.client.get(API + "/incidents/trends?months=3").json
        self.assertEqual(len(after["months"]), 3)
        self.assertEqual(after["months"][-1], today().strftime("%Y-%m"))
        old = before["series"].get("near_miss", {}).get("pc_abnormal", [0, 0, 0])[-1]
        self.assertEqual(after["series"]["near_miss"]["pc_abnormal"][-1], old + 1)
