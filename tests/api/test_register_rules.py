"""What a Privacy Mark / ISMS review checks in the registers: required columns that are really
filled in, the lifecycle risk analysis as one table, the APPI records of third-party
provision, nothing escaping the yearly review, mamori's own personal data registered, and a
Statement of Applicability with a reason for every control, versions and their approval —
showing each reader only the risks they may see."""
import json
import os
import urllib.parse

from harness import API, ServerTestCase
from test_exports import cells
from test_registers import xlsx_rows
from test_workflow import at_once

PINFO = {"name": "会員名簿", "items": "氏名、メールアドレス", "purpose": "会報の送付",
         "storage_location": "会員管理システム", "storage_method": "暗号化して保存",
         "access": "事務局員", "use_until": "退会まで", "retention_until": "退会後1年"}
REQUIRED = ("items", "purpose", "storage_location", "storage_method", "access", "use_until",
            "retention_until")
STAGES = ("acquire", "transfer", "use", "store", "dispose")


def q(path, **params):
    return API + path + ("?" + urllib.parse.urlencode(params) if params else "")


def decide(who, approval, decision, comment=None):
    """A decision on an approval in the shared approvals inbox."""
    body = {"version": approval["version"], "decision": decision}
    if comment is not None:
        body["comment"] = comment
    return who.client.post(API + "/approvals/%d/decision" % approval["id"], body)


class PinfoRulesTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        admin = cls.admin.client
        cls.dept = admin.post(API + "/departments", {"name": "総務部"}).json["id"]

    def test_blank_values_do_not_fill_a_required_column(self):
        admin = self.admin.client
        for col in REQUIRED + ("name",):
            for blank in ("   ", "\u3000\u3000", " \u3000 "):
                with self.subTest(column=col, value=repr(blank)):
                    self.assertFieldError(admin.post(API + "/pinfo", dict(PINFO, **{col: blank})),
                                          col, "required")
        p = admin.post(API + "/pinfo", dict(PINFO, name="  前後に空白  ")).json
        self.assertEqual(p["name"], "前後に空白")
        self.assertFieldError(admin.patch(API + "/pinfo/%d" % p["id"],
                                          {"version": p["version"], "access": "\u3000"}),
                              "access", "required")
        self.assertEqual(admin.get(API + "/pinfo/%d" % p["id"]).json["access"], "事務局員")
        # The other registers too.
        self.assertFieldError(admin.post(API + "/assets", {
            "name": "  ", "asset_type": "data", "classification_id": 1, "c": 1, "i": 1, "a": 1}),
            "name", "required")
        self.assertFieldError(admin.post(API + "/risks", {
            "pinfo_id": p["id"], "threat": "\u3000", "vulnerability": "x", "likelihood": 1,
            "impact": 1, "treatment": "accept"}), "threat", "required")

    def test_a_count_typed_as_words_is_refused_not_dropped(self):
        admin = self.admin.client
        before = self.srv.sql("SELECT COUNT(*) FROM pinfo")[0][0]
        for bad in ("約1,500件", "1500件", "1.5", "", "千五百"):
            with self.subTest(value=bad):
                r = admin.post(API + "/pinfo", dict(PINFO, record_count=bad))
                self.assertFieldError(r, "record_count", "invalid_type")
        self.assertEqual(self.srv.sql("SELECT COUNT(*) FROM pinfo")[0][0], before)
        self.assertFieldError(admin.post(API + "/pinfo", dict(PINFO, record_count=-1)),
                              "record_count", "out_of_range")

    def test_appi_fields_and_the_five_stage_risk_analysis(self):
        admin = self.admin.client
        # A provision to a third party needs its record; one abroad, the country and what the
        # person was told.
        for field in ("tp_recipient", "tp_when", "tp_items", "tp_consent"):
            body = dict(PINFO, tp_provided=True, tp_recipient="配送会社", tp_when="発送の都度",
                        tp_items="氏名、住所", tp_consent="申込書で同意")
            body[field] = " "
            with self.subTest(field=field):
                self.assertFieldError(admin.post(API + "/pinfo", body), field, "required")
        for field in ("abroad_country", "abroad_info"):
            body = dict(PINFO, abroad=True, abroad_country="シンガポール",
                        abroad_info="同国の制度と委託先の安全管理措置を申込画面で表示")
            del body[field]
            with self.subTest(field=field):
                self.assertFieldError(admin.post(API + "/pinfo", body), field, "required")
        self.assertFieldError(admin.post(API + "/pinfo", dict(PINFO, processing="masked")),
                              "processing", "invalid_choice")
        body = dict(PINFO, name="海外配送の顧客", department_id=self.dept, retained=True,
                    my_number=False, processing="pseudonymised", tp_provided=True,
                    tp_recipient="国際配送会社", tp_when="発送の都度", tp_items="氏名、住所",
                    tp_consent="注文画面で同意", abroad=True, abroad_country="シンガポール",
                    abroad_info="同国の制度と配送会社の安全管理措置を注文画面で表示")
        for s in STAGES:
            body["lc_%s_risks" % s] = "%sのリスク" % s
            body["lc_%s_controls" % s] = "%sの対策" % s
            body["lc_%s_residual" % s] = "%sは低" % s
        r = admin.post(API + "/pinfo", body)
        self.assertEqual(r.status, 201, r)
        p = r.json
        self.assertEqual((p["retained"], p["processing"], p["tp_recipient"], p["abroad_country"],
                          p["lc_store_residual"]),
                         (True, "pseudonymised", "国際配送会社", "シンガポール", "storeは低"))
        # The register's export carries the new columns…
        rows = xlsx_rows(admin.get(API + "/pinfo.xlsx").body)
        head = rows[0]
        row = [x for x in rows if x[head.index("台帳名")] == "海外配送の顧客"][0]
        for col, want in (("保有個人データ", "はい"), ("提供先", "国際配送会社"),
                          ("提供先の国", "シンガポール"), ("仮名・匿名加工", "仮名加工情報"),
                          ("特定個人情報 (マイナンバー)", "いいえ"),
                          ("保管・バックアップの残留リスク", "storeは低")):
            self.assertEqual(row[head.index(col)], want, col)
        # …and the risk analysis is one table: a row per stage.
        r = admin.get(q("/pinfo/risk-analysis.csv", q="海外配送"))
        self.assertEqual(r.status, 200, r)
        table = cells(r.body, "utf-8")
        self.assertEqual(table[0], ["ID", "台帳名", "管理部署", "段階", "リスク", "対策",
                                    "残留リスク"])
        self.assertEqual([row[3] for row in table[1:]],
                         ["取得・入力", "移送・送信", "利用・加工", "保管・バックアップ", "消去・廃棄"])
        self.assertEqual(table[4][4:], ["storeのリスク", "storeの対策", "storeは低"])
        self.assertEqual({row[2] for row in table[1:]}, {"総務部"})
        rows = xlsx_rows(admin.get(q("/pinfo/risk-analysis.xlsx", q="海外配送")).body)
        self.assertEqual(len(rows), 6)
        self.assertEqual(self.srv.sql("SELECT COUNT(*) FROM audit_events WHERE action = "
                                      "'export.pinfo_risks'")[0][0], 2)
        # Imports read the new columns back.
        r = admin.post(q("/pinfo/import", dry_run=1), raw=admin.get(API + "/pinfo.csv").body,
                       content_type="text/csv")
        self.assertTrue(r.json["ok"], r.json["errors"][:3])

    def test_entries_without_a_department_are_reviewed_too(self):
        admin = self.admin.client
        admin.post(API + "/pinfo", dict(PINFO, name="部署なしの台帳", reviewed_on="2020-01-10"))
        admin.post(API + "/assets", {"name": "部署なしの資産", "asset_type": "paper",
                                     "classification_id": 3, "c": 1, "i": 1, "a": 1})
        items = admin.get(API + "/registers/review-status").json["items"]
        none = [x for x in items if x["department_id"] is None]
        self.assertEqual(len(none), 1, items)
        self.assertIsNone(none[0]["department_name"])
        self.assertGreaterEqual(none[0]["pinfo"], 1)
        self.assertGreaterEqual(none[0]["pinfo_overdue"], 1)
        self.assertGreaterEqual(none[0]["assets"], 1)
        self.assertIs(items[-1], none[0] if items[-1]["department_id"] is None else None)


