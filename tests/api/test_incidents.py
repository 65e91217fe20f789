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


def nth_day(day, n):
    """Day `n` counted from `day` (YYYY-MM-DD) as day 1."""
    return (datetime.strptime(day, "%Y-%m-%d").date() + timedelta(days=n - 1)).isoformat()


def ago(days):
    """An instant `days` days ago (RFC 3339)."""
    return iso(datetime.now(timezone.utc) - timedelta(days=days))


def by_kind(reports, kind):
    return [x for x in reports if x["kind"] == kind][0]


PINFO = {"name": "源泉徴収関係書類", "items": "氏名、住所、個人番号", "purpose": "源泉徴収事務",
         "storage_location": "人事部キャビネット", "storage_method": "施錠保管",
         "access": "人事部員", "use_until": "在籍中", "retention_until": "退職後7年"}

I18N = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../web/src/i18n/modules")


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
        # Day 1 is the day the organisation learned of it.
        plus = lambda n: nth_day(inc["discovered_on"], n + 1)
        v = self.officer_view(iid)
        self.assertTrue(v["impact"]["involved"])
        self.assertFalse(v["ppc"]["mandatory"])           # exactly 1,000: not mandatory
        self.assertIsNone(v["ppc"]["final_due"])
        v = self.patch(iid, pd_count=1001)
        self.assertTrue(v["ppc"]["mandatory"])
        self.assertEqual(v["ppc"]["reasons"], ["over_1000"])
        self.assertEqual(v["ppc"]["preliminary_target"], plus(2))
        self.assertEqual(v["ppc"]["preliminary_limit"], plus(4))
        self.assertEqual(v["ppc"]["final_due"], plus(29))
        self.assertTrue(v["ppc_mandatory"])
        prelim = v["reports"][0]
        self.assertEqual((prelim["kind"], prelim["required"], prelim["due"], prelim["target"],
                          prelim["flag"]), ("ppc_preliminary", True, plus(4), plus(2), "soon"))
        # Strong encryption exempts, and says which trigger it exempted.
        v = self.patch(iid, pd_encrypted=True)
        self.assertFalse(v["ppc"]["mandatory"])
        self.assertTrue(v["ppc"]["exempt_encrypted"])
        self.assertFalse(v["reports"][0]["required"])
        # An unauthorised purpose with one person: mandatory, final report in 60 days.
        v = self.patch(iid, pd_encrypted=False, pd_count=1, pd_unauthorised=True)
        self.assertTrue(v["ppc"]["mandatory"])
        self.assertEqual(v["ppc"]["final_days"], 60)
        self.assertEqual(v["ppc"]["final_due"], plus(59))
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
            self.assertEqual(self.officer_view(tokyo["id"])["ppc"]["final_due"], "2026-04-30")
            self.assertEqual(self.officer_view(utc["id"])["ppc"]["final_due"], "2026-04-29")
            # Long past its limits: the deadlines show as missed on the dashboard, the notice
            # to the people affected too (overdue after the final report's date).
            dash = self.officer.client.get(API + "/incidents/dashboard").json
            mine = [d for d in dash["deadlines"] if d["incident_id"] == tokyo["id"]]
            self.assertEqual({d["report"]: d["flag"] for d in mine},
                             {"ppc_preliminary": "missed", "ppc_final": "missed",
                              "subjects": "missed"})
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
            # The review bodies' rule: a final report within 30 days; review_body_days is the
            # organisation's own earlier target.
            self.assertEqual((rb["required"], rb["due"], rb["target"]),
                             (True, nth_day(inc["discovered_on"], 30),
                              nth_day(inc["discovered_on"], 7)))
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
        self.assertEqual(r.headers["Content-Type"], "text/csv; charset=Windows-31J")
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

    # --- the reporting clock, case by case ----------------------------------------------------

    # name, facts, the PPC's state, its reasons, the final report's day (day 1 = the day
    # learned) or None, and each law's state.
    CASES = [
        ("sensitive, 1 person", dict(pd_sensitive=True, pd_count=1), "required", ["sensitive"],
         30, {"appi": "required"}),
        ("financial", dict(pd_financial=True, pd_count=1), "required", ["financial"], 30,
         {"appi": "required"}),
        ("unauthorised purpose, 1 person", dict(pd_unauthorised=True, pd_count=1), "required",
         ["unauthorised"], 60, {"appi": "required"}),
        ("1,000 people", dict(pd_count=1000), "not_required", [], None,
         {"appi": "not_required"}),
        ("1,001 people", dict(pd_count=1001), "required", ["over_1000"], 30,
         {"appi": "required"}),
        ("count unknown: the clock runs", dict(pd_count=None), "undetermined", ["count_unknown"],
         30, {"appi": "undetermined"}),
        ("strong encryption", dict(pd_count=5000, pd_encrypted=True), "exempt", ["over_1000"],
         None, {"appi": "exempt"}),
        ("My Numbers of 100 people", dict(pd_count=100, pd_mynumber=True), "not_required", [],
         None, {"appi": "not_required", "mynumber": "not_required"}),
        ("My Numbers of 101 people", dict(pd_count=101, pd_mynumber=True), "required",
         ["mn_over_100"], 30, {"appi": "not_required", "mynumber": "required"}),
        ("My Numbers, unauthorised purpose, 1 person: both laws",
         dict(pd_count=1, pd_mynumber=True, pd_unauthorised=True), "required",
         ["unauthorised", "mn_unauthorised"], 30, {"appi": "required", "mynumber": "required"}),
        ("My Numbers leaked, encrypted", dict(pd_count=150, pd_mynumber=True, pd_encrypted=True),
         "exempt", ["mn_over_100"], None, {"appi": "not_required", "mynumber": "exempt"}),
        ("My Numbers misused, encrypted: no exemption",
         dict(pd_count=1, pd_mynumber=True, mn_misuse=True, pd_encrypted=True), "required",
         ["mn_misuse"], 30, {"appi": "not_required", "mynumber": "required"}),
        ("My Numbers used against the Act for 150, encrypted",
         dict(pd_count=150, pd_mynumber=True, mn_unlawful=True, pd_encrypted=True), "required",
         ["mn_over_100"], 30, {"appi": "not_required", "mynumber": "required"}),
        ("My Numbers viewable online", dict(pd_count=3, pd_mynumber=True, mn_public=True),
         "required", ["mn_public"], 30, {"appi": "not_required", "mynumber": "required"}),
        ("network systems", dict(pd_count=3, pd_mynumber=True, mn_network=True), "required",
         ["mn_network"], 30, {"appi": "not_required", "mynumber": "required"}),
        ("My Numbers of 101 of 3,000 people",
         dict(pd_count=3000, pd_mynumber=True, mn_count=101), "required",
         ["over_1000", "mn_over_100"], 30, {"appi": "required", "mynumber": "required"}),
    ]

    def test_decision_and_deadlines_per_case(self):
        for name, facts, state, reasons, final, laws in self.CASES:
            with self.subTest(case=name):
                inc = self.report(pd_involved=True)
                v = self.patch(inc["id"], pd_involved=True, **facts)
                ppc, day = v["ppc"], inc["discovered_on"]
                self.assertEqual(ppc["state"], state)
                self.assertEqual(sorted(ppc["reasons"]), sorted(reasons))
                self.assertEqual({b["law"]: b["state"] for b in ppc["bases"]}, laws)
                running = state in ("required", "undetermined")
                self.assertEqual(ppc["mandatory"], running)
                self.assertEqual(v["ppc_mandatory"], running)
                if final:
                    self.assertEqual(ppc["preliminary_target"], nth_day(day, 3))
                    self.assertEqual(ppc["preliminary_limit"], nth_day(day, 5))
                    self.assertEqual(ppc["final_due"], nth_day(day, final))
                else:
                    self.assertIsNone(ppc["final_due"])
                for kind in ("ppc_preliminary", "ppc_final", "subjects"):
                    self.assertEqual(by_kind(v["reports"], kind)["required"], running, kind)
        # Both laws at once: each its own dates, the PPC the earliest.
        inc = self.report(pd_involved=True)
        v = self.patch(inc["id"], pd_involved=True, pd_count=1, pd_mynumber=True,
                       pd_unauthorised=True)
        bases = {b["law"]: b for b in v["ppc"]["bases"]}
        self.assertEqual(bases["appi"]["final_due"], nth_day(inc["discovered_on"], 60))
        self.assertEqual(bases["mynumber"]["final_due"], nth_day(inc["discovered_on"], 30))
        self.assertEqual(by_kind(v["reports"], "ppc_final")["due"],
                         nth_day(inc["discovered_on"], 30))

    def test_contradictory_facts_are_refused(self):
        iid = self.report()["id"]
        before = self.officer_view(iid)
        c = self.officer.client
        url = API + "/incidents/%d" % iid
        r = c.patch(url, {"version": before["version"], "pd_involved": False,
                          "pd_sensitive": True})
        self.assertFieldError(r, "pd_involved", "facts_contradict")
        r = c.patch(url, {"version": before["version"], "pd_involved": True,
                          "mn_network": True})
        self.assertFieldError(r, "pd_mynumber", "facts_contradict")
        r = c.patch(url, {"version": before["version"], "pd_involved": True,
                          "pd_mynumber": True, "pd_count": 10, "mn_count": 20})
        self.assertFieldError(r, "mn_count", "more_than_people")
        # Nothing was stored.
        after = self.officer_view(iid)
        self.assertEqual(after["version"], before["version"])
        self.assertEqual(after["impact"], before["impact"])
        # Consistent facts are taken.
        v = self.patch(iid, pd_involved=True, pd_mynumber=True, pd_count=10, mn_count=10)
        self.assertTrue(v["impact"]["mynumber"])

    def test_a_late_report_stays_late(self):
        inc = self.report(discovered_at=ago(10), pd_count=5)
        iid = inc["id"]
        self.patch(iid, pd_sensitive=True)
        url = API + "/incidents/%d/reports" % iid
        r = self.officer.client.post(url, {"kind": "ppc_preliminary", "state": "done",
                                           "done_on": today().isoformat()})
        self.assertEqual(r.status, 200, r)
        pre = by_kind(r.json["reports"], "ppc_preliminary")
        self.assertEqual((pre["status"], pre["late"], pre["flag"]), ("done", True, None))
        r = self.officer.client.post(url, {"kind": "ppc_final", "state": "done",
                                           "done_on": today().isoformat()})
        self.assertFalse(by_kind(r.json["reports"], "ppc_final")["late"])
        # Moving the discovery later afterwards does not wash the mark away.
        v = self.patch(iid, discovered_at=ago(0))
        self.assertTrue(by_kind(v["reports"], "ppc_preliminary")["late"])
        self.assertTrue([e for e in self.events("incident.report", iid)
                         if e["summary"].get("late")])

    def test_notice_to_the_people_is_due_promptly(self):
        iid = self.report(pd_count=2)["id"]
        v = self.patch(iid, pd_financial=True)
        subj = by_kind(v["reports"], "subjects")
        self.assertEqual((subj["required"], subj["due_rule"], subj["due"], subj["flag"],
                          subj["status"]),
                         (True, "promptly", v["ppc"]["final_due"], "soon", "pending"))
        # Overdue once the final report's date has passed.
        old = self.report(discovered_at=ago(40), pd_count=2)["id"]
        v = self.patch(old, pd_financial=True)
        self.assertEqual(by_kind(v["reports"], "subjects")["flag"], "missed")

    def test_contractor_exception_stops_the_ppc_clock(self):
        inc = self.report(pd_count=5)
        iid, day = inc["id"], inc["discovered_on"]
        self.patch(iid, pd_sensitive=True)
        c = self.officer.client
        url = API + "/incidents/%d" % iid
        v = self.officer_view(iid)
        r = c.patch(url, {"version": v["version"], "contractor_notified_on": day})
        self.assertFieldError(r, "ppc_contractor", "required")
        self.assertFieldError(r, "contractor_client", "required")
        tomorrow = (today() + timedelta(days=2)).isoformat()
        r = c.patch(url, {"version": v["version"], "ppc_contractor": True,
                          "contractor_client": "株式会社委託元", "contractor_notified_on": tomorrow})
        self.assertFieldError(r, "contractor_notified_on", "in_future")
        r = c.patch(url, {"version": v["version"], "ppc_contractor": True,
                          "contractor_client": "株式会社委託元",
                          "contractor_notified_on": nth_day(day, 0)})
        self.assertFieldError(r, "contractor_notified_on", "before_discovery")
        # The choice alone does not stop the clock; the client told on a date does.
        v = self.patch(iid, ppc_contractor=True, contractor_client="株式会社委託元")
        self.assertEqual(v["ppc"]["state"], "required")
        v = self.patch(iid, contractor_notified_on=day)
        self.assertEqual(v["ppc"]["state"], "contractor")
        self.assertEqual(v["ppc"]["reasons"], ["sensitive"])
        self.assertIsNone(v["ppc"]["final_due"])
        self.assertEqual(v["contractor"], {"handled_as_contractor": True,
                                           "client": "株式会社委託元", "notified_on": day})
        for kind in ("ppc_preliminary", "ppc_final", "subjects"):
            self.assertFalse(by_kind(v["reports"], kind)["required"], kind)
        self.assertEqual(v["reports_outstanding"], 0)
        v = self.patch(iid, contractor_notified_on=None)
        self.assertEqual(v["ppc"]["state"], "required")

    def test_deadlines_carry_their_weekday_and_holidays(self):
        # Learned at 10:00 on 31 March 2026 in Tokyo: the final report is due on 29 April,
        # Showa Day; the preliminary limit, 4 April, is a Saturday.
        iid = self.report(discovered_at="2026-03-31T01:00:00Z", pd_count=2)["id"]
        v = self.patch(iid, pd_sensitive=True)
        self.assertEqual((v["ppc"]["final_due"], v["ppc"]["preliminary_limit"]),
                         ("2026-04-29", "2026-04-04"))
        self.assertEqual(v["days"]["2026-04-29"], {"weekday": 3, "off": "holiday",
                                                  "holiday_ja": "昭和の日",
                                                  "holiday_en": "Showa Day"})
        self.assertEqual(v["days"]["2026-04-04"]["off"], "saturday")
        self.assertEqual(v["days"]["2026-04-02"], {"weekday": 4, "off": None,
                                                  "holiday_ja": None, "holiday_en": None})

    # --- the report as a document, and its copy as sent ---------------------------------------

    def mynumber_leak(self, **extra):
        inc = self.report(title="源泉徴収票の控えの紛失", pd_count=150)
        fields = dict(pd_mynumber=True, pd_items="氏名、住所、個人番号", pd_media="紙",
                      cause="保管庫の施錠漏れ", secondary_damage="確認されていない",
                      subject_response="対象の従業員に個別に説明する", prevention="鍵の管理簿を作る",
                      safeguards="施錠保管", source="人事部")
        fields.update(extra)
        return inc, self.patch(inc["id"], **fields)

    def test_report_document_holds_every_item(self):
        inc, v = self.mynumber_leak()
        iid = inc["id"]
        url = API + "/incidents/%d/document?kind=ppc_final" % iid
        r = self.auditor.client.get(url)
        self.assertEqual(r.status, 200, r)
        doc = r.json
        headings = [i["heading"] for i in doc["items"]]
        self.assertEqual(headings, [
            "事業者の名称", "報告番号（社内）", "作成日", "報告の根拠", "1. 概要",
            "2. 漏えい等が発生し、又は発生したおそれがある個人データの項目",
            "3. 漏えい等が発生し、又は発生したおそれがある個人データに係る本人の数",
            "4. 原因", "5. 二次被害又はそのおそれの有無及びその内容",
            "6. 本人への対応の実施状況", "7. 公表の実施状況", "8. 再発防止のための措置",
            "9. その他参考となる事項"])
        values = {i["key"]: i["value"] for i in doc["items"]}
        org = self.admin.client.get(API + "/settings").json["org_name"]
        self.assertEqual(values["org"], org)
        self.assertEqual(values["people"], "150人")
        self.assertEqual(values["cause"], "保管庫の施錠漏れ")
        self.assertIn("番号法第29条の4第1項", values["basis"])
        self.assertIn("源泉徴収票の控えの紛失", values["outline"])
        # The text lays out each item's Japanese heading with its value.
        for item in doc["items"]:
            self.assertIn("【%s】\n%s\n" % (item["heading"], item["value"]), doc["text"])
        r = self.auditor.client.get(API + "/incidents/%d/document.txt?kind=ppc_final" % iid)
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.headers["Content-Type"].startswith("text/plain"))
        self.assertEqual(r.body.decode("utf-8"), doc["text"])
        en = self.auditor.client.get(url + "&lang=en").json
        self.assertIn("4. Cause", [i["heading"] for i in en["items"]])
        rb = self.auditor.client.get(API + "/incidents/%d/document?kind=review_body" % iid).json
        self.assertIn("プライバシーマーク登録番号", [i["heading"] for i in rb["items"]])
        self.assertIn("媒体: 紙", {i["key"]: i["value"] for i in rb["items"]}["media_items_count"])
        self.assertFieldError(self.auditor.client.get(API + "/incidents/%d/document" % iid),
                              "kind", "required")
        self.assertFieldError(self.auditor.client.get(
            API + "/incidents/%d/document?kind=police" % iid), "kind", "invalid_choice")
        self.assertProblem(self.alice.client.get(url), 403, "forbidden")
        self.assertProblem(self.auditor.client.get(API + "/incidents/999999/document?kind=ppc_final"),
                           404, "not_found")
        reads = [e for e in self.events("incident.read", iid)
                 if (e["summary"] or {}).get("document") == "ppc_final"]
        self.assertTrue(reads)

    def test_frozen_copy_unchanged_after_an_edit(self):
        inc, v = self.mynumber_leak()
        iid = inc["id"]
        url = API + "/incidents/%d/reports" % iid
        r = self.officer.client.post(url, {"kind": "ppc_preliminary", "state": "done",
                                           "done_on": today().isoformat()})
        self.assertEqual(r.status, 200, r)
        copies = r.json["copies"]
        self.assertEqual([c["kind"] for c in copies], ["ppc_preliminary"])
        copy_url = API + "/incidents/%d/copies/%d" % (iid, copies[0]["id"])
        first = self.auditor.client.get(copy_url)
        self.assertEqual(first.status, 200, first)
        self.assertIn("【4. 原因】\n保管庫の施錠漏れ", first.json["text"])
        # Edits afterwards change today's document, not the copy as sent.
        self.patch(iid, cause="鍵の紛失", pd_count=180)
        again = self.auditor.client.get(copy_url).json
        self.assertEqual(again, first.json)
        now = self.auditor.client.get(API + "/incidents/%d/document?kind=ppc_preliminary" % iid)
        self.assertIn("【4. 原因】\n鍵の紛失", now.json["text"])
        self.assertIn("180人", now.json["text"])
        # Recorded again while done: no new copy. The final report gets its own.
        r = self.officer.client.post(url, {"kind": "ppc_preliminary", "state": "done",
                                           "done_on": today().isoformat(), "note": "受付番号 12"})
        self.assertEqual(len(r.json["copies"]), 1)
        r = self.officer.client.post(url, {"kind": "ppc_final", "state": "done",
                                           "done_on": today().isoformat()})
        self.assertEqual([c["kind"] for c in r.json["copies"]], ["ppc_preliminary", "ppc_final"])
        # The copy is sealed at rest and belongs to its incident.
        body = self.srv.sql("SELECT body FROM incident_report_copies WHERE id = ?",
                            (copies[0]["id"],))[0][0]
        self.assertTrue(body.startswith("v1:"))
        self.assertNotIn("保管庫", body)
        other = self.report()["id"]
        self.assertProblem(self.auditor.client.get(
            API + "/incidents/%d/copies/%d" % (other, copies[0]["id"])), 404, "not_found")
        # The timeline says which fields an edit changed.
        updated = [e for e in self.officer_view(iid)["timeline"] if e["kind"] == "updated"]
        self.assertIn("cause", updated[-1]["data"]["fields"])

    def test_notice_letter(self):
        inc, v = self.mynumber_leak()
        iid = inc["id"]
        r = self.officer.client.get(API + "/incidents/%d/notice-draft" % iid)
        self.assertEqual(r.status, 200, r)
        draft = r.json["text"]
        for s in ("氏名、住所、個人番号", "保管庫の施錠漏れ", "個人番号の変更を請求できます"):
            self.assertIn(s, draft)
        self.assertProblem(self.auditor.client.get(API + "/incidents/%d/notice-draft" % iid),
                           403, "forbidden")
        letter = draft.replace("（窓口の名称・電話番号・受付時間を記入してください）",
                               "人事部 03-0000-0000")
        v = self.patch(iid, notice_letter=letter)
        self.assertEqual(v["notice_letter"], letter)
        self.assertNotIn("notice_letter", self.get(self.auditor, iid).json)
        stored = self.srv.sql("SELECT notice_letter FROM incidents WHERE id = ?", (iid,))[0][0]
        self.assertTrue(stored.startswith("v1:"))

    # --- the review body's clock --------------------------------------------------------------

    def test_review_body_clock(self):
        c = self.officer.client
        s = c.get(API + "/incidents/settings").json
        r = c.patch(API + "/incidents/settings", {"version": s["version"], "holds_pmark": True,
                                                   "review_body_days": 3,
                                                   "pmark_number": "10000001(01)"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["pmark_number"], "10000001(01)")
        try:
            # A service outage without personal data owes no report and closes.
            outage = self.report(category="service_stop", title="サーバーの停止",
                                 description="午前中、受注システムが止まった。")["id"]
            v = self.officer_view(outage)
            self.assertEqual(v["review_body"]["state"], "none")
            self.assertFalse(by_kind(v["reports"], "review_body")["required"])
            for to in ("triage", "action", "closed"):
                r = self.move(outage, to)
                self.assertEqual(r.status, 200, r)
            # A lost encrypted laptop with 3 customers: no PPC report, the review body's yes.
            inc = self.report(pd_count=3)
            iid, day = inc["id"], inc["discovered_on"]
            v = self.patch(iid, pd_encrypted=True)
            self.assertEqual(v["ppc"]["state"], "not_required")
            self.assertEqual((v["review_body"]["state"], v["review_body"]["reasons"]),
                             ("required", ["personal_info"]))
            rb = by_kind(v["reports"], "review_body")
            self.assertEqual((rb["required"], rb["due"], rb["target"]),
                             (True, nth_day(day, 30), nth_day(day, 3)))
            self.assertFalse(by_kind(v["reports"], "review_body_preliminary")["required"])
            # Sensitive data: exempt from the PPC by encryption, not from the review body's
            # preliminary report.
            v = self.patch(iid, pd_sensitive=True)
            self.assertEqual(v["ppc"]["state"], "exempt")
            pre = by_kind(v["reports"], "review_body_preliminary")
            self.assertEqual((pre["required"], pre["due"], pre["target"]),
                             (True, nth_day(day, 5), nth_day(day, 3)))
            self.assertIn("sensitive", v["review_body"]["reasons"])
            # An unauthorised purpose: 60 days.
            v = self.patch(iid, pd_unauthorised=True)
            self.assertEqual(by_kind(v["reports"], "review_body")["due"], nth_day(day, 60))
            # The old setting keys still work (the setup wizard writes them).
            s = c.get(API + "/incidents/settings").json
            r = c.patch(API + "/incidents/settings", {"version": s["version"],
                                                       "holds_pmark": True,
                                                       "review_body_days": 5})
            self.assertEqual((r.status, r.json["review_body_days"]), (200, 5))
        finally:
            s = c.get(API + "/incidents/settings").json
            c.patch(API + "/incidents/settings", {"version": s["version"], "holds_pmark": False})

    # --- the personal information register ----------------------------------------------------

    def test_register_entries_with_my_numbers(self):
        admin = self.admin.client
        r = admin.post(API + "/pinfo", dict(PINFO, record_count=150, my_number=True))
        self.assertEqual(r.status, 201, r)
        pid = r.json["id"]
        self.assertTrue(admin.get(API + "/pinfo/%d" % pid).json["my_number"])
        iid = self.report(pd_involved=True)["id"]
        v = self.patch(iid, pinfo_ids=[pid])
        self.assertEqual(v["impact"]["pinfo"], [{"id": pid, "name": "源泉徴収関係書類",
                                                 "items": "氏名、住所、個人番号",
                                                 "record_count": 150, "sensitive": False,
                                                 "my_number": True}])
        cur = self.officer_view(iid)
        r = self.officer.client.patch(API + "/incidents/%d" % iid,
                                      {"version": cur["version"], "pinfo_ids": [999999]})
        self.assertFieldError(r, "pinfo_ids", "not_found")
        self.assertEqual(len(self.officer_view(iid)["impact"]["pinfo"]), 1)
        upd = self.events("incident.update", iid)
        self.assertTrue(any("pinfo_ids" in e["summary"]["fields"] for e in upd))
        csv_text = admin.get(API + "/pinfo.csv").body.decode("utf-8-sig")
        self.assertIn("特定個人情報 (マイナンバー)", csv_text.splitlines()[0])

    # --- one word for one thing ---------------------------------------------------------------

    def test_export_and_document_words_match_the_screen(self):
        with open(os.path.join(I18N, "incidents.ja.json"), encoding="utf-8") as f:
            ja = json.load(f)
        ids = {}
        for cat in ja["category"]:
            ids[self.report(category=cat, title="分類 %s" % cat)["id"]] = cat
        rows = list(csv.reader(io.StringIO(self.auditor.client.get(
            API + "/incidents.csv").body.decode("utf-8-sig"))))
        for row in rows[1:]:
            if int(row[0]) in ids:
                self.assertEqual(row[2], ja["category"][ids[int(row[0])]])
                self.assertEqual(row[1], ja["kind"]["incident"])
                self.assertEqual(row[4], ja["status"]["reported"])
        # The document writes a report's status with the screen's word.
        inc, v = self.mynumber_leak()
        doc = self.auditor.client.get(
            API + "/incidents/%d/document?kind=ppc_final" % inc["id"]).json
        subj = by_kind(v["reports"], "subjects")
        line = "%s: %s" % (ja["reportKind"]["subjects"], ja["reportStatus"][subj["status"]])
        self.assertIn(line, {i["key"]: i["value"] for i in doc["items"]}["subject_response"])
        police = by_kind(v["reports"], "police")
        self.assertEqual(police["status"], "not_required")
        self.assertIn("%s: %s" % (ja["reportKind"]["police"], ja["reportStatus"]["not_required"]),
                      doc["text"])
