"""Policies and pledges (方針・誓約書): versions approved through the engine (drafter → privacy
officer → top management) and published on their effective date, earlier versions kept, the
published text readable by everyone and drafts by nobody else, attached PDFs typed by their
bytes and kept by hash outside any served folder; pledges acknowledged only with the person's
password (audited), new accounts asked on hire, exit requests, who has and has not signed."""
import csv
import io
import os
from datetime import timedelta

from harness import API, ServerTestCase, org_today

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]"
       b"/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def day(n=0):
    return (org_today() + timedelta(days=n)).isoformat()


class PoliciesTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        admin = cls.admin.client
        cls.sales = admin.post(API + "/departments", {"name": "営業部"}).json["id"]
        cls.officer = cls.srv.create_user("po_officer", roles=["officer"], name="事務局 一郎")
        cls.exec = cls.srv.create_user("po_exec", roles=["executive"], name="社長 太郎")
        cls.emp = cls.srv.create_user("po_emp", department_id=cls.sales)

    def approve_all(self, version_id):
        """The privacy officer, then top management, approve the version's approval."""
        for acct in (self.officer, self.exec):
            waiting = acct.client.get(API + "/approvals?box=waiting").json["items"]
            mine = [a for a in waiting if a["record_type"] == "policy_version"
                    and a["record_id"] == version_id]
            self.assertEqual(len(mine), 1, (acct.login, waiting))
            r = acct.client.post(API + "/approvals/%d/decision" % mine[0]["id"],
                                 {"version": mine[0]["version"], "decision": "approve"})
            self.assertEqual(r.status, 200, r)

    def publish(self, policy_id, body_ja="本文", effective_on=None, by=None):
        """A new version of the policy, submitted by the admin and approved by both steps."""
        by = by or self.admin.client
        r = by.post(API + "/policies/%d/versions" % policy_id, {"body_ja": body_ja,
                                                                "change_note": "改訂"})
        self.assertEqual(r.status, 201, r)
        v = r.json
        r = by.patch(API + "/policy-versions/%d" % v["id"],
                     {"version": v["version"], "effective_on": effective_on or day(0)})
        self.assertEqual(r.status, 200, r)
        r = by.post(API + "/policy-versions/%d/transition" % v["id"],
                    {"version": r.json["version"], "to": "submitted"})
        self.assertEqual(r.status, 200, r)
        self.approve_all(v["id"])
        return self.admin.client.get(API + "/policy-versions/%d" % v["id"]).json

    def starter(self, code):
        items = self.officer.client.get(API + "/policies?category=pledge").json["items"]
        return [p for p in items if p["code"] == code][0]

    def test_versions_approval_and_publication(self):
        admin = self.admin.client
        r = admin.post(API + "/policies", {"category": "standard", "title_ja": "情報セキュリティ対策基準",
                                           "title_en": "Security standards"})
        self.assertEqual(r.status, 201, r)
        p = r.json
        # Not published: employees do not see it.
        self.assertProblem(self.emp.client.get(API + "/policies/%d" % p["id"]), 404)
        r = admin.post(API + "/policies/%d/versions" % p["id"], {"body_ja": "# 第1条\n\n*目的* を定めます。",
                                                              "change_note": "制定"})
        v = r.json
        self.assertEqual((v["number"], v["status"]), (1, "draft"))
        self.assertEqual([t["to"] for t in v["allowed_transitions"]], ["submitted", "discarded"])
        # One open version at a time.
        self.assertFieldError(admin.post(API + "/policies/%d/versions" % p["id"],
                                         {"change_note": "二つ目"}), "policy",
                              "version_open")
        # Submitting needs an effective date: 422, nothing moves.
        r = admin.post(API + "/policy-versions/%d/transition" % v["id"],
                       {"version": v["version"], "to": "submitted"})
        self.assertFieldError(r, "effective_on", "required")
        # A stale edit is refused.
        r = admin.patch(API + "/policy-versions/%d" % v["id"], {"version": v["version"] + 5,
                                                                "effective_on": day(0)})
        self.assertProblem(r, 409)
        r = admin.patch(API + "/policy-versions/%d" % v["id"], {"version": v["version"],
                                                                "effective_on": day(0)})
        self.assertEqual(r.status, 200, r)
        r = admin.post(API + "/policy-versions/%d/transition" % v["id"],
                       {"version": r.json["version"], "to": "submitted"})
        self.assertEqual(r.json["status"], "submitted")
        # While it waits, it is not editable, and the employee cannot read it.
        self.assertFieldError(admin.patch(API + "/policy-versions/%d" % v["id"],
                                          {"version": r.json["version"], "body_ja": "x"}),
                              "status", "not_editable")
        self.assertProblem(self.emp.client.get(API + "/policy-versions/%d" % v["id"]), 404)
        # Top management cannot jump the privacy officer's step.
        waiting = self.exec.client.get(API + "/approvals?box=waiting").json["items"]
        self.assertNotIn(v["id"], [a["record_id"] for a in waiting])
        # The approver may read what they approve.
        self.assertEqual(self.officer.client.get(API + "/policy-versions/%d" % v["id"]).status, 200)
        self.approve_all(v["id"])
        v1 = admin.get(API + "/policy-versions/%d" % v["id"]).json
        self.assertEqual(v1["status"], "published")
        self.assertEqual([s["status"] for s in v1["approval"]["steps"]], ["approved", "approved"])
        kinds = [e["to_status"] for e in v1["timeline"] if e["kind"] == "status"]
        self.assertEqual(kinds[-3:], ["submitted", "approved", "published"])
        # Everyone reads the published text, rendered as data (no HTML).
        shown = self.emp.client.get(API + "/policies/%d" % p["id"]).json
        self.assertEqual(shown["published"]["number"], 1)
        doc = shown["published"]["document"]["ja"]
        self.assertEqual(doc["c"][0]["t"], "heading")
        self.assertNotIn("<", str(doc))

        # Version 2 takes effect later: approved now, published by the job on its date.
        v2 = self.publish(p["id"], body_ja="改訂した本文", effective_on=day(3))
        self.assertEqual(v2["status"], "approved")
        self.assertEqual(self.emp.client.get(API + "/policies/%d" % p["id"]).json["published"]["number"], 1)
        self.srv.sql("UPDATE policy_versions SET effective_on = ? WHERE id = ?", (day(0), v2["id"]))
        r = self.srv.cli("jobs", "run")
        self.assertEqual(r.returncode, 0, r.stderr)
        shown = self.emp.client.get(API + "/policies/%d" % p["id"]).json
        self.assertEqual(shown["published"]["number"], 2)
        # Earlier versions are kept and stay readable.
        self.assertEqual([(x["number"], x["status"]) for x in shown["versions"]],
                         [(2, "published"), (1, "superseded")])
        self.assertEqual(self.emp.client.get(API + "/policy-versions/%d" % v1["id"]).json["body"]["ja"],
                         "# 第1条\n\n*目的* を定めます。")

    def test_send_back_and_reject(self):
        admin = self.admin.client
        p = admin.post(API + "/policies", {"category": "procedure", "title_ja": "持ち出し手順"}).json
        v = admin.post(API + "/policies/%d/versions" % p["id"], {"body_ja": "手順", "effective_on": day(1),
                                                                  "change_note": "制定"}).json
        r = admin.post(API + "/policy-versions/%d/transition" % v["id"], {"version": v["version"], "to": "submitted"})
        self.assertEqual(r.status, 200, r)
        a = [x for x in self.officer.client.get(API + "/approvals?box=waiting").json["items"]
             if x["record_id"] == v["id"]][0]
        self.assertFieldError(self.officer.client.post(API + "/approvals/%d/decision" % a["id"], {
            "version": a["version"], "decision": "send_back"}), "comment", "required")
        r = self.officer.client.post(API + "/approvals/%d/decision" % a["id"], {
            "version": a["version"], "decision": "send_back", "comment": "第3項を具体的に"})
        self.assertEqual(r.status, 200, r)
        v = admin.get(API + "/policy-versions/%d" % v["id"]).json
        self.assertEqual(v["status"], "sent_back")
        self.assertTrue(v["editable"])
        # An employee cannot draft.
        self.assertProblem(self.emp.client.post(API + "/policy-versions/%d/transition" % v["id"], {
            "version": v["version"], "to": "submitted"}), 403)

    def test_pdf_upload(self):
        admin = self.admin.client
        p = admin.post(API + "/policies", {"category": "internal_rule", "title_ja": "就業規則"}).json
        v = admin.post(API + "/policies/%d/versions" % p["id"], {"change_note": "PDF 版"}).json
        url = API + "/policy-versions/%d/file?version=%d&name=rules.pdf" % (v["id"], v["version"])
        # Not a PDF, whatever the client says: refused, nothing stored.
        r = admin.request("PUT", url, raw=b"MZ\x90\x00 not a pdf at all" * 10,
                          content_type="application/pdf")
        self.assertFieldError(r, "file", "invalid_file_type")
        self.assertEqual(self.srv.sql("SELECT COUNT(*) FROM files")[0][0], 0)
        r = admin.request("PUT", url, raw=PDF, content_type="application/pdf")
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json["format"], r.json["file"]["name"], r.json["file"]["size"]),
                         ("pdf", "rules.pdf", len(PDF)))
        h = r.json["file"]["hash"]
        # In the database, with the version (so in every backup, and the same on every node).
        self.assertEqual(self.srv.sql("SELECT size, type FROM files WHERE hash = ?", (h,)),
                         [(len(PDF), "application/pdf")])
        self.assertFalse(os.path.exists(os.path.join(self.srv.data, "files")))
        # A stale version is refused, and the same bytes again are still one file.
        self.assertProblem(admin.request("PUT", url, raw=PDF, content_type="application/pdf"), 409)
        self.assertEqual(self.srv.sql("SELECT COUNT(*) FROM files")[0][0], 1)
        r = admin.get(API + "/policy-versions/%d/file" % v["id"])
        self.assertEqual((r.status, r.body), (200, PDF))
        self.assertEqual(r.headers["Content-Type"], "application/pdf")
        self.assertIn("attachment", r.headers["Content-Disposition"])
        # A draft's file is not for employees.
        self.assertProblem(self.emp.client.get(API + "/policy-versions/%d/file" % v["id"]), 404)

    def test_pledges(self):
        admin = self.admin.client
        pledge = self.starter("pledge-employee")
        self.assertTrue(pledge["on_hire"])
        self.assertIsNone(pledge["published"])  # the starter text waits for its approval
        # No exit pledge yet: the offboarding request says so.
        self.assertFieldError(admin.post(API + "/pledges/exit", {"user_id": self.emp.id}), "policy", "none")
        # Publish the starter draft through the chain.
        vid = pledge["open_version"]["id"]
        v = admin.get(API + "/policy-versions/%d" % vid).json
        self.assertIn("秘密保持", v["body"]["ja"])
        r = admin.patch(API + "/policy-versions/%d" % vid, {"version": v["version"], "effective_on": day(0)})
        r = admin.post(API + "/policy-versions/%d/transition" % vid, {"version": r.json["version"], "to": "submitted"})
        self.assertEqual(r.status, 200, r)
        self.approve_all(vid)
        self.assertEqual(admin.get(API + "/policy-versions/%d" % vid).json["status"], "published")

        # A new part-time employee is asked on hire, at once.
        new = self.srv.create_user("po_part", department_id=self.sales, employment_type="part_time",
                                   name="新人 パート")
        pending = new.client.get(API + "/me/pledges").json["pending"]
        self.assertEqual([x["kind"] for x in pending], ["pledge_hire"])
        item = new.client.get(API + "/pledges/items/%d" % pending[0]["item_id"]).json
        self.assertTrue(item["can_acknowledge"])
        self.assertEqual(item["policy"]["published"]["number"], 1)
        tasks = new.client.get(API + "/me/tasks").json["items"]
        self.assertIn("pledge_hire", [t["kind"] for t in tasks])
        # Someone who existed before is not asked on hire.
        self.assertEqual(self.emp.client.get(API + "/me/pledges").json["pending"], [])

        url = API + "/pledges/items/%d/acknowledge" % item["id"]
        body = {"version": item["version"], "policy_version_id": vid, "password": "wrong-Pass-1"}
        head = self.srv.audit_head()
        r = new.client.post(url, body)
        self.assertFieldError(r, "password", "wrong_password")
        failed = self.srv.sql("SELECT COUNT(*) FROM audit_events WHERE action = 'pledge.password_failed' "
                              "AND actor_id = ?", (new.id,))[0][0]
        self.assertEqual(failed, 1)
        self.assertEqual(self.srv.sql("SELECT COUNT(*) FROM pledge_acknowledgements")[0][0], 0)
        self.assertNotEqual(self.srv.audit_head(), head)
        # Without a password at all: 422 from the schema.
        self.assertFieldError(new.client.post(url, {"version": item["version"], "policy_version_id": vid}),
                              "password", "required")
        # The engine's own answer route cannot acknowledge a pledge.
        r = new.client.post(API + "/campaign-items/%d/answer" % item["id"],
                            {"version": item["version"], "answer": {"policy_version_id": vid}})
        self.assertFieldError(r, "password", "required")
        # A stale item version, or an old text: 409.
        body["password"] = new.password
        self.assertProblem(new.client.post(url, dict(body, version=item["version"] + 3)), 409)
        self.assertProblem(new.client.post(url, dict(body, policy_version_id=vid + 1000)), 409)
        # Someone else cannot sign for them.
        self.assertProblem(self.emp.client.post(url, dict(body, password=self.emp.password)), 404)
        r = new.client.post(url, body)
        self.assertEqual(r.status, 201, r)
        rec = r.json
        self.assertEqual((rec["person"]["name"], rec["person"]["employment_type"], rec["person"]["department"],
                          rec["occasion"], rec["version"]["number"], rec["confirmed_with"]),
                         ("新人 パート", "part_time", "営業部", "hire", 1, "password"))
        self.assertEqual(len(rec["body_hash"]), 64)
        audit = self.srv.sql("SELECT COUNT(*) FROM audit_events WHERE action = 'pledge.acknowledge' "
                             "AND actor_id = ? AND object_id = ?", (new.id, rec["id"]))[0][0]
        self.assertEqual(audit, 1)
        self.assertFieldError(new.client.post(url, dict(body, version=item["version"] + 1)), "item",
                              "already_answered")
        # The printable record: the person and the office, nobody else.
        self.assertEqual(new.client.get(API + "/pledges/acknowledgements/%d" % rec["id"]).status, 200)
        self.assertEqual(self.officer.client.get(API + "/pledges/acknowledgements/%d" % rec["id"]).status, 200)
        self.assertProblem(self.emp.client.get(API + "/pledges/acknowledgements/%d" % rec["id"]), 404)

        # Who has and has not signed, per department and employment type.
        st = self.officer.client.get(API + "/pledges/status?policy_id=%d" % pledge["id"]).json
        states = {x["user"]["login"]: x["state"] for x in st["items"]}
        self.assertEqual(states["po_part"], "current")
        self.assertEqual(states["po_emp"], "never")
        part = [s for s in st["summary"] if s["employment_type"] == "part_time"][0]
        self.assertEqual((part["department"]["name"], part["people"], part["current"]), ("営業部", 1, 1))
        # In pages, each with the summary of everyone; the pages together are the whole list.
        self.assertEqual(st["total"], len(st["items"]))
        seen, cursor = [], None
        while True:
            page = self.officer.client.get(API + "/pledges/status?policy_id=%d&limit=2%s" % (
                pledge["id"], "&cursor=%d" % cursor if cursor is not None else "")).json
            self.assertLessEqual(len(page["items"]), 2)
            self.assertEqual((page["total"], page["summary"]), (st["total"], st["summary"]))
            seen += [x["user"]["login"] for x in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        self.assertEqual(seen, [x["user"]["login"] for x in st["items"]])
        self.assertFieldError(self.officer.client.get(
            API + "/pledges/status?policy_id=%d&limit=0" % pledge["id"]), "limit", "invalid_type")
        r = self.officer.client.get(API + "/pledges/status.csv?policy_id=%d&state=unsigned" % pledge["id"])
        self.assertEqual(r.status, 200, r)
        rows = list(csv.reader(io.StringIO(r.body.decode("utf-8-sig"))))
        logins = [x[1] for x in rows[1:]]
        self.assertIn("po_emp", logins)
        self.assertNotIn("po_part", logins)
        self.assertEqual(rows[0][:5], ["氏名", "ログインID", "部署", "雇用形態", "状態"])
        self.assertProblem(self.emp.client.get(API + "/pledges/status?policy_id=%d" % pledge["id"]), 403)

        # A yearly campaign asks everyone; an exit request asks the person leaving.
        r = self.officer.client.post(API + "/pledges/campaigns", {
            "policy_id": pledge["id"], "targets": ["all"], "due_on": day(14), "recurrence": "yearly"})
        self.assertEqual(r.status, 201, r)
        # The campaign's page shows a person who manages no department no department's
        # progress (who has not signed, in a small department, is about a person).
        cid = r.json["id"]
        r = self.emp.client.get(API + "/campaigns/%d" % cid)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["progress"], [])
        self.assertIn(self.sales, [p["department"]["id"] for p in self.officer.client.get(
            API + "/campaigns/%d" % cid).json["progress"] if p["department"]])
        kinds = [x["kind"] for x in self.emp.client.get(API + "/me/pledges").json["pending"]]
        self.assertEqual(kinds, ["pledge"])
        self.assertFieldError(self.officer.client.post(API + "/pledges/campaigns", {
            "policy_id": self.starter("pledge-exit")["id"], "targets": ["all"], "due_on": day(14)}),
            "policy_id", "not_published")
        exitp = self.starter("pledge-exit")
        ev = exitp["open_version"]["id"]
        v = admin.get(API + "/policy-versions/%d" % ev).json
        r = admin.patch(API + "/policy-versions/%d" % ev, {"version": v["version"], "effective_on": day(0)})
        admin.post(API + "/policy-versions/%d/transition" % ev, {"version": r.json["version"], "to": "submitted"})
        self.approve_all(ev)
        r = self.officer.client.post(API + "/pledges/exit", {"user_id": self.emp.id})
        self.assertEqual((r.status, r.json["requested"]), (201, 1), r)
        pending = self.emp.client.get(API + "/me/pledges").json["pending"]
        self.assertEqual(sorted(x["kind"] for x in pending), ["pledge", "pledge_exit"])
        # Signing the exit pledge ticks the leaver's offboarding list.
        r = admin.post(API + "/offboardings", {"user_id": self.emp.id, "leaving_on": day(7)})
        self.assertEqual(r.status, 201, r)
        oid = r.json["id"]
        ex = [x for x in pending if x["kind"] == "pledge_exit"][0]
        it = self.emp.client.get(API + "/pledges/items/%d" % ex["item_id"]).json
        r = self.emp.client.post(API + "/pledges/items/%d/acknowledge" % it["id"], {
            "version": it["version"], "policy_version_id": it["policy"]["published"]["id"],
            "password": self.emp.password})
        self.assertEqual((r.status, r.json["occasion"]), (201, "exit"), r)
        o = admin.get(API + "/offboardings/%d" % oid).json
        self.assertEqual(o["items"]["exit_pledge"]["state"], "done")

    def test_bad_input_writes_nothing(self):
        admin = self.admin.client
        head = self.srv.audit_head()
        count = self.srv.sql("SELECT COUNT(*) FROM policies")[0][0]
        self.assertFieldError(admin.post(API + "/policies", {"category": "memo", "title_ja": "x"}),
                              "category", "invalid_choice")
        self.assertFieldError(admin.post(API + "/policies", {"category": "standard", "title_ja": "x",
                                                             "on_hire": True}), "on_hire", "not_a_pledge")
        self.assertFieldError(admin.post(API + "/pledges/exit", {"user_id": 99999}), "user_id", "not_found")
        self.assertEqual(self.srv.sql("SELECT COUNT(*) FROM policies")[0][0], count)
        self.assertEqual(self.srv.audit_head(), head)