# Every kind of personal data mamori itself keeps (src/modules/pinfo/own.c).
OWN_KEYS = {"accounts", "training", "incidents", "visits", "office_log", "checklists", "pledges"}


class OwnDataTest(ServerTestCase):
    """mamori's own personal data is in the register from `mamori init` on."""

    def own(self):
        items = self.admin.client.get(API + "/pinfo?limit=200").json["items"]
        return {p["own"]: p for p in items if p["own"]}

    def test_registered_at_init_counted_live_and_kept(self):
        admin = self.admin.client
        own = self.own()
        self.assertEqual(set(own), OWN_KEYS)
        users = self.srv.sql("SELECT COUNT(*) FROM users")[0][0]
        self.assertEqual(own["accounts"]["record_count"], users)
        self.assertTrue(own["accounts"]["retained"])
        for p in own.values():
            full = admin.get(API + "/pinfo/%d" % p["id"]).json
            for col in ("items", "purpose", "storage_location", "storage_method", "access",
                        "use_until", "retention_until"):
                self.assertTrue(full[col].strip(), (p["own"], col))
            for s in STAGES:
                self.assertTrue(full["lc_%s_risks" % s] and full["lc_%s_controls" % s])
        creates = self.srv.sql("SELECT COUNT(*) FROM audit_events WHERE action = 'pinfo.create'")
        self.assertEqual(creates[0][0], len(OWN_KEYS))
        # The count follows the module's data.
        self.srv.create_user("own_new")
        self.assertEqual(self.own()["accounts"]["record_count"], users + 1)
        r = self.srv.create_user("own_reporter").client.post(API + "/incidents", {
            "category": "loss", "title": "社員証の紛失", "description": "帰宅途中に紛失"})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(self.own()["incidents"]["record_count"], 1)
        # It cannot be deleted; it can be edited, but not its count.
        acc = self.own()["accounts"]
        self.assertProblem(admin.delete(API + "/pinfo/%d" % acc["id"],
                                        {"version": acc["version"]}), 409, "kept")
        self.assertFieldError(admin.patch(API + "/pinfo/%d" % acc["id"], {
            "version": acc["version"], "record_count": 5}), "record_count", "computed")
        r = admin.patch(API + "/pinfo/%d" % acc["id"], {
            "version": acc["version"], "record_count": acc["record_count"],
            "access": "システム管理者のみ"})
        self.assertEqual(r.status, 200, r)
        # The job puts back what is missing (an older install, or a module that adds an
        # entry) and adds nothing twice.
        self.srv.sql("UPDATE pinfo SET own_key = NULL WHERE own_key = 'training'")
        r = self.srv.cli("jobs", "run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.srv.cli("jobs", "run")
        self.assertEqual(set(self.own()), OWN_KEYS)
        self.assertEqual(self.srv.sql("SELECT COUNT(*) FROM pinfo WHERE own_key IS NOT NULL")
                         [0][0], len(OWN_KEYS))


class SoaVersionsTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        admin = cls.admin.client
        cls.sales = admin.post(API + "/departments", {"name": "営業部"}).json["id"]
        cls.dev = admin.post(API + "/departments", {"name": "開発部"}).json["id"]
        cls.officer = cls.srv.create_user("soa_officer", roles=["officer"], name="管理 花子")
        cls.smgr = cls.srv.create_user("soa_smgr", roles=["manager"], department_id=cls.sales)
        cls.dmgr = cls.srv.create_user("soa_dmgr", roles=["manager"], department_id=cls.dev)
        cls.approver = cls.srv.create_user("soa_approver", roles=["officer"], name="承認 次郎")

    def reason_for_all(self, client):
        for c in client.get(API + "/soa").json["items"]:
            if c["justification"]:
                continue
            r = client.patch(API + "/soa/%d" % c["id"], {
                "version": c["version"], "justification": "リスク対応に必要なため (%s)" % c["number"]})
            self.assertEqual(r.status, 200, r)

    def test_versions_need_reasons_and_one_approval(self):
        officer = self.officer.client
        r = officer.post(API + "/soa/versions", {"note": "初版"})
        self.assertFieldError(r, "controls", "justification_missing")
        self.assertEqual(officer.get(API + "/soa/versions").json["items"], [])
        self.reason_for_all(officer)
        ctl = [c for c in officer.get(API + "/soa").json["items"] if c["number"] == "7.4"][0]
        r = officer.patch(API + "/soa/%d" % ctl["id"], {
            "version": ctl["version"], "applicable": False,
            "justification": "監視カメラを置く施設がない"})
        self.assertEqual(r.status, 200, r)
        r = officer.post(API + "/soa/versions", {"note": "初版"})
        self.assertEqual(r.status, 201, r)
        v1 = r.json
        self.assertEqual((v1["number"], v1["status"], v1["applicable_count"],
                          v1["excluded_count"], v1["created_by_name"]),
                         (1, "pending", 92, 1, "管理 花子"))
        self.assertEqual(len(v1["controls"]), 93)
        frozen = [c for c in v1["controls"] if c["number"] == "7.4"][0]
        self.assertEqual((frozen["applicable"], frozen["justification"], frozen["updated_by_name"]),
                         (False, "監視カメラを置く施設がない", "管理 花子"))
        # One pending version at a time, and its approval is open: anyone holding soa.approve
        # but its maker decides it, in the approvals inbox.
        self.assertProblem(officer.post(API + "/soa/versions", {"note": "もう一つ"}), 409,
                           "pending")
        self.assertFieldError(officer.post(API + "/soa/versions", {"note": "\u3000"}), "note",
                              "required")
        a = v1["approval"]
        self.assertEqual((a["status"], a["can_decide"], a["can_withdraw"]),
                         ("pending", False, True))
        self.assertEqual([(s["kind"], s["permission"]) for s in a["steps"]],
                         [("permission", "soa.approve")])
        self.assertEqual([e["kind"] for e in v1["timeline"]], ["created", "approval_requested"])
        self.assertEqual(v1["allowed_transitions"], [])
        # The module's own approve / reject routes are gone.
        for verb in ("approve", "reject"):
            r = officer.post(API + "/soa/versions/%d/%s" % (v1["id"], verb), {"version": 1})
            self.assertIn(r.status, (404, 405), r)
        self.assertProblem(decide(self.officer, a, "approve"), 403, "own_request")
        self.assertProblem(decide(self.smgr, a, "approve"), 404)  # not theirs to see
        self.assertFieldError(decide(self.approver, a, "reject", " \u3000"), "comment", "required")
        self.assertProblem(decide(self.approver, dict(a, version=a["version"] + 1), "approve"),
                           409)
        seen = self.approver.client.get(API + "/soa/versions/%d" % v1["id"]).json
        self.assertTrue(seen["approval"]["can_decide"])
        r = decide(self.approver, a, "approve", "承認します")
        self.assertEqual(r.status, 200, r)
        r = officer.get(API + "/soa/versions/%d" % v1["id"])
        self.assertEqual((r.json["status"], r.json["decided_by_name"], r.json["decision_note"]),
                         ("approved", "承認 次郎", "承認します"))
        self.assertEqual(r.json["approval"]["status"], "approved")
        self.assertEqual([e["kind"] for e in r.json["timeline"]],
                         ["created", "approval_requested", "approval", "status"])
        self.assertEqual(r.json["timeline"][-1]["to_status"], "approved")
        # Decided once: a second decision finds it closed.
        self.assertFieldError(decide(self.approver, r.json["approval"], "reject", "やはり"),
                              "decision", "approval_closed")
        # Later changes leave the approved version as it was.
        r = officer.patch(API + "/soa/%d" % ctl["id"], {
            "version": ctl["version"] + 1, "applicable": True, "justification": "施設を新設した"})
        self.assertEqual(r.status, 200, r)
        soa = officer.get(API + "/soa").json
        self.assertEqual(soa["approved"]["number"], 1)
        self.assertIsNone(soa["pending"])
        text = officer.get(q("/soa.csv", version=1)).body.decode("utf-8-sig")
        self.assertIn("監視カメラを置く施設がない", text)
        self.assertNotIn("施設を新設した", text)
        r = officer.get(q("/soa.xlsx", version=1))
        self.assertIn("soa-v1-", r.headers["Content-Disposition"])
        self.assertProblem(officer.get(q("/soa.csv", version=7)), 404)
        # Version 2, rejected with a reason.
        v2 = officer.post(API + "/soa/versions", {"note": "施設の新設"}).json
        self.assertEqual(v2["number"], 2)
        self.assertEqual(decide(self.approver, v2["approval"], "reject", "理由を詳しく").status,
                         200)
        self.assertEqual(officer.get(API + "/soa/versions/%d" % v2["id"]).json["status"],
                         "rejected")
        self.assertEqual([v["number"] for v in officer.get(API + "/soa/versions").json["items"]],
                         [2, 1])
        self.assertEqual(officer.get(API + "/soa").json["approved"]["number"], 1)
        # The same audit events as before the engine, by whoever made or decided them.
        events = [(a, who, json.loads(s).get("after", {}).get("note")) for (a, who, s) in
                  self.srv.sql("SELECT action, actor_id, summary FROM audit_events WHERE "
                               "object_type = 'soa_version' AND action LIKE 'soa.%' ORDER BY "
                               "seq")]
        self.assertEqual(events, [
            ("soa.version.create", self.officer.id, None),
            ("soa.version.approve", self.approver.id, "承認します"),
            ("soa.version.create", self.officer.id, None),
            ("soa.version.reject", self.approver.id, "理由を詳しく")])
        # The command line prints a version too.
        out = os.path.join(self.srv.tmp, "soa1.csv")
        r = self.srv.cli("export", "soa", "--version", "1", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out, encoding="utf-8-sig") as f:
            self.assertIn("監視カメラを置く施設がない", f.read())

    def test_the_list_shows_only_risks_the_reader_may_see(self):
        admin = self.admin.client
        control = [c for c in admin.get(API + "/soa").json["items"] if c["number"] == "8.7"][0]
        risk_ids = {}
        for name, dept, who in (("営業の資産", self.sales, "smgr"), ("開発の資産", self.dev, "dmgr")):
            asset = admin.post(API + "/assets", {"name": name, "asset_type": "data",
                                                 "department_id": dept, "classification_id": 1,
                                                 "c": 2, "i": 2, "a": 2}).json
            r = admin.post(API + "/risks", {"asset_id": asset["id"], "threat": "マルウェア",
                                            "vulnerability": "定義ファイルが古い",
                                            "likelihood": 2, "impact": 2, "treatment": "reduce",
                                            "control_ids": [control["id"]]})
            self.assertEqual(r.status, 201, r)
            risk_ids[who] = r.json["id"]
        for who, mine, theirs in (("smgr", "smgr", "dmgr"), ("dmgr", "dmgr", "smgr")):
            client = getattr(self, who).client
            with self.subTest(reader=who):
                c = [x for x in client.get(API + "/soa").json["items"] if x["number"] == "8.7"][0]
                self.assertEqual((c["risk_ids"], c["risk_count"]), ([risk_ids[mine]], 1))
                one = client.get(API + "/soa/%d" % control["id"]).json
                self.assertEqual(one["risk_ids"], [risk_ids[mine]])
                rows = cells(client.get(API + "/soa.csv").body, "utf-8")
                row = [x for x in rows if x[0] == "8.7"][0]
                self.assertEqual(row[rows[0].index("関連リスクID")], str(risk_ids[mine]))
                self.assertNotIn(str(risk_ids[theirs]), row[rows[0].index("関連リスクID")].split())
        c = [x for x in admin.get(API + "/soa").json["items"] if x["number"] == "8.7"][0]
        self.assertEqual(sorted(c["risk_ids"]), sorted(risk_ids.values()))

    def test_titles_are_our_own_words(self):
        # The standard's names (JIS Q 27001:2023) of the controls a review listed; ours differ.
        standard = {"5.30": "事業継続のためのICTの備え", "5.33": "記録の保護",
                    "7.7": "クリアデスク・クリアスクリーン", "7.9": "構外にある資産のセキュリティ",
                    "8.3": "情報へのアクセス制限", "8.6": "容量・能力の管理", "8.8": "技術的ぜい弱性の管理",
                    "8.9": "構成管理", "8.20": "ネットワークのセキュリティ",
                    "8.21": "ネットワークサービスのセキュリティ", "8.22": "ネットワークの分離",
                    "8.25": "セキュリティに配慮した開発のライフサイクル",
                    "8.26": "アプリケーションのセキュリティの要求事項", "8.30": "外部委託による開発",
                    "8.32": "変更管理", "5.3": "職務の分離", "5.5": "関係当局との連絡",
                    "5.12": "情報の分類", "5.17": "認証情報", "5.18": "アクセス権",
                    "5.28": "証拠の収集", "5.32": "知的財産権", "5.37": "操作手順書",
                    "6.2": "雇用条件", "6.4": "懲戒手続", "6.7": "リモートワーク",
                    "7.10": "記憶媒体", "7.11": "サポートユーティリティ", "8.2": "特権的アクセス権",
                    "8.4": "ソースコードへのアクセス", "8.10": "情報の削除", "8.24": "暗号の利用"}
        by_number = {c["number"]: c for c in self.admin.client.get(API + "/soa").json["items"]}
        for number, name in standard.items():
            with self.subTest(control=number):
                ours = by_number[number]["title_ja"]
                self.assertNotEqual(ours, name)
                # Not the standard's name with a few words around it either.
                self.assertFalse(name in ours and len(ours) - len(name) <= 6, ours)
        self.assertNotEqual(by_number["8.4"]["title_en"], "Access to source code")
        self.assertNotEqual(by_number["8.21"]["title_en"], "Security of network services")


class SoaApprovalTest(ServerTestCase):
    """A version's approval is the workflow engine's: its maker never decides it, a reason goes
    with a rejection or a sending back, a stale decision is refused, of two decisions at once
    exactly one wins, the inbox and /me/tasks show it, and a version left pending from before
    the engine gets its approval from the job."""
    threads = 4

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.maker = cls.srv.create_user("soaa_maker", roles=["officer"], name="作成 一郎")
        cls.one = cls.srv.create_user("soaa_one", roles=["officer"], name="承認 二郎")
        cls.two = cls.srv.create_user("soaa_two", roles=["officer"], name="承認 三郎")
        cls.emp = cls.srv.create_user("soaa_emp")
        admin = cls.admin.client
        for c in admin.get(API + "/soa").json["items"]:
            r = admin.patch(API + "/soa/%d" % c["id"], {
                "version": c["version"], "justification": "当社の業務に必要 (%s)" % c["number"]})
            assert r.status == 200, r

    def make(self, note="見直し"):
        r = self.maker.client.post(API + "/soa/versions", {"note": note})
        self.assertEqual(r.status, 201, r)
        return r.json

    def show(self, who, v):
        r = who.client.get(API + "/soa/versions/%d" % v["id"])
        self.assertEqual(r.status, 200, r)
        return r.json

    def audit(self, v):
        return [a for (a,) in self.srv.sql(
            "SELECT action FROM audit_events WHERE object_type = 'soa_version' AND object_id = "
            "? ORDER BY seq", (v["id"],))]

    def test_the_maker_never_approves_and_of_two_decisions_one_wins(self):
        v = self.make("同時に承認")
        a = v["approval"]
        self.assertProblem(decide(self.maker, a, "approve"), 403, "own_request")
        # Someone without soa.approve does not even see it in the inbox.
        self.assertProblem(decide(self.emp, a, "approve"), 404)
        answers = at_once([lambda: decide(self.one, a, "approve", "一郎さんの版を承認"),
                           lambda: decide(self.two, a, "reject", "やり直し")])
        self.assertEqual(sorted(x.status for x in answers), [200, 409], answers)
        won = self.one if answers[0].status == 200 else self.two
        seen = self.show(self.maker, v)
        self.assertEqual(seen["status"], "approved" if won is self.one else "rejected")
        self.assertEqual(seen["decided_by"], won.id)
        self.assertEqual(len([x for x in self.audit(v) if x.startswith("soa.version.") and
                              x != "soa.version.create"]), 1)
        # The maker is never recorded as its approver, whatever the order of events.
        self.assertNotEqual(seen["decided_by"], self.maker.id)

    def test_send_back_and_withdraw_say_so(self):
        v = self.make("差し戻される版")
        a = v["approval"]
        self.assertFieldError(decide(self.one, a, "send_back"), "comment", "required")
        self.assertEqual(decide(self.one, a, "send_back", "5.23 の理由を具体的に").status, 200)
        seen = self.show(self.maker, v)
        self.assertEqual((seen["status"], seen["decided_by_name"], seen["decision_note"]),
                         ("sent_back", "承認 二郎", "5.23 の理由を具体的に"))
        self.assertEqual(self.audit(v)[-1], "soa.version.send_back")
        # Sent back, it waits no more: the maker fixes the working copy and makes another.
        self.assertIsNone(self.maker.client.get(API + "/soa").json["pending"])
        w = self.make("取り下げる版")
        self.assertProblem(decide(self.one, w["approval"], "withdraw"), 403, "not_requester")
        self.assertEqual(decide(self.maker, w["approval"], "withdraw").status, 200)
        seen = self.show(self.one, w)
        self.assertEqual((seen["status"], seen["decided_by"]), ("withdrawn", self.maker.id))
        self.assertEqual(seen["approval"]["status"], "withdrawn")
        self.assertEqual(self.audit(w)[-1], "soa.version.withdraw")

    def test_the_inbox_and_my_tasks_show_it(self):
        v = self.make("受信箱で承認")
        link = "/soa/versions/%d" % v["id"]
        waiting = self.one.client.get(API + "/approvals?box=waiting").json["items"]
        mine = [x for x in waiting if x["record_type"] == "soa_version" and
                x["record_id"] == v["id"]]
        self.assertEqual(len(mine), 1, waiting)
        self.assertEqual((mine[0]["link"], mine[0]["title"]),
                         (link, "適用宣言書 第%d版" % v["number"]))
        task = [t for t in self.two.client.get(API + "/me/tasks").json["items"]
                if t["key"] == "approval:%d" % v["approval"]["id"]]
        self.assertEqual([(t["kind"], t["link"]) for t in task],
                         [("approval", "/approvals/%d" % v["approval"]["id"])])
        # Not waiting for its maker, nor for someone without soa.approve.
        for who in (self.maker, self.emp):
            items = who.client.get(API + "/approvals?box=waiting").json.get("items", [])
            self.assertNotIn(v["approval"]["id"], [x["id"] for x in items])
            keys = [t["key"] for t in who.client.get(API + "/me/tasks").json["items"]]
            self.assertNotIn("approval:%d" % v["approval"]["id"], keys)
        r = self.one.client.get(API + "/approvals/%d" % v["approval"]["id"])
        self.assertEqual(r.json["link"], link)
        self.assertEqual(decide(self.two, r.json, "approve").status, 200)
        self.assertEqual(self.show(self.maker, v)["status"], "approved")

    def test_a_version_pending_from_before_gets_its_approval(self):
        # A version made before approvals moved to the engine: pending, with no approval.
        self.srv.sql(
            "INSERT INTO soa_versions (number, note, controls, applicable_count, "
            "excluded_count, status, created_by, created_at, updated_at) SELECT "
            "COALESCE(MAX(number), 0) + 1, '以前の版', '[]', 93, 0, 'pending', ?, 1, 1 FROM "
            "soa_versions", (self.maker.id,))
        old = self.maker.client.get(API + "/soa").json["pending"]
        self.assertIsNotNone(old)
        self.assertIsNone(self.show(self.maker, old)["approval"])
        for _ in range(2):  # the job runs again and again: one approval, never two
            r = self.srv.cli("jobs", "run")
            self.assertEqual(r.returncode, 0, r.stderr)
        n = self.srv.sql("SELECT COUNT(*) FROM approvals WHERE record_type = 'soa_version' AND "
                         "record_id = ?", (old["id"],))
        self.assertEqual(n, [(1,)])
        seen = self.show(self.maker, old)
        a = seen["approval"]
        self.assertEqual((a["status"], a["can_withdraw"]), ("pending", True))
        self.assertProblem(decide(self.maker, a, "approve"), 403, "own_request")
        self.assertEqual(decide(self.one, a, "approve", "引き継いで承認").status, 200)
        seen = self.show(self.maker, old)
        self.assertEqual((seen["status"], seen["decided_by"], seen["decision_note"]),
                         ("approved", self.one.id, "引き継いで承認"))
        self.assertEqual(self.maker.client.get(API + "/soa").json["approved"]["id"], old["id"])
