"""Internal audit: the programme, independence (nobody audits their own department, the
conflict named), checklists from requirement sets, results with evidence and attachments
(typed by their bytes, size-limited), findings that open corrective actions linked both ways,
the department manager's answer, the audit's workflow, who may do what, and the report as JSON
and as a PDF whose text carries the Japanese headings and figures."""
import hashlib
import os
from datetime import timedelta

from harness import API, ServerTestCase, org_today
from pdftext import pdf_text

PDF_BYTES = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
             b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def day(n=0):
    return (org_today() + timedelta(days=n)).isoformat()


class InternalAuditTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        srv, admin = cls.srv, cls.admin.client
        cls.officer = srv.create_user("ia_officer", roles=["officer"], name="事務局 花子")
        cls.sales_mgr = srv.create_user("ia_sales_mgr", roles=["manager"], name="営業 部長")
        cls.it_mgr = srv.create_user("ia_it_mgr", roles=["manager"], name="情報 部長")
        cls.sales = admin.post(API + "/departments", {"name": "営業部",
                                                      "manager_id": cls.sales_mgr.id}).json
        cls.it = admin.post(API + "/departments", {"name": "情報システム部",
                                                   "manager_id": cls.it_mgr.id}).json
        cls.auditor_it = srv.create_user("ia_aud_it", roles=["auditor"], name="監査 一郎",
                                         department_id=cls.it["id"])
        cls.auditor_sales = srv.create_user("ia_aud_sales", roles=["auditor"], name="監査 次郎",
                                            department_id=cls.sales["id"])
        cls.exec = srv.create_user("ia_exec", roles=["executive"], name="社長 太郎")
        # An auditor with no department who stands in for the IT manager (代理).
        cls.deputy = srv.create_user("ia_deputy", roles=["auditor"], name="代理 三郎")
        it = admin.get(API + "/departments").json["items"]
        it = next(d for d in it if d["id"] == cls.it["id"])
        r = admin.patch(API + "/departments/%d" % it["id"], {"version": it["version"],
                                                              "deputy_id": cls.deputy.id})
        assert r.status == 200, r
        cls.staff = srv.create_user("ia_staff", department_id=cls.sales["id"])
        r = cls.officer.client.post(API + "/audit-programmes", {
            "year": org_today().year, "title": "年間内部監査計画",
            "objectives": "全部署を年1回監査する"})
        assert r.status == 201, r
        cls.programme = r.json

    def plan(self, **fields):
        body = {"programme_id": self.programme["id"], "title": "営業部の内部監査",
                "scope": "顧客情報の取扱い", "req_sets": ["jisq15001", "own"],
                "starts_on": day(0), "ends_on": day(7), "lead_id": self.auditor_it.id,
                "department_ids": [self.sales["id"]]}
        body.update(fields)
        return self.officer.client.post(API + "/audits", body)

    def new_audit(self, **fields):
        r = self.plan(**fields)
        self.assertEqual(r.status, 201, r)
        return r.json

    def start(self, a, sets=("own",)):
        c = self.auditor_it.client
        r = c.post(API + "/audits/%d/checklist" % a["id"], {"sets": list(sets)})
        self.assertEqual(r.status, 200, r)
        a = c.get(API + "/audits/%d" % a["id"]).json
        r = c.post(API + "/audits/%d/transition" % a["id"],
                   {"version": a["version"], "to": "in_progress"})
        self.assertEqual(r.status, 200, r)
        return r.json

    def test_independence_is_refused_naming_the_conflict(self):
        head = self.srv.audit_head()
        count = self.srv.sql("SELECT COUNT(*) FROM internal_audits")[0][0]
        # The lead belongs to the audited department.
        r = self.plan(lead_id=self.auditor_sales.id)
        self.assertFieldError(r, "lead_id", "own_department")
        self.assertIn("営業部", r.json["errors"][0]["message"])
        self.assertIn("監査 次郎", r.json["errors"][0]["message"])
        self.assertEqual(r.json["conflicts"], [{
            "user_id": self.auditor_sales.id, "user_name": "監査 次郎",
            "department_id": self.sales["id"], "department_name": "営業部",
            "field": "lead_id"}])
        # An auditor of the team does.
        r = self.plan(auditor_ids=[self.auditor_sales.id])
        self.assertFieldError(r, "auditor_ids", "own_department")
        # Nor does whoever stands in for its manager.
        r = self.plan(department_ids=[self.it["id"]], lead_id=self.auditor_sales.id,
                      auditor_ids=[self.deputy.id])
        self.assertFieldError(r, "auditor_ids", "own_department")
        self.assertIn("代理 三郎", r.json["errors"][0]["message"])
        # Nothing was written.
        self.assertEqual(self.srv.sql("SELECT COUNT(*) FROM internal_audits")[0][0], count)
        self.assertEqual(self.srv.audit_head(), head)
        # A later change of the plan is held to the same rule.
        a = self.new_audit()
        r = self.officer.client.patch(API + "/audits/%d" % a["id"], {
            "version": a["version"], "department_ids": [self.it["id"]]})
        self.assertFieldError(r, "lead_id", "own_department")
        # And someone without an auditor role is not a lead.
        r = self.plan(lead_id=self.staff.id)
        self.assertFieldError(r, "lead_id", "not_auditor")

    def test_checklist_results_findings_and_actions(self):
        a = self.new_audit()
        c = self.auditor_it.client
        # The checklist from the sets: the clauses, the own rules and the SoA's controls.
        r = c.post(API + "/audits/%d/checklist" % a["id"], {"sets": ["iso27001", "own",
                                                                     "annex_a"]})
        self.assertEqual(r.status, 200, r)
        items = r.json["items"]
        codes = [(i["set"], i["code"]) for i in items]
        self.assertIn(("iso27001", "9.2"), codes)
        self.assertIn(("own", "R-14"), codes)
        self.assertIn(("annex_a", "A.5.1"), codes)
        self.assertEqual(r.json["added"], 25 + 18 + 93)
        # Building again adds nothing twice.
        r = c.post(API + "/audits/%d/checklist" % a["id"], {"sets": ["own"]})
        self.assertEqual(r.json["added"], 0)
        # Results wait until the audit starts.
        item = next(i for i in items if i["code"] == "R-14")
        r = c.patch(API + "/audit-items/%d" % item["id"], {"version": item["version"],
                                                            "result": "conforms"})
        self.assertProblem(r, 403, "not_in_progress")
        a = c.get(API + "/audits/%d" % a["id"]).json
        self.assertEqual(a["my_role"], "lead")
        r = c.post(API + "/audits/%d/transition" % a["id"], {"version": a["version"],
                                                            "to": "in_progress"})
        self.assertEqual(r.status, 200, r)
        r = c.patch(API + "/audit-items/%d" % item["id"], {
            "version": item["version"], "result": "conforms",
            "evidence": "3月分のヒヤリハット報告を確認", "department_id": self.sales["id"]})
        self.assertEqual(r.status, 200, r)
        item = r.json
        self.assertEqual((item["result"], item["checked_by"]["id"], item["department"]["name"]),
                         ("conforms", self.auditor_it.id, "営業部"))
        # Auditors off the audit, and other departments, are refused.
        self.assertProblem(self.auditor_sales.client.patch(
            API + "/audit-items/%d" % item["id"], {"version": item["version"],
                                                    "result": "major"}), 403, "not_on_audit")
        r = c.patch(API + "/audit-items/%d" % item["id"], {"version": item["version"],
                                                            "department_id": self.it["id"]})
        self.assertFieldError(r, "department_id", "out_of_scope")
        # A stale version is a conflict.
        self.assertEqual(c.patch(API + "/audit-items/%d" % item["id"], {
            "version": item["version"] - 1, "note": "x"}).status, 409)

        # Attachments: typed by their bytes, kept by hash outside the web root.
        url = API + "/audit-items/%d/attachments?name=%s" % (item["id"], "report%20(3).pdf")
        r = c.request("POST", url, raw=PDF_BYTES, content_type="application/pdf")
        self.assertEqual(r.status, 201, r)
        att = r.json["attachments"][0]
        self.assertEqual((att["name"], att["content_type"], att["size"]),
                         ("report (3).pdf", "application/pdf", len(PDF_BYTES)))
        # Stored once by its content hash, in the database (every backup has it), nowhere
        # the web server serves files from.
        digest = hashlib.blake2b(PDF_BYTES, digest_size=32).hexdigest()
        self.assertEqual(self.srv.sql("SELECT size, type FROM files WHERE hash = ?", (digest,)),
                         [(len(PDF_BYTES), "application/pdf")])
        self.assertFalse(os.path.exists(os.path.join(self.srv.data, "files")))
        r = self.exec.client.get(API + "/audit-attachments/%d" % att["id"])
        self.assertEqual((r.status, r.body), (200, PDF_BYTES))
        self.assertIn("attachment", r.headers["Content-Disposition"])
        # A script claiming to be a PDF is refused by what it is.
        r = c.request("POST", API + "/audit-items/%d/attachments?name=x.pdf" % item["id"],
                      raw=b"#!/bin/sh\nrm -rf /\n", content_type="application/pdf")
        self.assertFieldError(r, "file", "type_not_allowed")
        r = c.request("POST", API + "/audit-items/%d/attachments?name=big.pdf" % item["id"],
                      raw=PDF_BYTES + b" " * (10 * 1024 * 1024), content_type="application/pdf")
        self.assertProblem(r, 413, "too_large")
        r = c.request("POST", API + "/audit-items/%d/attachments" % item["id"],
                      raw=PDF_BYTES, content_type="application/pdf")
        self.assertFieldError(r, "name", "required")

        # A minor nonconformity opens its corrective action, linked both ways.
        other = next(i for i in items if i["code"] == "R-10")
        r = c.post(API + "/audits/%d/findings" % a["id"], {
            "item_id": other["id"], "department_id": self.sales["id"], "grade": "minor",
            "requirement": "R-10", "statement": "退社時に机上へ顧客リストが残っていた",
            "evidence": "18時の巡回", "due_on": day(30)})
        self.assertEqual(r.status, 201, r)
        f = r.json
        self.assertEqual((f["grade"], f["status"], f["department"]["name"]),
                         ("minor", "open", "営業部"))
        action = self.officer.client.get(API + "/actions/%d" % f["action"]["id"]).json
        self.assertEqual((action["source_type"], action["source_id"], action["owner"]["id"],
                          action["due_on"], action["kind"]),
                         ("finding", f["id"], self.sales_mgr.id, day(30), "corrective"))
        self.assertIn("退社時に机上へ顧客リストが残っていた", action["title"])
        # The item took the finding's grade.
        got = {i["id"]: i for i in c.get(API + "/audits/%d/items" % a["id"]).json["items"]}
        self.assertEqual(got[other["id"]]["result"], "minor")
        # A nonconformity without a due date, or about a department outside the scope: 422,
        # nothing written.
        n = self.srv.sql("SELECT COUNT(*) FROM internal_audit_findings")[0][0]
        r = c.post(API + "/audits/%d/findings" % a["id"], {
            "department_id": self.sales["id"], "grade": "major", "statement": "x"})
        self.assertFieldError(r, "due_on", "required")
        r = c.post(API + "/audits/%d/findings" % a["id"], {
            "department_id": self.it["id"], "grade": "observation", "statement": "x"})
        self.assertFieldError(r, "department_id", "out_of_scope")
        self.assertEqual(self.srv.sql("SELECT COUNT(*) FROM internal_audit_findings")[0][0], n)
        # An observation may later be acted on.
        obs = c.post(API + "/audits/%d/findings" % a["id"], {
            "department_id": self.sales["id"], "grade": "observation",
            "statement": "施錠の記録様式が部署ごとに違う"}).json
        self.assertIsNone(obs["action"])
        r = c.post(API + "/audit-findings/%d/action" % obs["id"], {
            "version": obs["version"], "due_on": day(60)})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["action"]["owner"]["id"], self.sales_mgr.id)
        obs = r.json

        # The audited department's manager answers; the action takes the cause and plan.
        mine = self.sales_mgr.client.get(API + "/audit-findings?status=open").json["items"]
        self.assertEqual({x["id"] for x in mine}, {f["id"], obs["id"]})
        tasks = self.sales_mgr.client.get(API + "/me/tasks").json["items"]
        self.assertIn("audit_finding:%d" % f["id"], [t["key"] for t in tasks])
        self.assertProblem(self.it_mgr.client.get(API + "/audit-findings/%d" % f["id"]), 404,
                           "not_found")
        self.assertProblem(self.officer.client.post(API + "/audit-findings/%d/response" % f["id"], {
            "version": f["version"], "cause": "x", "plan": "y"}), 403, "not_department_manager")
        r = self.sales_mgr.client.post(API + "/audit-findings/%d/response" % f["id"], {
            "version": f["version"], "cause": "最終退出者の点検手順がなかった",
            "plan": "最終退出者が机上を点検し記録する"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["status"], "responded")
        action = self.officer.client.get(API + "/actions/%d" % f["action"]["id"]).json
        self.assertEqual((action["cause"], action["plan"]),
                         ("最終退出者の点検手順がなかった", "最終退出者が机上を点検し記録する"))
        self.sales_mgr.client.post(API + "/audit-findings/%d/response" % obs["id"], {
            "version": obs["version"], "cause": "様式が統一されていない", "plan": "様式を統一する"})

        # Reporting needs every item checked and a summary.
        a = c.get(API + "/audits/%d" % a["id"]).json
        r = c.post(API + "/audits/%d/transition" % a["id"], {"version": a["version"],
                                                            "to": "reported"})
        self.assertFieldError(r, "to", "items_open")
        for it in c.get(API + "/audits/%d/items" % a["id"]).json["items"]:
            if it["result"] is None:
                r = c.patch(API + "/audit-items/%d" % it["id"], {
                    "version": it["version"],
                    "result": "conforms" if it["set"] != "annex_a" else "not_audited"})
                self.assertEqual(r.status, 200, r)
        r = c.patch(API + "/audits/%d" % a["id"], {
            "version": a["version"], "summary": "概ね適合。クリアデスクに軽微な不適合あり。"})
        self.assertEqual(r.status, 200, r)
        a = r.json
        # The office cannot write the report for the lead, nor may the executive edit.
        self.assertProblem(self.officer.client.post(API + "/audits/%d/transition" % a["id"], {
            "version": a["version"], "to": "reported"}), 403, "not_lead")
        self.assertProblem(self.exec.client.patch(API + "/audits/%d" % a["id"], {
            "version": a["version"], "title": "x"}), 403, "not_office")
        r = c.post(API + "/audits/%d/transition" % a["id"], {"version": a["version"],
                                                            "to": "reported"})
        self.assertEqual(r.status, 200, r)
        a = r.json
        r = self.officer.client.post(API + "/audits/%d/transition" % a["id"], {
            "version": a["version"], "to": "closed"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["status"], "closed")

        # The report, as JSON and on paper.
        rep = self.exec.client.get(API + "/audits/%d/report" % a["id"]).json
        self.assertEqual(rep["results"]["minor"], 1)
        self.assertEqual(len(rep["findings"]), 2)
        r = self.exec.client.get(API + "/audits/%d/report.pdf" % a["id"])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers["Content-Type"], "application/pdf")
        text = "".join(pdf_text(r.body).split())
        for words in ("内部監査報告書", "監査の概要", "営業部の内部監査", "チェックリストの結果",
                      "指摘事項と是正処置", "軽微な不適合", "退社時に机上へ顧客リストが残",
                      "監査 一郎", "最終退出者の点検手順がなかった"):
            self.assertIn("".join(words.split()), text)
        events = self.srv.sql("SELECT action FROM audit_events WHERE object_type = "
                              "'internal_audit' AND object_id = ?", (a["id"],))
        self.assertIn(("export.internal_audit_report",), events)

    def test_who_may_do_what(self):
        a = self.new_audit()
        # Top management and auditors read; employees do not.
        self.assertEqual(self.exec.client.get(API + "/audits/%d" % a["id"]).status, 200)
        self.assertEqual(self.auditor_sales.client.get(API + "/audits").status, 200)
        self.assertProblem(self.staff.client.get(API + "/audits"), 403, "forbidden")
        # Only the office plans audits; an auditor changes only the audits they are on.
        self.assertProblem(self.auditor_it.client.post(API + "/audits", {
            "programme_id": self.programme["id"], "title": "x", "starts_on": day(0),
            "ends_on": day(1), "lead_id": self.auditor_it.id,
            "department_ids": [self.sales["id"]]}), 403, "forbidden")
        self.assertProblem(self.auditor_sales.client.post(
            API + "/audits/%d/checklist" % a["id"], {"sets": ["own"]}), 403, "not_on_audit")
        a = self.start(a)
        self.assertProblem(self.auditor_sales.client.post(
            API + "/audits/%d/findings" % a["id"], {
                "department_id": self.sales["id"], "grade": "observation",
                "statement": "x"}), 403, "not_on_audit")
        # The lead's audit shows on their tasks.
        keys = [t["key"] for t in self.auditor_it.client.get(API + "/me/tasks").json["items"]]
        self.assertIn("internal_audit:%d" % a["id"], keys)
        # Cancelling needs the office and a reason.
        r = self.officer.client.post(API + "/audits/%d/transition" % a["id"], {
            "version": a["version"], "to": "cancelled"})
        self.assertFieldError(r, "comment", "required")
        r = self.officer.client.post(API + "/audits/%d/transition" % a["id"], {
            "version": a["version"], "to": "cancelled", "comment": "組織変更のため"})
        self.assertEqual(r.json["status"], "cancelled")

    def test_requirements_are_the_organisations(self):
        r = self.officer.client.get(API + "/audit-requirements?set=jisq15001")
        self.assertIn("9.2", [x["code"] for x in r.json["items"]])
        r = self.officer.client.post(API + "/audit-requirements", {
            "set": "own", "code": "R-99", "title_ja": "在宅勤務の規程を守っている"})
        self.assertEqual(r.status, 201, r)
        req = r.json
        r = self.officer.client.post(API + "/audit-requirements", {
            "set": "own", "code": "R-99", "title_ja": "重複"})
        self.assertFieldError(r, "code", "taken")
        r = self.officer.client.post(API + "/audit-requirements", {
            "set": "annex_a", "code": "A.9.9", "title_ja": "x"})
        self.assertFieldError(r, "set", "from_soa")
        r = self.officer.client.patch(API + "/audit-requirements/%d" % req["id"], {
            "version": req["version"], "active": False})
        self.assertEqual(r.json["active"], False)
        codes = [x["code"] for x in
                 self.officer.client.get(API + "/audit-requirements?set=own").json["items"]]
        self.assertNotIn("R-99", codes)
        self.assertProblem(self.auditor_it.client.post(API + "/audit-requirements", {
            "set": "own", "code": "R-98", "title_ja": "x"}), 403, "forbidden")
