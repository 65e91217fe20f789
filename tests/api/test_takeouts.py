"""Take-out requests (持ち出し申請): the rules shown before sending, approval through the engine
(manager, then the privacy officer for the highest class or sensitive data) before the leave
date, leaving, the return with a second person's confirmation, missing items opening an
incident linked both ways, overdue items on three people's tasks, the ledger and its exports,
who may see and do what, and bad input that writes nothing."""
import csv
import io
from datetime import timedelta
from urllib.parse import quote

from harness import API, ServerTestCase, org_today

DAY = 86400


def day(n=0):
    return (org_today() + timedelta(days=n)).isoformat()


ALL_PROTECTIONS = {"encrypted": True, "password": True, "copy": True, "minimum": True,
                   "by_hand": True}
PINFO = {"name": "顧客名簿", "items": "氏名、住所、電話番号", "purpose": "商品の発送",
         "storage_location": "本社サーバ", "storage_method": "暗号化して保存",
         "access": "営業部員", "use_until": "契約終了まで", "retention_until": "契約終了後5年"}


class TakeoutWorld(ServerTestCase):
    """Two departments, their people, and register entries to take out."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        admin = cls.admin.client
        cls.levels = admin.get(API + "/classifications").json["items"]
        cls.confidential = cls.levels[0]["id"]   # 機密: the most protected level
        cls.internal = cls.levels[1]["id"]       # 社外秘
        cls.public = cls.levels[-1]["id"]        # 公開: the lowest level
        cls.sales = admin.post(API + "/departments", {"name": "営業部"}).json["id"]
        cls.hr = admin.post(API + "/departments", {"name": "人事部"}).json["id"]
        cls.mgr = cls.srv.create_user("to_mgr", roles=["manager"], department_id=cls.sales,
                                      name="営業 部長")
        admin.patch(API + "/departments/%d" % cls.sales,
                    {"version": 1, "manager_id": cls.mgr.id})
        cls.emp = cls.srv.create_user("to_emp", department_id=cls.sales, manager_id=cls.mgr.id,
                                      name="営業 花子")
        cls.mate = cls.srv.create_user("to_mate", department_id=cls.sales,
                                       manager_id=cls.mgr.id, name="同僚 次郎")
        cls.bystander = cls.srv.create_user("to_by", department_id=cls.sales,
                                            manager_id=cls.mgr.id)
        cls.hremp = cls.srv.create_user("to_hr", department_id=cls.hr)
        cls.officer = cls.srv.create_user("to_officer", roles=["officer"], name="保護 管理者")
        cls.auditor = cls.srv.create_user("to_auditor", roles=["auditor"])
        # The customer list: confidential electronic data with personal information, and its
        # entry in the personal information register (1,200 people, not sensitive).
        cls.customers = admin.post(API + "/assets", {
            "name": "顧客リスト", "asset_type": "data", "classification_id": cls.confidential,
            "c": 3, "i": 2, "a": 2, "has_pinfo": True, "department_id": cls.sales}).json
        cls.customers_pi = admin.post(API + "/pinfo", dict(
            PINFO, department_id=cls.sales, record_count=1200,
            asset_ids=[cls.customers["id"]])).json
        cls.brochure = admin.post(API + "/assets", {
            "name": "製品カタログ", "asset_type": "paper", "classification_id": cls.public,
            "c": 1, "i": 1, "a": 1, "department_id": cls.sales}).json
        cls.health = admin.post(API + "/pinfo", dict(
            PINFO, name="健康診断結果", items="氏名、診断結果", department_id=cls.hr,
            record_count=80, sensitive=True)).json

    # --- helpers ---------------------------------------------------------------------------

    def body(self, items=None, **kw):
        b = {"purpose": "顧客訪問での提案", "destination": "株式会社サンプル 本社",
             "leave_on": day(0), "return_on": day(0), "checker_id": self.mate.id,
             "items": items if items is not None else [
                 {"kind": "asset", "asset_id": self.customers["id"]}]}
        b.update(ALL_PROTECTIONS)
        b.update(kw)
        return b

    def request(self, who=None, **kw):
        who = who or self.emp
        r = who.client.post(API + "/takeouts", self.body(**kw))
        self.assertEqual(r.status, 201, r)
        return r.json

    def get(self, who, t):
        r = who.client.get(API + "/takeouts/%d" % t["id"])
        self.assertEqual(r.status, 200, r)
        return r.json

    def decide(self, who, t, decision="approve", comment=None):
        a = self.get(who, t)["approval"]
        body = {"version": a["version"], "decision": decision}
        if comment:
            body["comment"] = comment
        return who.client.post(API + "/approvals/%d/decision" % a["id"], body)

    def approved(self, **kw):
        """A request approved by the manager (and by the officer when it needs them)."""
        t = self.request(**kw)
        self.assertEqual(self.decide(self.mgr, t).status, 200)
        if t["officer_needed"]:
            self.assertEqual(self.decide(self.officer, t).status, 200)
        t = self.get(self.emp, t)
        self.assertEqual(t["status"], "approved", t)
        return t

    def move(self, who, t, to, **kw):
        return who.client.post(API + "/takeouts/%d/transition" % t["id"],
                               dict({"version": t["version"], "to": to}, **kw))

    def out(self, **kw):
        t = self.approved(**kw)
        r = self.move(self.emp, t, "out")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["status"], "out")
        return r.json

    def give_back(self, who, t, ids=None):
        ids = [i["id"] for i in t["items"] if i["state"] == "out"] if ids is None else ids
        return who.client.post(API + "/takeouts/%d/return" % t["id"],
                               {"version": t["version"], "back_ids": ids})

    def confirm(self, who, t):
        return who.client.post(API + "/takeouts/%d/confirm" % t["id"],
                               {"version": t["version"]})

    def count(self):
        return self.srv.sql("SELECT (SELECT COUNT(*) FROM takeouts), "
                            "(SELECT COUNT(*) FROM takeout_items), "
                            "(SELECT COUNT(*) FROM approvals), (SELECT COUNT(*) FROM incidents)")[0]

    def tasks(self, who):
        return who.client.get(API + "/me/tasks").json["items"]


class TakeoutsTest(TakeoutWorld):

    def test_the_rules_are_shown_before_sending(self):
        c = self.emp.client
        # The customer list (the most protected class, personal information): everything,
        # and the privacy officer's approval after the manager's.
        r = c.post(API + "/takeouts/requirements", {"items": [
            {"kind": "asset", "asset_id": self.customers["id"]}]})
        self.assertEqual(r.status, 200, r)
        req = {x["protection"]: x for x in r.json["requirements"]}
        self.assertEqual(sorted(r.json["missing"]),
                         ["by_hand", "copy", "encrypted", "minimum", "password"])
        self.assertTrue(r.json["officer_needed"])
        self.assertEqual(r.json["approvers"], ["manager", "officer"])
        self.assertEqual(req["encrypted"]["why"], ["highest_class"])
        self.assertIn("personal_info", req["minimum"]["why"])
        self.assertEqual(req["encrypted"]["items"], [0])
        item = r.json["items"][0]
        self.assertEqual((item["label"], item["class_label"], item["has_pinfo"],
                          item["highest"]), ("顧客リスト", "機密", True, True))
        # Stating them all leaves nothing missing; encryption covers the password too.
        r = c.post(API + "/takeouts/requirements", {
            "items": [{"kind": "asset", "asset_id": self.customers["id"]}],
            "encrypted": True, "copy": True, "minimum": True, "by_hand": True})
        self.assertEqual(r.json["missing"], [])
        # A public brochure on paper needs only to stay in hand, and the manager alone.
        r = c.post(API + "/takeouts/requirements", {"items": [
            {"kind": "asset", "asset_id": self.brochure["id"]}]})
        self.assertEqual(r.json["missing"], ["by_hand"])
        self.assertFalse(r.json["officer_needed"])
        self.assertEqual(r.json["approvers"], ["manager"])
        # Sensitive personal information on paper: no encryption to ask for, but the officer.
        r = c.post(API + "/takeouts/requirements", {"items": [
            {"kind": "paper", "label": "面談記録", "classification_id": self.internal,
             "has_pinfo": True, "sensitive": True}]})
        self.assertEqual(sorted(r.json["missing"]), ["by_hand", "minimum"])
        self.assertTrue(r.json["officer_needed"])
        self.assertEqual(r.json["officer_why"], ["sensitive"])
        # A device with internal data: a password, not a copy (it is the device itself).
        r = c.post(API + "/takeouts/requirements", {"items": [
            {"kind": "device", "label": "営業用ノートPC", "asset_tag": "PC-0012",
             "classification_id": self.internal}]})
        self.assertEqual(sorted(r.json["missing"]), ["by_hand", "password"])
        # The dry run names what a send would refuse, and writes nothing.
        before, head = self.count(), self.srv.audit_head()
        r = c.post(API + "/takeouts/requirements", {"leave_on": day(-1), "checker_id": self.emp.id,
                                                    "items": []})
        self.assertEqual(r.status, 200, r)
        fields = {e["field"]: e["code"] for e in r.json["errors"]}
        self.assertEqual(fields, {"leave_on": "in_past", "checker_id": "self_checker"})
        # Sending without them is refused, field by field, and nothing is written.
        r = c.post(API + "/takeouts", self.body(encrypted=False, password=True, copy=False))
        self.assertEqual(r.error_fields(), {"encrypted": ["protection_required"],
                                            "copy": ["protection_required"]})
        self.assertEqual((self.count(), self.srv.audit_head()), (before, head))
        r = c.post(API + "/takeouts", self.body(encrypted=True, password=False))
        self.assertEqual(r.status, 201, r)  # encryption covers the password
        before, head = self.count(), self.srv.audit_head()
        r = c.post(API + "/takeouts", self.body(encrypted=False, password=False))
        self.assertEqual(set(r.error_fields()), {"encrypted", "password"})
        self.assertEqual(self.count(), before)
        self.assertEqual(self.srv.audit_head(), head)

    def test_journey_approval_leave_return_and_second_person(self):
        t = self.request(items=[{"kind": "asset", "asset_id": self.customers["id"]},
                                {"kind": "pinfo", "pinfo_id": self.customers_pi["id"],
                                 "medium": "paper"}])
        self.assertEqual((t["status"], t["officer_needed"]), ("submitted", True))
        steps = t["approval"]["steps"]
        self.assertEqual([s["kind"] for s in steps], ["manager", "permission"])
        self.assertEqual(steps[0]["approver"]["id"], self.mgr.id)
        self.assertEqual(steps[1]["permission"], "takeouts.manage")
        self.assertEqual(t["approval"]["due_on"], day(0))
        # Nothing leaves before approval; the requester cannot approve it either.
        self.assertFieldError(self.move(self.emp, t, "out"), "to", "invalid_transition")
        self.assertProblem(self.decide(self.emp, t), 403, "own_request")
        # The approval waits in the manager's inbox, then in the officer's.
        waiting = self.mgr.client.get(API + "/approvals?box=waiting").json["items"]
        self.assertIn(t["approval"]["id"], [a["id"] for a in waiting])
        self.assertEqual([a["link"] for a in waiting if a["id"] == t["approval"]["id"]],
                         ["/takeouts/%d" % t["id"]])
        self.assertEqual(self.decide(self.mgr, t).status, 200)
        self.assertEqual(self.get(self.emp, t)["status"], "submitted")
        self.assertProblem(self.decide(self.mate, t), 404)
        self.assertEqual(self.decide(self.officer, t).status, 200)
        t = self.get(self.emp, t)
        self.assertEqual(t["status"], "approved")
        self.assertEqual([x["to"] for x in t["allowed_transitions"]], ["out", "cancelled"])
        # Left: every item is out, due back on the return date.
        r = self.move(self.emp, t, "out")
        self.assertEqual(r.status, 200, r)
        t = r.json
        self.assertEqual((t["status"], t["trip"], t["back_on"]), ("out", 1, day(0)))
        self.assertEqual({i["state"] for i in t["items"]}, {"out"})
        # The requester must account for every item.
        first = t["items"][0]["id"]
        self.assertFieldError(self.give_back(self.emp, t, [first]), "back_ids", "not_accounted")
        self.assertFieldError(self.give_back(self.emp, t, [first, 999999]), "back_ids", "not_out")
        # Only the requester ticks items back.
        self.assertProblem(self.give_back(self.mate, t), 403, "not_allowed")
        r = self.give_back(self.emp, t)
        self.assertEqual(r.status, 200, r)
        t = r.json
        self.assertEqual(t["status"], "checking")
        self.assertEqual({i["state"] for i in t["items"]}, {"back"})
        self.assertEqual(t["items"][0]["back_by"]["id"], self.emp.id)
        # The checker sees it on their tasks; the requester cannot confirm their own return.
        kinds = {(x["kind"], x["key"]) for x in self.tasks(self.mate)}
        self.assertIn(("takeout_check", "takeout_check:%d" % t["id"]), kinds)
        self.assertProblem(self.confirm(self.emp, t), 403, "not_allowed")
        self.assertEqual(self.get(self.emp, t)["status"], "checking")
        r = self.confirm(self.mate, t)
        self.assertEqual(r.status, 200, r)
        t = r.json
        self.assertEqual((t["status"], t["checked_by"]["id"]), ("returned", self.mate.id))
        kinds = [e["kind"] for e in t["timeline"]]
        for k in ("created", "approval_requested", "approval", "status", "left", "accounted",
                  "return_confirmed"):
            self.assertIn(k, kinds)
        events = {e["action"] for e in self.admin.client.get(
            API + "/audit/events?object_type=takeout&object_id=%d" % t["id"]).json["items"]}
        self.assertEqual(events, {"takeout.create", "takeout.transition"})

    def test_an_officers_own_return_needs_someone_else(self):
        """The second-person rule holds even for the privacy officer (takeouts.manage)."""
        t = self.officer.client.post(API + "/takeouts", self.body(items=[
            {"kind": "asset", "asset_id": self.brochure["id"]}])).json
        self.assertEqual(t["approval"]["steps"][0]["kind"], "permission")  # no manager: fallback
        a = t["approval"]
        r = self.admin.client.post(API + "/approvals/%d/decision" % a["id"],
                                   {"version": a["version"], "decision": "approve"})
        self.assertEqual(r.status, 200, r)
        t = self.get(self.officer, t)
        t = self.move(self.officer, t, "out").json
        t = self.give_back(self.officer, t).json
        self.assertEqual(t["status"], "checking")
        self.assertNotIn("returned", [x["to"] for x in t["allowed_transitions"]])
        self.assertFieldError(self.confirm(self.officer, t), "confirm", "own_takeout")
        self.assertEqual(self.confirm(self.mate, t).json["status"], "returned")

    def test_who_sees_what(self):
        t = self.request(items=[{"kind": "asset", "asset_id": self.brochure["id"]}])
        url = API + "/takeouts/%d" % t["id"]
        # The requester, the checker, the manager, the officer and the auditor see it.
        for who in (self.emp, self.mate, self.mgr, self.officer, self.auditor):
            self.assertEqual(who.client.get(url).status, 200, who.login)
        # A colleague not involved and another department do not (not even that it exists).
        for who in (self.bystander, self.hremp):
            self.assertProblem(who.client.get(url), 404, "not_found")
            ids = [x["id"] for x in who.client.get(API + "/takeouts").json["items"]]
            self.assertNotIn(t["id"], ids)
            self.assertProblem(self.move(who, t, "cancelled"), 404)
        # The auditor reads the whole ledger but moves nothing.
        self.assertIn(t["id"], [x["id"] for x in
                                self.auditor.client.get(API + "/takeouts").json["items"]])
        self.assertProblem(self.move(self.auditor, t, "withdrawn"), 403, "not_allowed")
        self.assertEqual(self.decide(self.mgr, t).status, 200)
        t = self.get(self.emp, t)
        self.assertProblem(self.move(self.auditor, t, "cancelled"), 403, "not_allowed")
        self.assertProblem(self.move(self.mate, t, "out"), 403, "not_allowed")
        # Someone else's register entries cannot be taken out: the HR entry is not found.
        r = self.emp.client.post(API + "/takeouts", self.body(items=[
            {"kind": "pinfo", "pinfo_id": self.health["id"]}]))
        self.assertFieldError(r, "items[0].pinfo_id", "not_found")
        got = self.emp.client.get(API + "/takeouts/candidates?q=" + quote("健康")).json["items"]
        self.assertEqual(got, [])
        got = self.emp.client.get(API + "/takeouts/candidates?q=" + quote("顧客")).json["items"]
        self.assertEqual({(x["kind"], x["label"]) for x in got},
                         {("asset", "顧客リスト"), ("pinfo", "顧客名簿")})
        # The checker is chosen among colleagues, the manager and the privacy officers.
        choices = self.emp.client.get(API + "/takeouts/choices").json
        self.assertEqual([x["label_ja"] for x in choices["levels"]], ["機密", "社外秘", "公開"])
        names = {x["name"] for x in choices["checkers"]}
        self.assertTrue({"同僚 次郎", "営業 部長", "保護 管理者"} <= names, names)
        self.assertNotIn("営業 花子", names)
        self.assertNotIn(self.hremp.created["name"], names)
        # The manager cancels it; cancelled, it moves no more.
        r = self.move(self.mgr, t, "cancelled", comment="訪問が延期")
        self.assertEqual(r.json["status"], "cancelled")
        self.assertFieldError(self.move(self.emp, r.json, "out"), "to", "invalid_transition")

    def test_a_delegate_who_may_decide_finds_and_opens_the_request(self):
        # The manager names someone of another department to stand in while away: the delegate
        # finds the take-out in the list, opens it and decides it; afterwards it is not theirs.
        r = self.mgr.client.post(API + "/me/delegations", {
            "delegate_id": self.hremp.id, "starts_on": day(), "ends_on": day(3), "note": "出張"})
        self.assertEqual(r.status, 201, r)
        try:
            t = self.request()
            self.assertIn(t["id"], [x["id"] for x in
                                    self.hremp.client.get(API + "/takeouts").json["items"]])
            self.assertEqual(self.decide(self.hremp, t).status, 200)
            # whoever decided a step keeps seeing the request they decided
            t = self.get(self.hremp, t)
            self.assertEqual(t["approval"]["steps"][0]["decided_by"]["id"], self.hremp.id, t)
            # a colleague of the delegate, who may decide nothing, does not find it
            other = self.srv.create_user("to_hr2", department_id=self.hr)
            self.assertNotIn(t["id"], [x["id"] for x in
                                       other.client.get(API + "/takeouts").json["items"]])
            self.assertProblem(other.client.get(API + "/takeouts/%d" % t["id"]), 404)
        finally:
            d = self.mgr.client.get(API + "/me/delegations").json["items"][0]
            self.assertEqual(self.mgr.client.delete(API + "/me/delegations/%d" % d["id"]).status,
                             204)

    def test_missing_item_opens_a_linked_incident(self):
        t = self.out(items=[{"kind": "asset", "asset_id": self.customers["id"]},
                            {"kind": "device", "label": "営業用ノートPC", "asset_tag": "PC-0012",
                             "classification_id": self.internal}])
        item = t["items"][0]
        url = API + "/takeouts/%d/missing" % t["id"]
        note = "帰りの電車の網棚に鞄を置き忘れた"
        body = {"version": t["version"], "item_id": item["id"], "note": note}
        # Only people of the take-out report it; others get nothing.
        self.assertProblem(self.bystander.client.post(url, body), 404)
        self.assertProblem(self.auditor.client.post(url, body), 403, "not_allowed")
        self.assertProblem(self.emp.client.post(url, dict(body, version=t["version"] - 1)), 409)
        self.assertFieldError(self.emp.client.post(url, dict(body, item_id=999999)), "item_id",
                              "not_found")
        incidents_before = self.count()[3]
        r = self.emp.client.post(url, body)
        self.assertEqual(r.status, 200, r)
        t = r.json
        self.assertEqual(self.count()[3], incidents_before + 1)
        item = t["items"][0]
        self.assertEqual((item["state"], item["missing_by"]["id"], item["missing_note"]),
                         ("missing", self.emp.id, note))
        inc_id = item["incident"]["id"]
        self.assertEqual(item["incident"]["link"], "/incidents/%d" % inc_id)
        self.assertEqual(t["missing_count"], 1)
        # The incident, as the privacy officer sees it: loss, the register's facts.
        inc = self.officer.client.get(API + "/incidents/%d" % inc_id).json
        self.assertEqual((inc["kind"], inc["category"], inc["status"]),
                         ("incident", "loss", "reported"))
        self.assertEqual(inc["reporter"]["id"], self.emp.id)
        self.assertIn("顧客リスト", inc["title"])
        self.assertIn("/takeouts/%d" % t["id"], inc["description"])
        self.assertIn(note, inc["description"])
        self.assertEqual(inc["location"], "株式会社サンプル 本社")
        impact = inc["impact"]
        self.assertTrue(impact["involved"])
        self.assertEqual(impact["count"], 1200)
        self.assertIn("氏名、住所、電話番号", impact["items"])
        self.assertFalse(impact["sensitive"])
        self.assertFalse(impact["encrypted"])  # the officer judges strong encryption
        self.assertFalse(impact["mynumber"])
        self.assertEqual(impact["media"], "電子データ")
        self.assertEqual([e["id"] for e in impact["pinfo"]], [self.customers_pi["id"]])
        self.assertTrue(inc["ppc_mandatory"])  # more than 1,000 people
        # Linked both ways: the incident's timeline names the take-out.
        links = [e for e in inc["timeline"] if e["kind"] == "takeout"]
        self.assertEqual([(e["data"]["takeout_id"], e["data"]["item_id"]) for e in links],
                         [(t["id"], item["id"])])
        # Once is enough; the return then accounts for the rest.
        self.assertFieldError(self.emp.client.post(url, dict(body, version=t["version"])),
                              "item_id", "not_out")
        t = self.give_back(self.emp, t).json
        self.assertEqual([i["state"] for i in t["items"]], ["missing", "back"])
        t = self.confirm(self.mgr, t).json
        self.assertEqual(t["status"], "returned")
        self.assertEqual(t["timeline"][-1]["data"]["missing"], 1)
        missing = self.officer.client.get(API + "/takeouts?missing=1").json["items"]
        self.assertIn(t["id"], [x["id"] for x in missing])
        audit = self.admin.client.get(API + "/audit/events?action=takeout.item_missing").json
        self.assertIn(inc_id, [e["summary"]["incident_id"] for e in audit["items"]])

    def test_sensitive_paper_goes_missing(self):
        """The HR department's health records: sensitive, so the incident says so."""
        hr = self.hremp
        c = hr.client
        body = self.body(items=[{"kind": "pinfo", "pinfo_id": self.health["id"],
                                 "medium": "paper"}], checker_id=self.officer.id)
        t = c.post(API + "/takeouts", body).json
        self.assertTrue(t["officer_needed"])
        self.assertEqual(t["missing"], [])
        a = t["approval"]
        # No manager: the step falls to whoever holds approvals.manage, then the officer.
        self.assertEqual(self.admin.client.post(API + "/approvals/%d/decision" % a["id"], {
            "version": a["version"], "decision": "approve"}).status, 200)
        self.assertEqual(self.decide(self.officer, t).status, 200)
        t = c.get(API + "/takeouts/%d" % t["id"]).json
        t = self.move(hr, t, "out").json
        r = c.post(API + "/takeouts/%d/missing" % t["id"], {
            "version": t["version"], "item_id": t["items"][0]["id"], "note": "訪問先で紛失"})
        self.assertEqual(r.status, 200, r)
        inc = self.officer.client.get(API + "/incidents/%d" % r.json["items"][0]["incident"]["id"]).json
        self.assertEqual((inc["impact"]["sensitive"], inc["impact"]["count"],
                          inc["impact"]["media"]), (True, 80, "紙"))
        self.assertEqual([e["name"] for e in inc["impact"]["pinfo"]], ["健康診断結果"])
        self.assertTrue(inc["ppc_mandatory"])

    def test_a_lost_device_with_my_numbers(self):
        """A described PC says what it is; a register entry with My Numbers says so."""
        admin = self.admin.client
        payroll = admin.post(API + "/pinfo", dict(
            PINFO, name="給与台帳", items="氏名、個人番号", department_id=self.sales,
            record_count=40, my_number=True)).json
        t = self.out(items=[{"kind": "pinfo", "pinfo_id": payroll["id"]},
                            {"kind": "device", "label": "営業用ノートPC", "asset_tag": "PC-0031",
                             "classification_id": self.internal, "has_pinfo": True}])
        url = API + "/takeouts/%d/missing" % t["id"]
        for item in t["items"]:
            r = self.emp.client.post(url, {"version": t["version"], "item_id": item["id"],
                                           "note": "駐車中の車から盗まれた"})
            self.assertEqual(r.status, 200, r)
            t = r.json
        payroll_inc, pc_inc = [self.officer.client.get(API + "/incidents/%d" % i["incident"]["id"])
                               .json["impact"] for i in t["items"]]
        self.assertEqual((payroll_inc["mynumber"], payroll_inc["count"]), (True, 40))
        self.assertIn("個人番号", payroll_inc["items"])
        # The PC is in no register: personal data it may hold, the number unknown.
        self.assertEqual((pc_inc["involved"], pc_inc["count"], pc_inc["pinfo"], pc_inc["media"]),
                         (True, None, [], "端末: 営業用ノートPC（PC-0031）"))

    def test_bad_input_is_refused_and_writes_nothing(self):
        c = self.emp.client
        before, head = self.count(), self.srv.audit_head()
        cases = [
            (self.body(leave_on=day(-1)), "leave_on", "in_past"),
            (self.body(return_on=day(-1), leave_on=day(1)), "return_on", "before_leave"),
            (self.body(return_on=day(400)), "return_on", "period_too_long"),
            (self.body(checker_id=self.emp.id), "checker_id", "self_checker"),
            (self.body(checker_id=999999), "checker_id", "not_found"),
            (self.body(items=[]), "items", "required"),
            (self.body(items=[{"kind": "asset", "asset_id": 999999}]), "items[0].asset_id",
             "not_found"),
            (self.body(items=[{"kind": "asset"}]), "items[0].asset_id", "required"),
            (self.body(items=[{"kind": "paper", "classification_id": self.public}]),
             "items[0].label", "required"),
            (self.body(items=[{"kind": "device", "label": "PC",
                               "classification_id": self.public}]),
             "items[0].asset_tag", "required"),
            (self.body(items=[{"kind": "paper", "label": "x"}]), "items[0].classification_id",
             "required"),
            (self.body(items=[{"kind": "paper", "label": "x", "classification_id": 999}]),
             "items[0].classification_id", "not_found"),
            (self.body(items=[{"kind": "paper", "label": "x", "asset_id": 1,
                               "classification_id": self.public}]),
             "items[0].asset_id", "not_applicable"),
            (self.body(items=[{"kind": "asset", "asset_id": self.brochure["id"]},
                              {"kind": "asset", "asset_id": self.brochure["id"]}]),
             "items[1].asset_id", "duplicate"),
            (self.body(items=[{"kind": "nope"}]), "items[0].kind", "invalid_choice"),
            (self.body(items=[{"kind": "other", "label": "x" * 201,
                               "classification_id": self.public}]),
             "items[0].label", "too_long"),
            (self.body(items=[{"kind": "other", "label": "x", "classification_id": self.public}] * 21),
             "items", "invalid_type"),
            (self.body(items=["x"]), "items", "invalid_type"),
            (self.body(by_hand=False), "by_hand", "protection_required"),
        ]
        for body, field, code in cases:
            with self.subTest(field=field, code=code):
                self.assertFieldError(c.post(API + "/takeouts", body), field, code)
        self.assertEqual(self.count(), before)
        self.assertEqual(self.srv.audit_head(), head)

    def test_sent_back_changed_and_sent_again(self):
        t = self.request(items=[{"kind": "asset", "asset_id": self.brochure["id"]}])
        self.assertProblem(self.decide(self.mgr, t, "send_back"), 422)  # a reason is required
        r = self.decide(self.mgr, t, "send_back", comment="持ち出し先を正確に書いてください")
        self.assertEqual(r.status, 200, r)
        t = self.get(self.emp, t)
        self.assertEqual(t["status"], "sent_back")
        self.assertIn(("takeout_sent_back", "takeout_sent_back:%d" % t["id"]),
                      {(x["kind"], x["key"]) for x in self.tasks(self.emp)})
        url = API + "/takeouts/%d/resubmit" % t["id"]
        body = self.body(items=[{"kind": "asset", "asset_id": self.brochure["id"]},
                                {"kind": "paper", "label": "見積書（写し）",
                                 "classification_id": self.internal}],
                         destination="株式会社サンプル 大阪支店")
        self.assertProblem(self.mate.client.post(url, dict(body, version=t["version"])), 403)
        self.assertProblem(self.emp.client.post(url, dict(body, version=t["version"] - 1)), 409)
        self.assertFieldError(self.emp.client.post(url, dict(body, version=t["version"],
                                                             by_hand=False)),
                              "by_hand", "protection_required")
        self.assertEqual(len(self.get(self.emp, t)["items"]), 1)
        r = self.emp.client.post(url, dict(body, version=t["version"]))
        self.assertEqual(r.status, 200, r)
        t = r.json
        self.assertEqual((t["status"], t["destination"], len(t["items"])),
                         ("submitted", "株式会社サンプル 大阪支店", 2))
        self.assertEqual(t["approval"]["status"], "pending")
        # The requester withdraws it through the approval.
        self.assertEqual(self.decide(self.emp, t, "withdraw").status, 200)
        self.assertEqual(self.get(self.emp, t)["status"], "withdrawn")

    def test_repeating_take_out_approved_once(self):
        t = self.approved(repeating=True, return_on=day(30), items=[
            {"kind": "device", "label": "営業用ノートPC", "asset_tag": "PC-0020",
             "classification_id": self.internal}])
        self.assertFieldError(self.move(self.emp, t, "out"), "back_on", "required")
        self.assertFieldError(self.move(self.emp, t, "out", back_on=day(31)), "back_on",
                              "out_of_range")
        for trip in (1, 2):
            r = self.move(self.emp, t, "out", back_on=day(1))
            self.assertEqual(r.status, 200, r)
            t = r.json
            self.assertEqual((t["status"], t["trip"], t["back_on"]), ("out", trip, day(1)))
            t = self.give_back(self.emp, t).json
            t = self.confirm(self.mate, t).json
            # Back, and approved again for the next trip until the period ends.
            self.assertEqual(t["status"], "approved")
            t = self.get(self.emp, t)
        self.assertEqual([x["to"] for x in t["allowed_transitions"]], ["out", "returned"])
        t = self.move(self.emp, t, "returned").json
        self.assertEqual(t["status"], "returned")

    def test_ledger_filters_and_exports(self):
        t1 = self.out(items=[{"kind": "asset", "asset_id": self.customers["id"]}])
        t2 = self.request(items=[{"kind": "asset", "asset_id": self.brochure["id"]}],
                          destination="展示会場")
        off = self.officer.client
        ids = lambda path: [x["id"] for x in off.get(API + "/takeouts" + path).json["items"]]
        self.assertIn(t1["id"], ids("?status=out"))
        self.assertNotIn(t2["id"], ids("?status=out"))
        self.assertIn(t1["id"], ids("?classification_id=%d" % self.confidential))
        self.assertNotIn(t2["id"], ids("?classification_id=%d" % self.confidential))
        self.assertIn(t2["id"], ids("?department_id=%d" % self.sales))
        self.assertNotIn(t2["id"], ids("?department_id=%d" % self.hr))
        self.assertIn(t2["id"], ids("?q=" + quote("展示")))
        self.assertNotIn(t1["id"], ids("?overdue=1"))  # due back today
        row = [x for x in off.get(API + "/takeouts").json["items"] if x["id"] == t1["id"]][0]
        self.assertEqual((row["top_class"]["label"], row["has_pinfo"], row["out_count"],
                          row["requester"]["name"], row["department"]["name"]),
                         ("機密", True, 1, "営業 花子", "営業部"))
        self.assertFieldError(off.get(API + "/takeouts?status=lost"), "status", "invalid_choice")
        # Exports: CSV with the ledger's Japanese headers, and Excel; each is audited.
        r = off.get(API + "/takeouts.csv?status=out")
        self.assertEqual(r.status, 200, r)
        rows = list(csv.reader(io.StringIO(r.body.decode("utf-8-sig"))))
        self.assertEqual(rows[0][:5], ["ID", "状態", "申請者", "部署", "品目"])
        mine = [x for x in rows[1:] if x[0] == str(t1["id"])][0]
        self.assertEqual((mine[1], mine[5]), ("持ち出し中", "機密"))
        self.assertIn("顧客リスト", mine[4])
        r = off.get(API + "/takeouts.xlsx")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body[:2], b"PK")
        r = self.auditor.client.get(API + "/takeouts.csv?encoding=cp932&status=out")
        self.assertEqual(r.status, 200)
        rows = list(csv.reader(io.StringIO(r.body.decode("cp932"))))
        self.assertIn(str(t1["id"]), [x[0] for x in rows[1:]])
        # The ledger's exports are the office's and the auditors'; employees list their own.
        self.assertProblem(self.emp.client.get(API + "/takeouts.csv"), 403, "forbidden")
        self.assertProblem(self.mgr.client.get(API + "/takeouts.xlsx"), 403, "forbidden")
        exports = self.admin.client.get(API + "/audit/events?action=export.takeouts").json
        self.assertEqual(len(exports["items"]), 3)

    def test_the_officer_names_another_checker(self):
        t = self.request(items=[{"kind": "asset", "asset_id": self.brochure["id"]}])
        url = API + "/takeouts/%d/checker" % t["id"]
        body = {"version": t["version"], "checker_id": self.bystander.id, "comment": "同僚が休職"}
        self.assertProblem(self.emp.client.post(url, body), 403, "forbidden")
        self.assertFieldError(self.officer.client.post(url, dict(body, checker_id=self.emp.id)),
                              "checker_id", "self_checker")
        r = self.officer.client.post(url, body)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["checker"]["id"], self.bystander.id)
        self.assertEqual(r.json["timeline"][-1]["kind"], "checker_changed")
        self.assertEqual(self.bystander.client.get(API + "/takeouts/%d" % t["id"]).status, 200)
        self.assertProblem(self.mate.client.get(API + "/takeouts/%d" % t["id"]), 404)


