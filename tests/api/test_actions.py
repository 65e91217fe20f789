"""Corrective and preventive actions: opened from an incident or on their own, who sees and
moves them (owner, officer, auditor, colleague), the effectiveness check by someone other than
the owner, overdue flags, versions, exports and audit events."""
import csv
import io
from datetime import timedelta

from harness import API, ServerTestCase, org_today


def day(n=0):
    return (org_today() + timedelta(days=n)).isoformat()


class ActionsTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.officer = cls.srv.create_user("act_officer", roles=["officer"], name="管理 太郎")
        cls.auditor = cls.srv.create_user("act_auditor", roles=["auditor"])
        cls.owner = cls.srv.create_user("act_owner", name="担当 一郎")
        cls.other = cls.srv.create_user("act_other")

    def new_action(self, **fields):
        body = {"title": "USBメモリの持ち出し手順を見直す", "owner_id": self.owner.id,
                "due_on": day(14), "cause": "暗号化の手順が周知されていなかった",
                "plan": "持ち出し前の暗号化を点検項目に加える"}
        body.update(fields)
        r = self.officer.client.post(API + "/actions", body)
        self.assertEqual(r.status, 201, r)
        return r.json

    def status(self, who, a, to, note=None, version=None):
        body = {"version": version or a["version"], "to": to}
        if note is not None:
            body["note"] = note
        return who.client.post(API + "/actions/%d/status" % a["id"], body)

    def test_from_an_incident(self):
        inc = self.owner.client.post(API + "/incidents", {
            "category": "missend", "title": "見積書を別の顧客に送信",
            "description": "宛先の候補から似た名前を選んでしまった"}).json
        r = self.officer.client.post(API + "/incidents/%d/actions" % inc["id"], {
            "kind": "preventive", "title": "送信前に宛先を読み上げる", "owner_id": self.owner.id,
            "due_on": day(30)})
        self.assertEqual(r.status, 201, r)
        acts = r.json["actions"]
        self.assertEqual(len(acts), 1)
        a = acts[0]
        self.assertEqual((a["source_type"], a["source_id"], a["source_title"], a["kind"],
                          a["status"], a["owner"]["name"]),
                         ("incident", inc["id"], "見積書を別の顧客に送信", "preventive", "open",
                          "担当 一郎"))
        self.assertEqual(r.json["timeline"][-1]["kind"], "action")
        # The owner finds it among their actions; the filter by source finds it too.
        mine = self.owner.client.get(API + "/actions?state=open").json["items"]
        self.assertIn(a["id"], [x["id"] for x in mine])
        by_src = self.officer.client.get(API + "/actions?source_type=incident&source_id=%d"
                                         % inc["id"]).json["items"]
        self.assertEqual([x["id"] for x in by_src], [a["id"]])
        # Bad input leaves nothing behind.
        r = self.officer.client.post(API + "/incidents/%d/actions" % inc["id"], {
            "title": "x", "owner_id": 999999, "due_on": day(3)})
        self.assertFieldError(r, "owner_id", "not_found")
        self.assertEqual(len(self.officer.client.get(API + "/incidents/%d" % inc["id"])
                             .json["actions"]), 1)
        self.assertProblem(self.owner.client.post(API + "/incidents/%d/actions" % inc["id"], {
            "title": "x", "owner_id": self.owner.id, "due_on": day(3)}), 403, "forbidden")

    def test_who_sees_and_moves_it(self):
        a = self.new_action()
        url = API + "/actions/%d" % a["id"]
        # A colleague cannot see it; the auditor reads but cannot move it.
        self.assertProblem(self.other.client.get(url), 404, "not_found")
        self.assertNotIn(a["id"], [x["id"] for x in
                                   self.other.client.get(API + "/actions").json["items"]])
        self.assertEqual(self.auditor.client.get(url).status, 200)
        self.assertProblem(self.status(self.auditor, a, "in_progress"), 403, "not_owner")
        self.assertProblem(self.status(self.other, a, "in_progress"), 404, "not_found")
        # The owner works on it; done needs a word on what was done.
        r = self.status(self.owner, a, "in_progress")
        self.assertEqual(r.status, 200, r)
        self.assertFieldError(self.status(self.owner, r.json, "done"), "note", "required")
        self.assertProblem(self.status(self.owner, r.json, "cancelled", "不要"), 403,
                           "not_owner")
        self.assertProblem(self.status(self.owner, a, "done", "x"), 409, "conflict")
        r = self.status(self.owner, r.json, "done", "点検表に項目を追加しました。")
        self.assertEqual(r.status, 200, r)
        done = r.json
        self.assertEqual((done["status"], done["result"]),
                         ("done", "点検表に項目を追加しました。"))
        # The owner may not check their own action.
        self.assertProblem(self.owner.client.post(url + "/effectiveness", {
            "version": done["version"], "result": "effective", "note": "効いた"}), 403,
            "forbidden")
        self.owner_as_officer_cannot_check(done)
        # Not effective: back to open with a new due date.
        body = {"version": done["version"], "result": "not_effective",
                "note": "翌月も同じ誤りがあった"}
        self.assertFieldError(self.officer.client.post(url + "/effectiveness", body), "due_on",
                              "required")
        body["due_on"] = day(20)
        r = self.officer.client.post(url + "/effectiveness", body)
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json["status"], r.json["effectiveness"], r.json["due_on"]),
                         ("open", "not_effective", day(20)))
        r = self.status(self.owner, r.json, "done", "手順書も改訂しました。")
        r = self.officer.client.post(url + "/effectiveness", {
            "version": r.json["version"], "result": "effective", "note": "3か月再発なし"})
        self.assertEqual(r.status, 200, r)
        closed = r.json
        self.assertEqual((closed["status"], closed["checked_by"]["name"]), ("closed", "管理 太郎"))
        self.assertIsNotNone(closed["checked_at"])
        kinds = [h["kind"] for h in closed["history"]]
        self.assertEqual(kinds, ["created", "status", "status", "not_effective", "status",
                                 "effective"])
        # A closed action is not edited any more.
        r = self.officer.client.patch(url, {"version": closed["version"], "title": "変更"})
        self.assertProblem(r, 403, "action_finished")
        events = self.admin.client.get(API + "/audit/events?object_type=action&object_id=%d"
                                       % a["id"]).json["items"]
        self.assertEqual(sorted({e["action"] for e in events}),
                         ["action.create", "action.effectiveness", "action.status"])

    def owner_as_officer_cannot_check(self, done):
        """An officer who owns an action cannot confirm it either."""
        own = self.new_action(owner_id=self.officer.id)
        r = self.status(self.officer, own, "done", "済")
        r = self.officer.client.post(API + "/actions/%d/effectiveness" % own["id"], {
            "version": r.json["version"], "result": "effective", "note": "自分で確認"})
        self.assertFieldError(r, "result", "own_action")

    def test_edit_cancel_overdue(self):
        a = self.new_action(due_on=day(-1))
        self.assertTrue(a["overdue"])
        overdue = self.owner.client.get(API + "/actions?overdue=1").json["items"]
        self.assertIn(a["id"], [x["id"] for x in overdue])
        url = API + "/actions/%d" % a["id"]
        r = self.officer.client.patch(url, {"version": a["version"], "due_on": day(5),
                                            "owner_id": self.other.id})
        self.assertEqual(r.status, 200, r)
        self.assertFalse(r.json["overdue"])
        self.assertEqual(r.json["owner"]["id"], self.other.id)
        self.assertProblem(self.officer.client.patch(url, {"version": a["version"],
                                                           "title": "古い版"}), 409, "conflict")
        self.assertProblem(self.owner.client.patch(url, {"version": r.json["version"],
                                                         "title": "担当外"}), 403, "forbidden")
        self.assertFieldError(self.status(self.officer, r.json, "cancelled"), "note", "required")
        r = self.status(self.officer, r.json, "cancelled", "別の処置に統合")
        self.assertEqual(r.json["status"], "cancelled")
        self.assertFieldError(self.status(self.officer, r.json, "done", "x"), "status",
                              "invalid_transition")
        r = self.status(self.officer, r.json, "open")
        self.assertEqual(r.json["status"], "open")

    def test_input_rules(self):
        c = self.officer.client
        self.assertFieldError(c.post(API + "/actions", {"title": "x", "owner_id": self.owner.id}),
                              "due_on", "required")
        self.assertFieldError(c.post(API + "/actions", {"title": "x", "owner_id": self.owner.id,
                                                        "due_on": "2026-02-30"}), "due_on",
                              "invalid_date")
        self.assertFieldError(c.post(API + "/actions", {"title": "", "owner_id": self.owner.id,
                                                        "due_on": day(1)}), "title", "required")
        self.assertFieldError(c.post(API + "/actions", {"title": "x", "owner_id": self.owner.id,
                                                        "due_on": day(1), "kind": "magic"}),
                              "kind", "invalid_choice")
        self.assertProblem(self.owner.client.post(API + "/actions", {
            "title": "x", "owner_id": self.owner.id, "due_on": day(1)}), 403, "forbidden")

    def test_export(self):
        self.new_action(title="+cmd 危険な件名")
        r = self.auditor.client.get(API + "/actions.csv")
        self.assertEqual(r.status, 200, r)
        rows = list(csv.reader(io.StringIO(r.body.decode("utf-8-sig"))))
        self.assertEqual(rows[0][:6], ["ID", "種別", "出所", "出所ID", "出所の件名", "件名"])
        self.assertTrue(any(row[5] == "'+cmd 危険な件名" for row in rows[1:]))
        self.assertEqual(self.auditor.client.get(API + "/actions.xlsx").status, 200)
        self.assertProblem(self.owner.client.get(API + "/actions.csv"), 403, "forbidden")
        exports = self.admin.client.get(API + "/audit/events?action=export.actions").json["items"]
        self.assertEqual(len(exports), 2)
