"""Devices and media: the device register with its posture flags, disposal and import/export;
loans approved by the borrower's manager through the approvals inbox, handed over with the
security state and returned with the checklist (two simultaneous hand-overs of one device:
exactly one wins); overdue loans in /me/tasks; the loan ledger as CSV and xlsx; removable
media requests with the privacy officer's step and expiry by the job. Who sees what, per role.
"""
import datetime
import threading
import urllib.parse

from harness import API, ServerTestCase, org_today
from test_registers import xlsx_rows


def day(n=0):
    return (org_today() + datetime.timedelta(days=n)).isoformat()


def q(path, **params):
    return API + path + "?" + urllib.parse.urlencode(params)


SECURE = {"encrypted": True, "software_ok": True}
CHECKLIST = {"data_erased": True, "virus_scanned": True, "software_ok": True,
             "condition": "good"}


class DevicesTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        admin = cls.admin.client
        d = admin.post(API + "/departments", {"name": "営業部"}).json
        cls.sales = d["id"]
        cls.dev_dept = admin.post(API + "/departments", {"name": "開発部"}).json["id"]
        cls.mgr = cls.srv.create_user("devmgr", roles=["manager"], department_id=cls.sales)
        r = admin.patch(API + "/departments/%d" % cls.sales,
                        {"version": d["version"], "manager_id": cls.mgr.id})
        assert r.status == 200, r
        cls.emp = cls.srv.create_user("devemp", roles=["employee"], department_id=cls.sales,
                                      manager_id=cls.mgr.id)
        cls.emp2 = cls.srv.create_user("devemp2", roles=["employee"],
                                       department_id=cls.dev_dept)
        cls.officer = cls.srv.create_user("devofficer", roles=["officer"])
        cls.auditor = cls.srv.create_user("devauditor", roles=["auditor"])
        cls.n = 0

    # helpers -------------------------------------------------------------------------------

    def tag(self, prefix="PC"):
        DevicesTest.n += 1
        return "%s-%04d" % (prefix, DevicesTest.n)

    def device(self, **kw):
        body = {"asset_tag": self.tag("USB" if kw.get("kind") == "usb_memory" else "PC"),
                "kind": "pc", "model": "ThinkPad X1", "disk_encrypted": True,
                "screen_lock_minutes": 5, "definitions_on": day(), "patched_on": day()}
        body.update(kw)
        r = self.admin.client.post(API + "/devices", body)
        self.assertEqual(r.status, 201, r)
        return r.json

    def ask(self, who, **kw):
        body = {"duty": "展示会での製品説明", "contact": "090-1234-5678", "starts_on": day(),
                "due_on": day(7)}
        body.update(kw)
        return who.client.post(API + "/loans", body)

    def decide(self, who, record_type, record_id, decision="approve", comment=None):
        r = who.client.get(q("/approvals", box="waiting", record_type=record_type))
        self.assertEqual(r.status, 200, r)
        mine = [a for a in r.json["items"] if a["record_id"] == record_id]
        self.assertEqual(len(mine), 1, (who.login, r.json))
        body = {"version": mine[0]["version"], "decision": decision}
        if comment:
            body["comment"] = comment
        r = who.client.post(API + "/approvals/%d/decision" % mine[0]["id"], body)
        self.assertEqual(r.status, 200, r)
        return r.json

    def approved_loan(self, who=None, **kw):
        who = who or self.emp
        r = self.ask(who, **kw)
        self.assertEqual(r.status, 201, r)
        approver = self.mgr if who is self.emp else self.admin
        self.decide(approver, "loan", r.json["id"])
        loan = self.admin.client.get(API + "/loans/%d" % r.json["id"]).json
        self.assertEqual(loan["status"], "approved")
        return loan

    def hand_over(self, loan, who=None, **kw):
        body = dict(SECURE, version=loan["version"], definitions_on=day())
        body.update(kw)
        return (who or self.officer).client.post(API + "/loans/%d/handover" % loan["id"], body)

    def events(self, action, object_id=None):
        sql = "SELECT summary FROM audit_events WHERE action = ?"
        params = [action]
        if object_id is not None:
            sql += " AND object_id = ?"
            params.append(object_id)
        return self.srv.sql(sql, tuple(params))

    def counts(self):
        return self.srv.sql(
            "SELECT (SELECT COUNT(*) FROM devices), (SELECT COUNT(*) FROM loans), "
            "(SELECT COUNT(*) FROM media_requests), (SELECT COUNT(*) FROM approvals), "
            "(SELECT MAX(version) FROM devices), (SELECT MAX(version) FROM loans)")[0]

    # the register --------------------------------------------------------------------------

    def test_posture_flags_and_settings(self):
        admin = self.admin.client
        d = self.device(holder_id=self.emp.id, department_id=self.sales, screen_lock_minutes=10,
                        definitions_on=day(-7), patched_on=day(-30))
        self.assertEqual((d["status"], d["flags"], d["attention"]), ("in_use", [], False))
        r = admin.patch(API + "/devices/%d" % d["id"],
                        {"version": d["version"], "screen_lock_minutes": 11,
                         "definitions_on": day(-8)})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["flags"], ["screen_lock", "definitions"])
        self.assertEqual(r.json["version"], d["version"] + 1)
        listed = admin.get(q("/devices", attention="yes", limit=200)).json["items"]
        self.assertIn(d["id"], [x["id"] for x in listed])
        self.assertTrue(all(x["attention"] for x in listed))
        # A stale version is refused.
        r = admin.patch(API + "/devices/%d" % d["id"], {"version": d["version"], "notes": "x"})
        self.assertProblem(r, 409)
        # The thresholds are settings: 10 days makes 8-day-old definitions current again.
        s = admin.get(API + "/devices/settings").json
        self.assertEqual((s["definitions_max_days"], s["patch_max_days"],
                          s["screen_lock_max_minutes"]), (7, 30, 10))
        self.assertProblem(self.emp.client.patch(API + "/devices/settings",
                                                 {"version": s["version"],
                                                  "definitions_max_days": 30}), 403, "forbidden")
        r = admin.patch(API + "/devices/settings", {"version": s["version"],
                                                    "definitions_max_days": 10})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(admin.get(API + "/devices/%d" % d["id"]).json["flags"], ["screen_lock"])
        self.assertEqual(len(self.events("device_settings.update")), 1)
        r = admin.patch(API + "/devices/settings", {"version": r.json["version"],
                                                    "definitions_max_days": 7})
        self.assertEqual(r.status, 200, r)
        # Portable without encryption, P2P software: flagged; a router has no screen rule.
        u = self.device(kind="usb_memory", disk_encrypted=False, p2p_present=True)
        self.assertEqual(u["flags"], ["encryption", "p2p"])
        rt = self.device(kind="router", asset_tag=self.tag("RT"), disk_encrypted=False,
                         screen_lock_minutes=None)
        self.assertEqual((rt["portable"], rt["flags"]), (False, []))

    def test_register_rules(self):
        admin = self.admin.client
        d = self.device()
        r = admin.post(API + "/devices", {"asset_tag": d["asset_tag"].lower(), "kind": "pc"})
        self.assertFieldError(r, "asset_tag", "taken")
        r = admin.post(API + "/devices", {"asset_tag": self.tag(), "kind": "pc",
                                          "status": "in_use"})
        self.assertFieldError(r, "holder_id", "required")
        r = admin.post(API + "/devices", {"asset_tag": self.tag(), "kind": "pc",
                                          "definitions_on": day(1), "holder_id": 99999})
        self.assertEqual(set(r.error_fields()), {"definitions_on", "holder_id"}, r)
        r = admin.post(API + "/devices", {"asset_tag": self.tag(), "kind": "pc",
                                          "status": "on_loan"})
        self.assertFieldError(r, "status", "invalid_choice")
        self.assertEqual(len(self.events("device.create", d["id"])), 1)

    def test_who_sees_which_devices(self):
        mine = self.device(holder_id=self.emp.id, department_id=self.sales)
        dept = self.device(department_id=self.sales)
        other = self.device(holder_id=self.emp2.id, department_id=self.dev_dept)

        def ids(who):
            r = who.client.get(q("/devices", limit=200))
            self.assertEqual(r.status, 200, r)
            return {x["id"] for x in r.json["items"]}

        self.assertIn(mine["id"], ids(self.emp))
        self.assertNotIn(dept["id"], ids(self.emp))
        self.assertNotIn(other["id"], ids(self.emp))
        self.assertProblem(self.emp.client.get(API + "/devices/%d" % other["id"]), 404)
        self.assertEqual(self.emp.client.get(API + "/devices/%d" % mine["id"]).status, 200)
        self.assertLessEqual({mine["id"], dept["id"]}, ids(self.mgr))
        self.assertNotIn(other["id"], ids(self.mgr))
        self.assertLessEqual({mine["id"], dept["id"], other["id"]}, ids(self.auditor))
        self.assertEqual(ids(self.emp2) & {mine["id"], dept["id"]}, set())
        # Reading is not writing.
        for who in (self.emp, self.mgr, self.auditor):
            self.assertProblem(who.client.post(API + "/devices", {"asset_tag": "X", "kind": "pc"}),
                               403, "forbidden")
        # The exports keep the same scope.
        text = self.emp.client.get(API + "/devices.csv").body.decode("utf-8-sig")
        self.assertIn(mine["asset_tag"], text)
        self.assertNotIn(other["asset_tag"], text)

    def test_disposal_and_a_disposed_device_is_refused(self):
        admin = self.admin.client
        d = self.device()
        body = {"version": d["version"], "method": "erasure_service", "disposed_by": "回収業者",
                "disposed_on": day(), "witness": "情報システム部 佐藤"}
        self.assertFieldError(admin.post(API + "/devices/%d/dispose" % d["id"], body),
                              "certificate_no", "required")
        self.assertFieldError(admin.post(API + "/devices/%d/dispose" % d["id"],
                                         dict(body, certificate_no="C-1", disposed_on=day(1))),
                              "disposed_on", "out_of_range")
        self.assertProblem(self.emp.client.post(API + "/devices/%d/dispose" % d["id"],
                                                dict(body, certificate_no="C-1")), 403)
        r = admin.post(API + "/devices/%d/dispose" % d["id"], dict(body, certificate_no="C-1"))
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json["status"], r.json["disposal"]["certificate_no"],
                          r.json["disposal"]["witness"]), ("disposed", "C-1", "情報システム部 佐藤"))
        self.assertEqual(len(self.events("device.dispose", d["id"])), 1)
        # A disposed device cannot be asked for, handed over, edited or disposed again.
        self.assertFieldError(self.ask(self.emp, device_id=d["id"]), "device_id", "disposed")
        loan = self.approved_loan(device_kind="pc")
        r = self.hand_over(loan, device_id=d["id"])
        self.assertFieldError(r, "device_id", "disposed")
        self.assertEqual(self.admin.client.get(API + "/loans/%d" % loan["id"]).json["status"],
                         "approved")
        r = admin.patch(API + "/devices/%d" % d["id"], {"version": r.json and
                                                        admin.get(API + "/devices/%d" % d["id"]).json["version"],
                                                        "notes": "x"})
        self.assertProblem(r, 409, "disposed")
        self.assertNotIn(d["id"], [x["id"] for x in
                                   admin.get(q("/devices/choices", purpose="loan")).json["items"]])
        # A device out on loan is returned before it is disposed of.
        out = self.device()
        loan = self.approved_loan(device_id=out["id"])
        self.assertEqual(self.hand_over(loan).status, 200)
        out = admin.get(API + "/devices/%d" % out["id"]).json
        r = admin.post(API + "/devices/%d/dispose" % out["id"],
                       {"version": out["version"], "method": "destruction",
                        "disposed_by": "総務部", "disposed_on": day()})
        self.assertProblem(r, 409, "on_loan")

    # loans ---------------------------------------------------------------------------------

    def test_loan_from_request_to_return(self):
        d = self.device(department_id=self.sales)
        r = self.ask(self.emp, device_id=d["id"])
        self.assertEqual(r.status, 201, r)
        loan = r.json
        self.assertEqual((loan["status"], loan["borrower"]["id"], loan["device"]["id"],
                          loan["device_kind"], loan["contact"]),
                         ("submitted", self.emp.id, d["id"], "pc", "090-1234-5678"))
        self.assertEqual(loan["approval"]["steps"][0]["approver"]["id"], self.mgr.id)
        # The contact is sealed at rest.
        stored = self.srv.sql("SELECT contact FROM loans WHERE id = ?", (loan["id"],))[0][0]
        self.assertTrue(stored.startswith("v1:"), stored)
        # Nobody approves through the loan; the borrower cannot hand it to themselves.
        self.assertProblem(self.emp.client.post(API + "/loans/%d/handover" % loan["id"],
                                                dict(SECURE, version=1, definitions_on=day())),
                           403, "forbidden")
        r = self.hand_over(loan)
        self.assertFieldError(r, "status", "invalid_state")
        # The manager approves in the approvals inbox.
        self.decide(self.mgr, "loan", loan["id"])
        loan = self.officer.client.get(API + "/loans/%d" % loan["id"]).json
        self.assertEqual(loan["status"], "approved")
        self.assertIn("lent", [t["to"] for t in loan["allowed_transitions"]])
        # The lender records the security state: everything must be in order.
        r = self.hand_over(loan, encrypted=False, software_ok=False, definitions_on=day(-8))
        self.assertEqual(set(r.error_fields()), {"encrypted", "software_ok", "definitions_on"}, r)
        r = self.hand_over(loan, note="ACアダプタ付き")
        self.assertEqual(r.status, 200, r)
        loan = r.json
        self.assertEqual((loan["status"], loan["lent_by"]["id"], loan["lent_encrypted"],
                          loan["lent_definitions_on"], loan["lent_on"]),
                         ("lent", self.officer.id, True, day(), day()))
        dev = self.admin.client.get(API + "/devices/%d" % d["id"]).json
        self.assertEqual((dev["status"], dev["current_loan"]["id"]), ("on_loan", loan["id"]))
        # The borrower now sees the device they hold.
        self.assertEqual(self.emp.client.get(API + "/devices/%d" % d["id"]).status, 200)
        tasks = self.emp.client.get(API + "/me/tasks").json["items"]
        mine = [t for t in tasks if t["kind"] == "loan_return" and t["link"] == "/loans/%d" % loan["id"]]
        self.assertEqual(len(mine), 1, tasks)
        self.assertEqual((mine[0]["due_on"], mine[0]["overdue"]), (day(7), False))
        # The return needs the checklist, each item confirmed.
        r = self.emp.client.post(API + "/loans/%d/return" % loan["id"], {"version": loan["version"]})
        self.assertEqual(set(r.error_fields()),
                         {"data_erased", "virus_scanned", "software_ok", "condition"}, r)
        r = self.emp.client.post(API + "/loans/%d/return" % loan["id"],
                                 dict(CHECKLIST, version=loan["version"], virus_scanned=False))
        self.assertFieldError(r, "virus_scanned", "not_confirmed")
        r = self.emp.client.post(API + "/loans/%d/return" % loan["id"],
                                 dict(CHECKLIST, version=loan["version"], condition="damaged"))
        self.assertFieldError(r, "note", "required")
        self.assertEqual(self.admin.client.get(API + "/loans/%d" % loan["id"]).json["status"], "lent")
        r = self.emp.client.post(API + "/loans/%d/return" % loan["id"],
                                 dict(CHECKLIST, version=loan["version"]))
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json["status"], r.json["returned_by"]["id"], r.json["return_data_erased"],
                          r.json["return_condition"]), ("returned", self.emp.id, True, "good"))
        dev = self.admin.client.get(API + "/devices/%d" % d["id"]).json
        self.assertEqual((dev["status"], dev["current_loan"]), ("in_stock", None))
        self.assertEqual([x["id"] for x in dev["loans"]][:1], [loan["id"]])
        kinds = [e["kind"] for e in r.json["timeline"]]
        for k in ("created", "approval_requested", "approval", "status", "handover", "return"):
            self.assertIn(k, kinds)
        for action in ("loan.create", "loan.transition", "device.lend", "device.return"):
            self.assertTrue(self.events(action), action)
        # The audit trail never holds the contact.
        for (summary,) in self.srv.sql("SELECT summary FROM audit_events WHERE object_type = 'loan'"):
            self.assertNotIn("090-1234-5678", summary)

    def test_send_back_change_and_ask_again(self):
        r = self.ask(self.emp, device_kind="pc")
        self.assertEqual(r.status, 201, r)
        loan = r.json
        self.decide(self.mgr, "loan", loan["id"], "send_back", "期間を短くしてください")
        loan = self.emp.client.get(API + "/loans/%d" % loan["id"]).json
        self.assertEqual(loan["status"], "sent_back")
        self.assertProblem(self.emp2.client.patch(API + "/loans/%d" % loan["id"],
                                                  {"version": loan["version"], "due_on": day(2)}), 404)
        r = self.emp.client.patch(API + "/loans/%d" % loan["id"],
                                  {"version": loan["version"], "due_on": day(2)})
        self.assertEqual(r.status, 200, r)
        r = self.emp.client.post(API + "/loans/%d/transition" % loan["id"],
                                 {"version": r.json["version"], "to": "submitted"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json["status"], r.json["due_on"], r.json["approval"]["status"]),
                         ("submitted", day(2), "pending"))
        self.decide(self.mgr, "loan", loan["id"], "reject", "今回は見送ります")
        self.assertEqual(self.emp.client.get(API + "/loans/%d" % loan["id"]).json["status"],
                         "rejected")

    def test_who_sees_which_loans(self):
        r = self.ask(self.emp, device_kind="pc")
        self.assertEqual(r.status, 201, r)
        lid = r.json["id"]
        self.assertEqual(self.mgr.client.get(API + "/loans/%d" % lid).status, 200)
        self.assertEqual(self.auditor.client.get(API + "/loans/%d" % lid).status, 200)
        self.assertProblem(self.emp2.client.get(API + "/loans/%d" % lid), 404)
        self.assertNotIn(lid, [x["id"] for x in self.emp2.client.get(API + "/loans").json["items"]])
        self.assertIn(lid, [x["id"] for x in self.mgr.client.get(API + "/loans").json["items"]])
        # Asking for someone else is the lenders'.
        self.assertFieldError(self.ask(self.emp2, borrower_id=self.emp.id, device_kind="pc"),
                              "borrower_id", "own_only")
        r = self.ask(self.officer, borrower_id=self.emp.id, device_kind="tablet")
        self.assertEqual(r.status, 201, r)
        self.assertEqual((r.json["borrower"]["id"], r.json["requested_by"]["id"]),
                         (self.emp.id, self.officer.id))

    def test_a_delegate_who_may_decide_may_open_the_request(self):
        # The manager names a colleague of another department to stand in while away: the
        # delegate finds the loan in the inbox, opens it, decides it; afterwards it is not theirs.
        r = self.mgr.client.post(API + "/me/delegations", {
            "delegate_id": self.emp2.id, "starts_on": day(), "ends_on": day(3), "note": "出張"})
        self.assertEqual(r.status, 201, r)
        try:
            r = self.ask(self.emp, device_kind="pc")
            self.assertEqual(r.status, 201, r)
            lid = r.json["id"]
            self.assertEqual(self.emp2.client.get(API + "/loans/%d" % lid).status, 200)
            self.assertIn(lid, [x["id"] for x in
                                self.emp2.client.get(API + "/loans").json["items"]])
            self.decide(self.emp2, "loan", lid)
            self.assertProblem(self.emp2.client.get(API + "/loans/%d" % lid), 404)
        finally:
            d = self.mgr.client.get(API + "/me/delegations").json["items"][0]
            self.assertEqual(self.mgr.client.delete(API + "/me/delegations/%d" % d["id"]).status,
                             204)

    def test_two_simultaneous_handovers_one_wins(self):
        for round_ in range(4):
            d = self.device()
            loans = [self.approved_loan(self.emp, device_kind="pc"),
                     self.approved_loan(self.emp2, device_kind="pc")]
            lenders = [self.officer, self.admin]
            barrier = threading.Barrier(2)
            results = [None, None]

            def go(i):
                barrier.wait()
                results[i] = self.hand_over(loans[i], who=lenders[i], device_id=d["id"])

            ts = [threading.Thread(target=go, args=(i,)) for i in range(2)]
            for t in ts:
                t.start()
            for t in ts:
                t.join()
            statuses = sorted(r.status for r in results)
            self.assertEqual(statuses, [200, 409], (round_, results))
            loser = [r for r in results if r.status == 409][0]
            self.assertEqual(loser.code, "device_on_loan")
            rows = self.srv.sql("SELECT id FROM loans WHERE device_id = ? AND status = 'lent'",
                                (d["id"],))
            self.assertEqual(len(rows), 1)
            winner = [loans[i] for i in range(2) if results[i].status == 200][0]
            dev = self.admin.client.get(API + "/devices/%d" % d["id"]).json
            self.assertEqual((dev["status"], dev["current_loan"]["id"]), ("on_loan", winner["id"]))
            other = [loans[i] for i in range(2) if results[i].status == 409][0]
            self.assertEqual(self.admin.client.get(API + "/loans/%d" % other["id"]).json["status"],
                             "approved")

    def test_overdue_loan_in_tasks_and_register(self):
        d = self.device(department_id=self.sales)
        loan = self.approved_loan(device_id=d["id"])
        self.assertEqual(self.hand_over(loan).status, 200)
        self.srv.sql("UPDATE loans SET due_on = ? WHERE id = ?", (day(-1), loan["id"]))
        tasks = self.emp.client.get(API + "/me/tasks").json
        mine = [t for t in tasks["items"] if t["link"] == "/loans/%d" % loan["id"]]
        self.assertEqual([(t["kind"], t["overdue"]) for t in mine], [("loan_return", True)])
        self.assertGreaterEqual(tasks["overdue"], 1)
        team = [t for t in self.mgr.client.get(API + "/me/tasks").json["items"]
                if t["link"] == "/loans/%d" % loan["id"]]
        self.assertEqual([(t["kind"], t["overdue"]) for t in team], [("loan_overdue", True)])
        self.assertIn(self.emp.login.capitalize(), team[0]["title"])
        # Not someone else's task.
        self.assertFalse([t for t in self.emp2.client.get(API + "/me/tasks").json["items"]
                          if t["link"] == "/loans/%d" % loan["id"]])
        dev = self.admin.client.get(API + "/devices/%d" % d["id"]).json
        self.assertIn("loan_overdue", dev["flags"])
        self.assertTrue(dev["current_loan"]["overdue"])
        overdue = self.admin.client.get(q("/loans", overdue="yes")).json["items"]
        self.assertIn(loan["id"], [x["id"] for x in overdue])
        self.assertTrue(all(x["overdue"] for x in overdue))
        # Returned: no longer anyone's task.
        lo = self.admin.client.get(API + "/loans/%d" % loan["id"]).json
        r = self.officer.client.post(API + "/loans/%d/return" % loan["id"],
                                     dict(CHECKLIST, version=lo["version"]))
        self.assertEqual(r.status, 200, r)
        self.assertFalse([t for t in self.mgr.client.get(API + "/me/tasks").json["items"]
                          if t["link"] == "/loans/%d" % loan["id"]])

    def test_bad_input_is_refused_and_nothing_written(self):
        d = self.device()
        head, before = self.srv.audit_head(), self.counts()
        cases = [
            ({"contact": "x", "starts_on": day(), "due_on": day(1)}, "duty", "required"),
            ({"duty": "x", "contact": "x", "starts_on": day(-1), "due_on": day(1),
              "device_kind": "pc"}, "starts_on", "out_of_range"),
            ({"duty": "x", "contact": "x", "starts_on": day(2), "due_on": day(1),
              "device_kind": "pc"}, "due_on", "out_of_range"),
            ({"duty": "x", "contact": "x", "starts_on": day(), "due_on": day(1)},
             "device_kind", "required"),
            ({"duty": "x", "contact": "x", "starts_on": day(), "due_on": day(1),
              "device_kind": "usb_memory"}, "device_kind", "invalid_choice"),
            ({"duty": "x", "contact": "x", "starts_on": day(), "due_on": day(1),
              "device_id": 999999}, "device_id", "not_found"),
            ({"duty": "x" * 201, "contact": "x", "starts_on": day(), "due_on": day(1),
              "device_kind": "pc"}, "duty", "too_long"),
            ({"duty": "x", "contact": "x", "starts_on": "2026-02-30", "due_on": day(1),
              "device_kind": "pc"}, "starts_on", "invalid_date"),
        ]
        for body, field, code in cases:
            with self.subTest(field=field, code=code):
                self.assertFieldError(self.emp.client.post(API + "/loans", body), field, code)
        media = {"device_id": d["id"], "purpose": "x", "data_description": "x",
                 "classification_id": 3, "starts_on": day(), "ends_on": day(1)}
        self.assertFieldError(self.emp.client.post(API + "/media-requests", media), "device_id",
                              "not_media")
        self.assertFieldError(self.admin.client.post(API + "/devices", {"kind": "pc"}),
                              "asset_tag", "required")
        self.assertFieldError(self.admin.client.post(API + "/devices/%d/dispose" % d["id"],
                                                     {"version": d["version"], "method": "burn",
                                                      "disposed_by": "x", "disposed_on": day()}),
                              "method", "invalid_choice")
        self.assertEqual(self.srv.audit_head(), head)
        self.assertEqual(self.counts(), before)

    def test_ledger_exports(self):
        d = self.device(model="Latitude 5440")
        loan = self.approved_loan(device_id=d["id"], duty="顧客先でのデモ")
        self.assertEqual(self.hand_over(loan).status, 200)
        r = self.admin.client.get(API + "/loans.xlsx")
        self.assertEqual(r.status, 200, r)
        self.assertIn("spreadsheetml", r.headers["Content-Type"])
        self.assertRegex(r.headers["Content-Disposition"], r"loans-\d{4}-\d{2}-\d{2}\.xlsx")
        rows = xlsx_rows(r.body)
        self.assertEqual(rows[0][:5], ["番号", "氏名", "所属", "担当業務", "管理番号"])
        row = [x for x in rows[1:] if x[0] == loan["id"]][0]
        cells = dict(zip(rows[0], row))
        self.assertEqual((cells["担当業務"], cells["管理番号"], cells["機種"], cells["状況"],
                          cells["暗号化（貸出時）"], cells["連絡先"]),
                         ("顧客先でのデモ", d["asset_tag"], "Latitude 5440", "貸出中", "はい",
                          "090-1234-5678"))
        r = self.admin.client.get(q("/loans.csv", encoding="cp932", status="lent"))
        self.assertIn("Windows-31J", r.headers["Content-Type"])
        text = r.body.decode("cp932")
        self.assertTrue(text.startswith("番号,氏名"))
        self.assertIn(d["asset_tag"], text)
        self.assertTrue(self.events("export.loans"))
        # The employee's export holds their own loans only.
        text = self.emp2.client.get(API + "/loans.csv").body.decode("utf-8-sig")
        self.assertNotIn(d["asset_tag"], text)

    def test_device_import_and_export(self):
        admin = self.admin.client
        rows = ["管理番号,種別,機種,管理部署,使用者,状態,画面ロック(分),ディスク暗号化,定義ファイル更新日"]
        for n in range(1, 21):
            rows.append("IMP-%03d,PC,Let's note,営業部,devemp,使用中,10,はい,%s" %
                        (n, day().replace("-", "/")))
        data = ("\r\n".join(rows) + "\r\n").encode("cp932")
        r = admin.post(q("/devices/import", dry_run=1), raw=data, content_type="text/csv")
        self.assertEqual((r.status, r.json["rows"], r.json["valid"], r.json["imported"]),
                         (200, 20, 20, 0), r)
        r = admin.post(q("/devices/import", dry_run=0), raw=data, content_type="text/csv")
        self.assertEqual((r.status, r.json["imported"]), (200, 20), r)
        got = admin.get(q("/devices", q="imp-001")).json["items"]
        self.assertEqual([(x["asset_tag"], x["holder_id"], x["status"], x["department_name"])
                          for x in got], [("IMP-001", self.emp.id, "in_use", "営業部")])
        # A bad row: nothing of the file is stored.
        bad = ("管理番号,種別,状態\r\nIMP-100,PC,在庫\r\nIMP-101,PC,廃棄済み\r\n").encode("utf-8")
        r = admin.post(q("/devices/import", dry_run=0), raw=bad, content_type="text/csv")
        self.assertProblem(r, 422, "import_rows")
        self.assertEqual([(e["row"], e["field"]) for e in r.json["errors"]], [(3, "status")])
        self.assertEqual(admin.get(q("/devices", q="imp-100")).json["items"], [])
        # The export reads back in (read-only columns are skipped).
        r = admin.get(q("/devices.xlsx", q="imp-0"))
        rows = xlsx_rows(r.body)
        self.assertEqual(rows[0][:3], ["ID", "管理番号", "種別"])
        self.assertEqual(len(rows), 21)
        csv = admin.get(q("/devices.csv", q="imp-001")).body.decode("utf-8-sig")
        csv = csv.replace("IMP-001", "IMP-901")
        r = admin.post(q("/devices/import", dry_run=1), raw=csv.encode(), content_type="text/csv")
        self.assertTrue(r.json["ok"], r.json["errors"][:3])

    # media ---------------------------------------------------------------------------------

    def test_media_request_privacy_step_and_expiry(self):
        usb = self.device(kind="usb_memory", model="暗号化USB 32GB")
        body = {"device_id": usb["id"], "purpose": "取引先への納品データの受け渡し",
                "data_description": "顧客名簿（氏名・住所）", "classification_id": 1,
                "personal_info": True, "starts_on": day(), "ends_on": day(3)}
        self.assertFieldError(self.emp.client.post(API + "/media-requests", body), "encrypted",
                              "encryption_required")
        r = self.emp.client.post(API + "/media-requests", dict(body, encrypted=True,
                                                               password_protected=True))
        self.assertEqual(r.status, 201, r)
        m = r.json
        self.assertTrue(m["privacy_review"])
        self.assertEqual([s["kind"] for s in m["approval"]["steps"]], ["manager", "permission"])
        self.assertEqual(m["approval"]["steps"][1]["permission"], "media.privacy")
        # The same medium cannot be asked for twice in one period.
        self.assertFieldError(self.emp2.client.post(API + "/media-requests",
                                                    dict(body, encrypted=True)), "device_id",
                              "booked")
        # Another employee does not see it; the privacy officer's list has it.
        self.assertProblem(self.emp2.client.get(API + "/media-requests/%d" % m["id"]), 404)
        self.assertProblem(self.mgr.client.get(API + "/media-requests/privacy"), 403)
        self.assertIn(m["id"], [x["id"] for x in
                                self.officer.client.get(API + "/media-requests/privacy").json["items"]])
        self.decide(self.mgr, "media_request", m["id"])
        self.assertEqual(self.emp.client.get(API + "/media-requests/%d" % m["id"]).json["status"],
                         "submitted")
        self.decide(self.officer, "media_request", m["id"])
        m = self.emp.client.get(API + "/media-requests/%d" % m["id"]).json
        self.assertEqual((m["status"], m["in_use"]), ("approved", True))
        # The medium's use history is on its page.
        page = self.admin.client.get(API + "/devices/%d" % usb["id"]).json
        self.assertEqual([x["id"] for x in page["media_requests"]], [m["id"]])
        # Its period ends: the job closes it.
        self.srv.sql("UPDATE media_requests SET ends_on = ? WHERE id = ?", (day(-1), m["id"]))
        r = self.srv.cli("jobs", "run")
        self.assertEqual(r.returncode, 0, r.stderr)
        m = self.emp.client.get(API + "/media-requests/%d" % m["id"]).json
        self.assertEqual(m["status"], "expired")
        self.assertEqual(m["timeline"][-1]["to_status"], "expired")
        # Without personal information at the top level: the manager alone, and finishing.
        r = self.emp.client.post(API + "/media-requests",
                                 dict(body, classification_id=3, personal_info=False,
                                      starts_on=day(4), ends_on=day(5)))
        self.assertEqual(r.status, 201, r)
        self.assertEqual((r.json["privacy_review"], len(r.json["approval"]["steps"])), (False, 1))
        self.decide(self.mgr, "media_request", r.json["id"])
        m = self.emp.client.get(API + "/media-requests/%d" % r.json["id"]).json
        r = self.emp.client.post(API + "/media-requests/%d/transition" % m["id"],
                                 {"version": m["version"], "to": "finished",
                                  "comment": "返却し、データを消去しました"})
        self.assertEqual((r.status, r.json["status"], r.json["finish_note"]),
                         (200, "finished", "返却し、データを消去しました"), r)
        self.assertTrue(self.events("media_request.transition", m["id"]))

    def test_choices(self):
        pc = self.device()
        usb = self.device(kind="usb_memory")
        loan = {x["id"] for x in self.emp.client.get(q("/devices/choices", purpose="loan")).json["items"]}
        media = {x["id"] for x in self.emp.client.get(q("/devices/choices", purpose="media")).json["items"]}
        self.assertIn(pc["id"], loan)
        self.assertNotIn(usb["id"], loan)
        self.assertIn(usb["id"], media)
        self.assertNotIn(pc["id"], media)