class TakeoutTimeTest(TakeoutWorld):
    """What the dates do: the job, approvals after the leave date, overdue items."""

    def later(self, days):
        """Restarts the server `days` ahead; sessions have ended by then: sign in again."""
        self.srv.restart(env={"MAMORI_TEST_CLOCK_OFFSET": str(days * DAY)} if days else {})
        for who in (self.admin, self.emp, self.mate, self.mgr, self.bystander, self.officer):
            who.client = who.new_client()

    def now(self):
        self.later(0)

    def test_dates(self):
        # One approved to leave tomorrow; one still waiting for approval.
        going = self.approved(leave_on=day(1), return_on=day(2), items=[
            {"kind": "asset", "asset_id": self.brochure["id"]}])
        waiting = self.request(leave_on=day(0), return_on=day(1), items=[
            {"kind": "asset", "asset_id": self.brochure["id"]}])
        # Too early to leave before the approved period.
        self.assertFieldError(self.move(self.emp, going, "out"), "to", "too_early")
        try:
            self.later(2)
            # The job marks it left at its leave date, due back on the return date.
            self.assertEqual(self.srv.cli("jobs", "run", env={
                "MAMORI_TEST_CLOCK_OFFSET": str(2 * DAY)}).returncode, 0)
            t = self.get(self.emp, going)
            self.assertEqual((t["status"], t["back_on"]), ("out", day(2)))
            self.assertEqual(t["timeline"][-1]["kind"], "left")
            self.assertIsNone(t["timeline"][-1]["actor"])
            # Approval after the leave date is refused, and changes nothing.
            r = self.decide(self.mgr, waiting)
            self.assertFieldError(r, "decision", "leave_date_passed")
            w = self.get(self.emp, waiting)
            self.assertEqual((w["status"], w["approval"]["status"]), ("submitted", "pending"))
            # Sending it back still works, so the requester can give new dates.
            r = self.decide(self.mgr, waiting, "send_back", comment="日付を直してください")
            self.assertEqual(r.status, 200, r)
            self.later(3)
            # A day past its return date: on the requester's, the checker's and the
            # manager's tasks, overdue; not on a bystander's.
            key = "takeout_overdue:%d" % going["id"]
            for who in (self.emp, self.mate, self.mgr):
                found = [x for x in self.tasks(who) if x["key"] == key]
                self.assertEqual(len(found), 1, who.login)
                self.assertTrue(found[0]["overdue"])
                self.assertEqual(found[0]["due_on"], day(2))
                self.assertEqual(found[0]["link"], "/takeouts/%d" % going["id"])
            self.assertNotIn(key, [x["key"] for x in self.tasks(self.bystander)])
            t = self.get(self.emp, going)
            self.assertTrue(t["overdue"])
            self.assertTrue(t["items"][0]["overdue"])
            overdue = self.officer.client.get(API + "/takeouts?overdue=1").json["items"]
            self.assertEqual([x["id"] for x in overdue], [going["id"]])
            # Back at last: off everybody's tasks.
            t = self.give_back(self.emp, t).json
            self.assertNotIn(key, [x["key"] for x in self.tasks(self.mgr)])
        finally:
            self.now()
