"""Checklists (点検): templates and their versions, checklist campaigns on the workflow engine,
answering (draft and final, once), the comment a "no" needs, a "no" that becomes a corrective
action linked both ways, who sees which answers (the person, their department's manager, the
office), new joiners of a running campaign, conformance and exports."""
import csv
import io
import os
from datetime import timedelta

from harness import API, REPO, ServerTestCase, org_today


def day(n=0):
    return (org_today() + timedelta(days=n)).isoformat()


CONTENT = {"sections": [
    {"title": {"ja": "画面", "en": "Screen"}, "items": [
        {"key": "lock", "statement": {"ja": "離席時に画面をロックしている", "en": "I lock the screen"},
         "why": {"ja": "のぞき見を防ぎます", "en": "Stops prying eyes"},
         "fix": {"ja": "Windows+L を押します", "en": "Press Windows+L"}},
        {"statement": {"ja": "画面が窓から見えない", "en": "The screen cannot be seen from a window"}},
    ]},
]}


class ChecklistsTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        admin = cls.admin.client
        cls.sales = admin.post(API + "/departments", {"name": "営業部"}).json["id"]
        cls.dev = admin.post(API + "/departments", {"name": "開発部"}).json["id"]
        cls.mgr = cls.srv.create_user("ck_mgr", roles=["manager"], department_id=cls.sales,
                                      name="部長 一郎")
        d = [x for x in admin.get(API + "/departments").json["items"] if x["id"] == cls.sales][0]
        r = admin.patch(API + "/departments/%d" % cls.sales,
                        {"version": d["version"], "manager_id": cls.mgr.id})
        assert r.status == 200, r
        cls.a1 = cls.srv.create_user("ck_a1", department_id=cls.sales, name="営業 花子",
                                     employment_type="part_time")
        cls.a2 = cls.srv.create_user("ck_a2", department_id=cls.sales)
        cls.b1 = cls.srv.create_user("ck_b1", department_id=cls.dev)
        cls.officer = cls.srv.create_user("ck_officer", roles=["officer"])

    def template_id(self, code):
        items = self.officer.client.get(API + "/checklists").json["items"]
        return [t for t in items if t["code"] == code][0]["id"]

    def my_item(self, acct, campaign_id):
        items = acct.client.get(API + "/me/campaign-items?kind=checklist").json["items"]
        mine = [i for i in items if i["campaign_id"] == campaign_id]
        self.assertEqual(len(mine), 1, items)
        return acct.client.get(API + "/checklist-items/%d" % mine[0]["id"]).json

    def start(self, template_id, targets, **extra):
        body = {"template_id": template_id, "targets": targets, "due_on": day(7),
                "recurrence": "monthly"}
        body.update(extra)
        r = self.officer.client.post(API + "/checklist-campaigns", body)
        self.assertEqual(r.status, 201, r)
        return r.json

    @staticmethod
    def all_yes(item, **special):
        out = {}
        for sec in item["checklist"]["content"]["sections"]:
            for it in sec["items"]:
                out[it["key"]] = special.get(it["key"], {"answer": "yes"})
        return {"answers": out}

    def test_starter_templates_are_loaded_and_published(self):
        items = self.a1.client.get(API + "/checklists").json["items"]
        self.assertEqual(sorted(t["code"] for t in items), ["office", "pc", "telework-home"])
        self.assertTrue(all(t["current_version"]["number"] == 1 for t in items))
        tele = self.officer.client.get(API + "/checklists/%d" % self.template_id("telework-home")).json
        keys = [i["key"] for s in tele["content"]["sections"] for i in s["items"]]
        self.assertIn("wifi", keys)
        first = tele["content"]["sections"][0]["items"][0]
        self.assertTrue(first["why"]["ja"] and first["fix"]["en"])
        # Loading the same files again changes nothing.
        r = self.srv.cli("content", "import", os.path.join(REPO, "content"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("telework-home: updated", r.stdout)
        self.assertIn("no change to publish", r.stdout)
        again = self.officer.client.get(API + "/checklists/%d" % tele["id"]).json
        self.assertEqual(again["current_version"]["number"], 1)
        # Employees do not edit templates.
        self.assertProblem(self.a1.client.get(API + "/checklists/%d" % tele["id"]), 403)

    def test_template_versions_and_conflicts(self):
        off = self.officer.client
        r = off.post(API + "/checklists", {"title_ja": "画面の点検", "content": CONTENT})
        self.assertEqual(r.status, 201, r)
        t = r.json
        # Keys are given to items without one.
        self.assertEqual([i["key"] for i in t["content"]["sections"][0]["items"]], ["lock", "i1"])
        r = off.post(API + "/checklists/%d/publish" % t["id"], {"version": t["version"]})
        self.assertEqual(r.status, 200, r)
        v1 = r.json
        self.assertEqual(v1["current_version"]["number"], 1)
        # Publishing again without a change is refused.
        self.assertFieldError(off.post(API + "/checklists/%d/publish" % t["id"],
                                       {"version": v1["version"]}), "content", "unchanged")
        campaign = self.start(t["id"], ["department:%d" % self.dev])
        # A stale edit is refused; nothing changes.
        r = off.patch(API + "/checklists/%d" % t["id"], {"version": t["version"], "title_ja": "x"})
        self.assertProblem(r, 409)
        content = v1["content"]
        content["sections"][0]["items"].append({"key": "new", "statement": {"ja": "追加の項目"}})
        r = off.patch(API + "/checklists/%d" % t["id"], {"version": v1["version"], "content": content})
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.json["draft_changed"])
        r = off.post(API + "/checklists/%d/publish" % t["id"], {"version": r.json["version"]})
        self.assertEqual(r.json["current_version"]["number"], 2)
        # The running campaign keeps the version it started with.
        item = self.my_item(self.b1, campaign["id"])
        self.assertEqual(item["checklist"]["number"], 1)
        self.assertEqual(len(item["checklist"]["content"]["sections"][0]["items"]), 2)
        # Bad content: each problem named where it is; nothing written.
        head = self.srv.audit_head()
        bad = {"sections": [{"title": {"ja": "x"}, "items": [
            {"key": "Bad Key", "statement": {"ja": "a"}}, {"key": "ok", "statement": {"en": "no ja"}}]}]}
        r = off.patch(API + "/checklists/%d" % t["id"], {"version": r.json["version"], "content": bad})
        fields = r.error_fields()
        self.assertEqual(fields.get("content.sections[0].items[0].key"), ["invalid_key"], r)
        self.assertEqual(fields.get("content.sections[0].items[1].statement"), ["required"], r)
        self.assertEqual(self.srv.audit_head(), head)

    def test_answering_on_the_engine(self):
        tid = self.template_id("telework-home")
        c = self.start(tid, ["department:%d" % self.sales, "department:%d" % self.dev])
        item = self.my_item(self.a1, c["id"])
        self.assertTrue(item["can_answer"])
        self.assertEqual(item["status"], "pending")
        keys = [i["key"] for s in item["checklist"]["content"]["sections"] for i in s["items"]]
        answer_url = API + "/campaign-items/%d/answer" % item["id"]
        # Save and finish later: a partial draft is kept.
        r = self.a1.client.post(answer_url, {"version": item["version"], "final": False, "answer": {
            "answers": {keys[0]: {"answer": "yes"}}}})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["status"], "pending")
        item = self.a1.client.get(API + "/checklist-items/%d" % item["id"]).json
        self.assertEqual(item["answer"]["answers"][keys[0]]["answer"], "yes")
        # A final answer must cover every item, and a "no" needs a comment: 422, nothing stored.
        head = self.srv.audit_head()
        body = self.all_yes(item, wifi={"answer": "no"})
        r = self.a1.client.post(answer_url, {"version": item["version"], "answer": body})
        self.assertFieldError(r, "answers.wifi.comment", "required")
        partial = {"answers": {keys[0]: {"answer": "yes"}}}
        r = self.a1.client.post(answer_url, {"version": item["version"], "answer": partial})
        self.assertFieldError(r, "answers.%s" % keys[1], "required")
        r = self.a1.client.post(answer_url, {"version": item["version"], "answer": {
            "answers": {"nope": {"answer": "yes"}}}})
        self.assertFieldError(r, "answers.nope", "not_found")
        r = self.a1.client.post(answer_url, {"version": item["version"], "answer": {
            "answers": {keys[0]: {"answer": "maybe"}}}})
        self.assertFieldError(r, "answers.%s" % keys[0], "invalid_choice")
        self.assertEqual(self.srv.audit_head(), head)
        self.assertEqual(self.srv.sql("SELECT COUNT(*) FROM checklist_answers")[0][0], 0)
        # A stale version is refused.
        self.assertProblem(self.a1.client.post(answer_url, {"version": item["version"] - 1,
                                                            "answer": partial}), 409)
        body = self.all_yes(item, wifi={"answer": "no", "comment": "ルーターが初期パスワードのまま"},
                            printing={"answer": "na"})
        r = self.a1.client.post(answer_url, {"version": item["version"], "answer": body})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["status"], "done")
        # Answering twice is refused.
        r = self.a1.client.post(answer_url, {"version": r.json["version"], "answer": body})
        self.assertFieldError(r, "item", "already_answered")
        # Someone else's item does not exist for them.
        self.assertProblem(self.b1.client.post(answer_url, {"version": 2, "answer": body}), 404)
        item = self.a1.client.get(API + "/checklist-items/%d" % item["id"]).json
        self.assertFalse(item["can_answer"])
        self.assertEqual(len(item["rows"]), len(keys))
        no = [x for x in item["rows"] if x["answer"] == "no"]
        self.assertEqual([(x["key"], x["comment"]) for x in no], [("wifi", "ルーターが初期パスワードのまま")])

        # The "no" becomes a corrective action, owned by the person's manager, linked both ways.
        yes = [x for x in item["rows"] if x["answer"] == "yes"][0]
        self.assertFieldError(self.a1.client.post(API + "/checklist-answers/%d/action" % yes["id"],
                                                  {"owner": "person"}), "answer", "not_no")
        self.assertProblem(self.b1.client.post(API + "/checklist-answers/%d/action" % no[0]["id"],
                                               {"owner": "person"}), 404)
        r = self.a1.client.post(API + "/checklist-answers/%d/action" % no[0]["id"],
                                {"owner": "manager"})
        self.assertEqual(r.status, 201, r)
        action = r.json
        self.assertEqual((action["source_type"], action["source_id"], action["owner"]["id"],
                          action["status"], action["due_on"]),
                         ("checklist_answer", no[0]["id"], self.mgr.id, "open", day(30)))
        self.assertIn("ルーター", action["cause"])
        self.assertTrue(action["title"].startswith("点検: "))
        self.assertFieldError(self.a1.client.post(API + "/checklist-answers/%d/action" % no[0]["id"],
                                                  {"owner": "person"}), "answer", "already_open")
        item = self.a1.client.get(API + "/checklist-items/%d" % item["id"]).json
        linked = [x for x in item["rows"] if x["key"] == "wifi"][0]["action"]
        self.assertEqual(linked["id"], action["id"])
        self.assertEqual(self.mgr.client.get(API + "/actions/%d" % action["id"]).status, 200)
        audit = self.srv.sql("SELECT COUNT(*) FROM audit_events WHERE action = 'checklist.action' "
                             "AND object_id = ?", (no[0]["id"],))[0][0]
        self.assertEqual(audit, 1)

        # The other two answer; the manager sees their own department only.
        for acct, ans in ((self.a2, {}), (self.b1, {"lock": {"answer": "no", "comment": "忘れた"}})):
            it = self.my_item(acct, c["id"])
            r = acct.client.post(API + "/campaign-items/%d/answer" % it["id"],
                                 {"version": it["version"], "answer": self.all_yes(it, **ans)})
            self.assertEqual(r.status, 200, r)
        rows = self.mgr.client.get(API + "/checklist-campaigns/%d/answers" % c["id"]).json["items"]
        self.assertEqual({x["subject"]["id"] for x in rows}, {self.mgr.id, self.a1.id, self.a2.id})
        a1row = [x for x in rows if x["subject"]["id"] == self.a1.id][0]
        self.assertEqual(a1row["counts"]["no"], 1)
        self.assertEqual(a1row["noes"][0]["action"]["id"], action["id"])
        b1_item = self.my_item(self.b1, c["id"])
        self.assertProblem(self.mgr.client.get(API + "/checklist-items/%d" % b1_item["id"]), 404)
        # An employee sees only their own answers; the office every department.
        mine = self.a2.client.get(API + "/checklist-campaigns/%d/answers" % c["id"]).json["items"]
        self.assertEqual([x["subject"]["id"] for x in mine], [self.a2.id])
        everyone = self.officer.client.get(API + "/checklist-campaigns/%d/answers" % c["id"]).json
        self.assertEqual(len(everyone["items"]), 4)
        show = self.mgr.client.get(API + "/checklist-campaigns/%d" % c["id"]).json
        self.assertEqual([p["department"]["id"] for p in show["progress"]], [self.sales])
        self.assertTrue(show["sees_answers"])

        # Conformance per item and department; the manager's is their department's.
        conf = self.officer.client.get(API + "/checklist-campaigns/%d/conformance" % c["id"]).json
        self.assertEqual(len(conf["cycles"]), 1)
        wifi = [i for i in conf["items"] if i["key"] == "wifi"][0]
        self.assertEqual((wifi["series"][0]["yes"], wifi["series"][0]["no"], wifi["series"][0]["rate"]),
                         (2, 1, 66))
        depts = {d["department"]["name"]: d["series"][0] for d in conf["departments"]}
        self.assertEqual(set(depts), {"営業部", "開発部"})
        self.assertEqual(depts["開発部"]["no"], 1)
        mconf = self.mgr.client.get(API + "/checklist-campaigns/%d/conformance" % c["id"]).json
        self.assertEqual([d["department"]["name"] for d in mconf["departments"]], ["営業部"])

        # Exports: every answered item, the manager's limited to their department.
        r = self.officer.client.get(API + "/checklist-campaigns/%d/answers.csv" % c["id"])
        self.assertEqual(r.status, 200, r)
        rows = list(csv.reader(io.StringIO(r.body.decode("utf-8-sig"))))
        self.assertEqual(rows[0][:5], ["回", "部署", "氏名", "雇用形態", "状態"])
        wifi_rows = [x for x in rows if x[7] == "wifi" and x[2] == "営業 花子"]
        self.assertEqual(wifi_rows[0][9:12], ["いいえ", "ルーターが初期パスワードのまま", str(action["id"])])
        self.assertEqual(wifi_rows[0][3], "パート・アルバイト")
        pending = [x for x in rows if x[2] == "部長 一郎"]
        self.assertEqual(pending[0][4], "未回答")
        r = self.mgr.client.get(API + "/checklist-campaigns/%d/answers.csv" % c["id"])
        self.assertNotIn("Ck_b1 Test", r.body.decode("utf-8-sig"))
        r = self.officer.client.get(API + "/checklist-campaigns/%d/answers.xlsx" % c["id"])
        self.assertEqual(r.body[:2], b"PK")

    def test_new_joiners_get_their_item(self):
        c = self.start(self.template_id("pc"), ["department:%d" % self.dev], recurrence="yearly")
        # A new account in the department gets the item at once.
        new = self.srv.create_user("ck_new", department_id=self.dev)
        self.my_item(new, c["id"])
        # Someone moved into the department gets it when the job runs.
        mover = self.srv.create_user("ck_mover", department_id=self.sales)
        items = mover.client.get(API + "/me/campaign-items?kind=checklist").json["items"]
        self.assertNotIn(c["id"], [i["campaign_id"] for i in items])
        u = self.admin.client.get(API + "/users/%d" % mover.id).json
        r = self.admin.client.patch(API + "/users/%d" % mover.id,
                                    {"version": u["version"], "department_id": self.dev})
        self.assertEqual(r.status, 200, r)
        r = self.srv.cli("jobs", "run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.my_item(mover, c["id"])

    def test_bad_campaigns_write_nothing(self):
        head = self.srv.audit_head()
        count = self.srv.sql("SELECT COUNT(*) FROM campaigns")[0][0]
        off = self.officer.client
        tid = self.template_id("office")
        self.assertFieldError(off.post(API + "/checklist-campaigns", {
            "template_id": tid, "targets": ["department:999"], "due_on": day(3)}),
            "targets", "not_found")
        self.assertFieldError(off.post(API + "/checklist-campaigns", {
            "template_id": 99999, "targets": ["all"], "due_on": day(3)}), "template_id", "not_found")
        self.assertFieldError(off.post(API + "/checklist-campaigns", {
            "template_id": tid, "targets": ["all"], "starts_on": day(5), "due_on": day(3)}),
            "due_on", "before_start")
        self.assertFieldError(off.post(API + "/checklist-campaigns", {
            "template_id": tid, "targets": ["all"], "due_on": day(3), "recurrence": "daily"}),
            "recurrence", "invalid_choice")
        self.assertEqual(self.srv.sql("SELECT COUNT(*) FROM campaigns")[0][0], count)
        self.assertEqual(self.srv.audit_head(), head)
        self.assertProblem(self.a1.client.post(API + "/checklist-campaigns", {
            "template_id": tid, "targets": ["all"], "due_on": day(3)}), 403)
