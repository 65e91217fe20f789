"""Registers and risk: information assets, the personal information register, risks, the
Statement of Applicability; department scope; CSV import (UTF-8 / CP932, dry run, all or
nothing) and CSV / xlsx export, over the API and the command line."""
import io
import json
import os
import subprocess
import tempfile
import urllib.parse

from harness import API, ServerTestCase

PINFO = {"name": "顧客名簿", "items": "氏名、住所、電話番号", "purpose": "商品の発送",
         "storage_location": "本社サーバ", "storage_method": "暗号化して保存",
         "access": "営業部員", "use_until": "契約終了まで", "retention_until": "契約終了後5年"}


def xlsx_rows(data):
    """The first sheet's rows, read by openpyxl (Debian's python3-openpyxl when this Python
    has none of its own)."""
    try:
        import openpyxl  # noqa: F401
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        return [list(r) for r in wb.active.iter_rows(values_only=True)]
    except ImportError:
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as f:
            f.write(data)
            f.flush()
            code = ("import json,sys,openpyxl;wb=openpyxl.load_workbook(sys.argv[1]);"
                    "print(json.dumps([list(r) for r in wb.active.iter_rows(values_only=True)],"
                    "default=str))")
            out = subprocess.run(["/usr/bin/python3", "-c", code, f.name], check=True,
                                 capture_output=True, text=True).stdout
            return json.loads(out)


def q(path, **params):
    return API + path + "?" + urllib.parse.urlencode(params)


class AssetsTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        admin = cls.admin.client
        cls.sales = admin.post(API + "/departments", {"name": "営業部"}).json["id"]
        cls.it = admin.post(API + "/departments", {"name": "情報システム部"}).json["id"]
        cls.mgr = cls.srv.create_user("salesmgr", roles=["manager"], department_id=cls.sales)
        cls.emp = cls.srv.create_user("salesemp", roles=["employee"], department_id=cls.sales)
        cls.itmgr = cls.srv.create_user("itmgr", roles=["manager"], department_id=cls.it)
        cls.auditor = cls.srv.create_user("regaud", roles=["auditor"])

    def asset(self, client, **kw):
        body = {"name": "顧客データベース", "asset_type": "data", "classification_id": 1,
                "c": 3, "i": 2, "a": 1}
        body.update(kw)
        return client.post(API + "/assets", body)

    def test_crud_value_review_and_conflict(self):
        admin = self.admin.client
        r = self.asset(admin, department_id=self.sales, location="本社サーバ室", has_pinfo=True)
        self.assertEqual(r.status, 201, r)
        a = r.json
        self.assertEqual(a["value"], 3)                       # highest of C, I, A
        self.assertTrue(a["encryption_required"])             # above the lowest level
        self.assertEqual(a["department_name"], "営業部")
        self.assertEqual(a["version"], 1)
        today = a["reviewed_on"]
        self.assertEqual(a["review_due"], str(int(today[:4]) + 1) + today[4:])
        self.assertFalse(a["review_overdue"])
        # Public data needs no encryption.
        pub = self.asset(admin, name="会社案内", classification_id=3, c=1, i=1, a=1).json
        self.assertFalse(pub["encryption_required"])
        # Update with the version; the stale one is refused and changes nothing.
        r = admin.patch(API + "/assets/%d" % a["id"], {"version": 1, "c": 1, "i": 1, "a": 2})
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json["value"], r.json["version"]), (2, 2))
        self.assertProblem(admin.patch(API + "/assets/%d" % a["id"], {"version": 1, "c": 3}),
                           409, "conflict")
        self.assertEqual(admin.get(API + "/assets/%d" % a["id"]).json["c"], 1)
        # Rules: types, ranges, references.
        self.assertFieldError(self.asset(admin, c=4), "c", "out_of_range")
        self.assertFieldError(self.asset(admin, asset_type="car"), "asset_type", "invalid_choice")
        self.assertFieldError(self.asset(admin, classification_id=999), "classification_id",
                              "not_found")
        self.assertFieldError(self.asset(admin, name=""), "name", "required")
        self.assertFieldError(self.asset(admin, reviewed_on="2999-01-01"), "reviewed_on",
                              "out_of_range")
        # An old review shows as overdue; marking it reviewed records who and when.
        old = self.asset(admin, name="古い台帳", reviewed_on="2020-04-01").json
        self.assertTrue(old["review_overdue"])
        self.assertEqual(old["review_due"], "2021-04-01")
        overdue = admin.get(q("/assets", review="overdue")).json["items"]
        self.assertIn(old["id"], [x["id"] for x in overdue])
        self.assertNotIn(a["id"], [x["id"] for x in overdue])
        status = {d["department_name"]: d for d in
                  admin.get(API + "/registers/review-status").json["items"]}
        self.assertGreaterEqual(status["営業部"]["assets"], 1)
        self.assertProblem(self.mgr.client.get(API + "/registers/review-status"), 403)
        r = admin.post(API + "/assets/%d/review" % old["id"], {"version": 1})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["reviewed_on"], today)
        self.assertEqual(r.json["reviewed_by_name"], "システム管理者")
        self.assertFalse(r.json["review_overdue"])
        # Delete with the version.
        self.assertProblem(admin.delete(API + "/assets/%d" % pub["id"], {"version": 9}), 409)
        self.assertEqual(admin.delete(API + "/assets/%d" % pub["id"], {"version": 1}).status, 204)
        self.assertProblem(admin.get(API + "/assets/%d" % pub["id"]), 404)
        actions = [row[0] for row in self.srv.sql(
            "SELECT action FROM audit_events WHERE object_type = 'asset' ORDER BY seq")]
        for act in ("asset.create", "asset.update", "asset.review", "asset.delete"):
            self.assertIn(act, actions)

    def test_department_scope(self):
        mine = self.asset(self.mgr.client, name="営業日報", department_id=self.sales)
        self.assertEqual(mine.status, 201, mine)
        # A manager may not register for another department, and defaults nowhere else.
        self.assertFieldError(self.asset(self.mgr.client, department_id=self.it),
                              "department_id", "out_of_scope")
        theirs = self.asset(self.itmgr.client, name="サーバ構成表", department_id=self.it).json
        # Another department's record does not exist for them: 404, also for writes.
        self.assertProblem(self.mgr.client.get(API + "/assets/%d" % theirs["id"]), 404)
        self.assertProblem(self.mgr.client.patch(API + "/assets/%d" % theirs["id"],
                                                 {"version": 1, "name": "x"}), 404)
        names = [x["name"] for x in self.mgr.client.get(API + "/assets?limit=200").json["items"]]
        self.assertIn("営業日報", names)
        self.assertNotIn("サーバ構成表", names)
        # The employee reads their department's register but may not change it.
        self.assertEqual(self.emp.client.get(API + "/assets/%d" % mine.json["id"]).status, 200)
        self.assertProblem(self.emp.client.get(API + "/assets/%d" % theirs["id"]), 404)
        self.assertProblem(self.asset(self.emp.client, department_id=self.sales), 403, "forbidden")
        # Auditors read across departments; exports follow the scope too.
        self.assertEqual(self.auditor.client.get(API + "/assets/%d" % theirs["id"]).status, 200)
        csv = self.mgr.client.get(API + "/assets.csv").body.decode("utf-8-sig")
        self.assertIn("営業日報", csv)
        self.assertNotIn("サーバ構成表", csv)

    def test_search_and_filters(self):
        admin = self.admin.client
        self.asset(admin, name="Payroll Spreadsheet", asset_type="data", classification_id=2)
        self.asset(admin, name="入館カード", asset_type="hardware", classification_id=3,
                   c=1, i=1, a=1)
        names = [x["name"] for x in admin.get(q("/assets", q="payroll")).json["items"]]
        self.assertEqual(names, ["Payroll Spreadsheet"])
        names = [x["name"] for x in admin.get(q("/assets", q="入館")).json["items"]]
        self.assertEqual(names, ["入館カード"])
        hw = admin.get(q("/assets", asset_type="hardware")).json["items"]
        self.assertTrue(hw and all(x["asset_type"] == "hardware" for x in hw))
        # Keyset pagination walks every record once.
        seen, cursor = [], None
        while True:
            params = {"limit": 2}
            if cursor:
                params["cursor"] = cursor
            page = admin.get(q("/assets", **params)).json
            seen += [x["id"] for x in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        self.assertEqual(len(seen), len(set(seen)))
        self.assertEqual(sorted(seen), seen)

    def test_classification_labels(self):
        admin = self.admin.client
        levels = admin.get(API + "/classifications").json["items"]
        self.assertEqual([l["label_ja"] for l in levels], ["機密", "社外秘", "公開"])
        r = admin.patch(API + "/classifications/%d" % levels[1]["id"],
                        {"version": 1, "label_ja": "社内限り", "label_en": "Internal use"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["items"][1]["label_ja"], "社内限り")
        self.assertFieldError(admin.patch(API + "/classifications/%d" % levels[2]["id"],
                                          {"version": 1, "label_ja": "機密"}), "label_ja", "taken")
        self.assertProblem(admin.patch(API + "/classifications/%d" % levels[1]["id"],
                                       {"version": 1, "label_ja": "x"}), 409)
        self.assertProblem(self.mgr.client.patch(API + "/classifications/%d" % levels[1]["id"],
                                                 {"version": 2, "label_ja": "y"}), 403)
        admin.patch(API + "/classifications/%d" % levels[1]["id"],
                    {"version": 2, "label_ja": "社外秘", "label_en": "Internal"})

    def test_import_cp932_dry_run_then_commit(self):
        admin = self.admin.client
        rows = ["資産名,種別,管理部署,機密区分,機密性,完全性,可用性,個人情報の有無,最終見直し日,備考"]
        for n in range(1, 201):
            rows.append('取引先一覧表%d,電子データ,営業部,社外秘,2,2,1,はい,2026/4/1,"表・台帳, 共有"' % n)
        data = ("\r\n".join(rows) + "\r\n").encode("cp932")
        self.assertIn(b"\x95\x5c", data)  # 「表」: a second byte of 0x5C
        before = len(admin.get(q("/assets", q="取引先一覧表", limit=200)).json["items"])
        audits = self.srv.sql("SELECT COUNT(*) FROM audit_events WHERE action = 'asset.import'")[0][0]
        r = admin.post(q("/assets/import", dry_run=1), raw=data, content_type="text/csv")
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json["encoding"], r.json["rows"], r.json["valid"], r.json["imported"]),
                         ("cp932", 200, 200, 0))
        self.assertEqual(len(admin.get(q("/assets", q="取引先一覧表", limit=200)).json["items"]),
                         before, "a dry run stores nothing")
        r = admin.post(q("/assets/import", dry_run=0, encoding="cp932"), raw=data,
                       content_type="text/csv")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["imported"], 200)
        got = admin.get(q("/assets", q="取引先一覧表1", limit=200)).json["items"]
        one = [x for x in got if x["name"] == "取引先一覧表1"][0]
        self.assertEqual((one["department_name"], one["classification_label"], one["has_pinfo"],
                          one["reviewed_on"], one["notes"]),
                         ("営業部", "社外秘", True, "2026-04-01", "表・台帳, 共有"))
        self.assertEqual(self.srv.sql("SELECT COUNT(*) FROM audit_events WHERE action = "
                                      "'asset.import'")[0][0], audits + 1)

    def test_a_bad_row_imports_nothing(self):
        admin = self.admin.client
        text = ("\ufeff資産名,種別,機密区分,機密性,完全性,可用性\r\n"
                "良い行A,電子データ,機密,3,3,3\r\n"
                "悪い行,車両,機密,4,1,1\r\n"
                "良い行B,紙文書,公開,1,1,1\r\n"
                "\"閉じない引用,紙文書,公開,1,1,1\r\n")
        r = admin.post(q("/assets/import", dry_run=0), raw=text.encode(), content_type="text/csv")
        self.assertProblem(r, 422, "import_rows")
        self.assertEqual(r.json["imported"], 0)
        errs = {(e["row"], e["column"], e["code"]) for e in r.json["errors"]}
        self.assertIn((3, "種別", "invalid_choice"), errs)
        self.assertIn((3, "機密性", "invalid_number"), errs)
        self.assertIn((5, "", "malformed"), errs)
        self.assertEqual(admin.get(q("/assets", q="良い行")).json["items"], [])
        # The same in a dry run: every row's errors, 200, nothing stored.
        r = admin.post(q("/assets/import"), raw=text.encode(), content_type="text/csv")
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json["valid"], r.json["ok"]), (2, False))
        # File-level problems: an unknown or missing column, a wrong encoding.
        r = admin.post(q("/assets/import"), raw="資産名,色\r\nx,赤\r\n".encode(),
                       content_type="text/csv")
        self.assertFieldError(r, "file", "unknown_column")
        self.assertFieldError(r, "file", "missing_column")
        r = admin.post(q("/assets/import", encoding="utf-8"),
                       raw="資産名\r\n表\r\n".encode("cp932"), content_type="text/csv")
        self.assertFieldError(r, "file", "invalid_encoding")
        # Managers import for their own department only.
        r = self.mgr.client.post(q("/assets/import", dry_run=0),
                                 raw="資産名,種別,管理部署,機密区分,機密性,完全性,可用性\r\n"
                                     "他部署の資産,電子データ,情報システム部,機密,1,1,1\r\n".encode(),
                                 content_type="text/csv")
        self.assertProblem(r, 422, "import_rows")
        self.assertEqual(r.json["errors"][0]["code"], "out_of_scope")

    def test_ten_thousand_rows_in_one_go(self):
        rows = ["name,asset_type,classification,c,i,a"]
        rows += ["bulk-%05d,hardware,Public,1,1,1" % n for n in range(10000)]
        data = ("\n".join(rows)).encode()
        self.assertGreater(len(data), 1024 * 1024 // 4)
        r = self.admin.client.post(q("/assets/import", dry_run=0), raw=data,
                                   content_type="text/csv")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["imported"], 10000)
        self.assertEqual(self.srv.sql("SELECT COUNT(*) FROM assets WHERE name LIKE 'bulk-%'")[0][0],
                         10000)

    def test_exports_csv_cp932_and_xlsx(self):
        admin = self.admin.client
        self.asset(admin, name="=HYPERLINK(\"x\")", notes="数式に見える名前")
        r = admin.get(API + "/assets.csv")
        self.assertEqual(r.status, 200)
        self.assertTrue(r.body.startswith(b"\xef\xbb\xbf"))
        text = r.body.decode("utf-8-sig")
        self.assertTrue(text.startswith("ID,資産名,種別,管理部署"))
        self.assertIn("'=HYPERLINK", text)                     # no formula reaches Excel
        r = admin.get(q("/assets.csv", encoding="cp932"))
        self.assertEqual(r.headers["Content-Type"], "text/csv; charset=Windows-31J")
        self.assertTrue(r.body.decode("cp932").startswith("ID,資産名"))
        r = admin.get(API + "/assets.xlsx")
        self.assertEqual(r.status, 200)
        self.assertIn("spreadsheetml", r.headers["Content-Type"])
        rows = xlsx_rows(r.body)
        self.assertEqual(rows[0][:4], ["ID", "資産名", "種別", "管理部署"])
        self.assertIn("数式に見える名前", [c for row in rows for c in row])
        # An export round-trips through the import (read-only columns are skipped).
        r = admin.post(q("/assets/import"), raw=admin.get(API + "/assets.csv").body,
                       content_type="text/csv")
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.json["ok"], r.json["errors"][:3])
        n = self.srv.sql("SELECT COUNT(*) FROM audit_events WHERE action = 'export.assets'")[0][0]
        self.assertGreaterEqual(n, 3)

    def test_cli_import_and_export(self):
        path = os.path.join(self.srv.tmp, "cli.csv")
        with open(path, "wb") as f:
            f.write("資産名,種別,機密区分,機密性,完全性,可用性\r\n"
                    "CLI資産表,ソフトウェア,社外秘,2,1,1\r\n".encode("cp932"))
        r = self.srv.cli("import", "assets", path, "--dry-run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Dry run", r.stdout)
        self.assertEqual(self.srv.sql("SELECT COUNT(*) FROM assets WHERE name = 'CLI資産表'")[0][0], 0)
        r = self.srv.cli("import", "assets", path, "--encoding", "cp932")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.srv.sql("SELECT COUNT(*) FROM assets WHERE name = 'CLI資産表'")[0][0], 1)
        with open(path, "wb") as f:
            f.write("資産名,種別,機密区分,機密性,完全性,可用性\r\nだめ,?,?,9,1,1\r\n".encode())
        r = self.srv.cli("import", "assets", path)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("row 2", r.stdout)
        out = os.path.join(self.srv.tmp, "assets.xlsx")
        r = self.srv.cli("export", "assets", "--format", "xlsx", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out, "rb") as f:
            rows = xlsx_rows(f.read())
        self.assertIn("CLI資産表", [row[1] for row in rows])
        self.assertEqual(self.srv.cli("export", "nothing", out).returncode, 2)


class PinfoRisksTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        admin = cls.admin.client
        cls.hr = admin.post(API + "/departments", {"name": "人事部"}).json["id"]
        cls.ga = admin.post(API + "/departments", {"name": "総務部"}).json["id"]
        cls.mgr = cls.srv.create_user("hrmgr", roles=["manager"], department_id=cls.hr)
        cls.gamgr = cls.srv.create_user("gamgr", roles=["manager"], department_id=cls.ga)
        cls.asset = admin.post(API + "/assets", {"name": "人事システム", "asset_type": "cloud",
                                                 "classification_id": 1, "c": 3, "i": 3, "a": 2,
                                                 "department_id": cls.hr}).json

    def test_pinfo_required_columns_lifecycle_and_read_audit(self):
        admin = self.admin.client
        for col in ("items", "purpose", "storage_location", "storage_method", "access",
                    "use_until", "retention_until"):
            body = dict(PINFO)
            del body[col]
            self.assertFieldError(admin.post(API + "/pinfo", body), col, "required")
        body = dict(PINFO, department_id=self.hr, record_count=1200, sensitive=True,
                    asset_ids=[self.asset["id"]], lc_acquire_risks="誤送信",
                    lc_acquire_controls="二重確認", lc_dispose_risks="廃棄漏れ",
                    lc_dispose_controls="溶解処理の証明書")
        r = admin.post(API + "/pinfo", body)
        self.assertEqual(r.status, 201, r)
        p = r.json
        self.assertEqual(p["assets"][0]["name"], "人事システム")
        self.assertEqual((p["lc_acquire_controls"], p["lc_dispose_risks"]),
                         ("二重確認", "廃棄漏れ"))
        seq = self.srv.sql("SELECT MAX(seq) FROM audit_events")[0][0]
        r = self.mgr.client.get(API + "/pinfo/%d" % p["id"])
        self.assertEqual(r.status, 200, r)
        reads = self.srv.sql("SELECT actor_login, object_id FROM audit_events WHERE seq > ? AND "
                             "action = 'pinfo.read'", (seq,))
        self.assertEqual(reads, [("hrmgr", p["id"])])
        # Scope: another department's manager does not see it at all.
        self.assertProblem(self.gamgr.client.get(API + "/pinfo/%d" % p["id"]), 404)
        self.assertEqual(self.gamgr.client.get(API + "/pinfo").json["items"], [])
        self.assertFieldError(self.gamgr.client.post(API + "/pinfo", dict(PINFO, asset_ids=[
            self.asset["id"]])), "asset_ids", "not_found")
        # Stale version, review, export with Japanese headers.
        r = admin.patch(API + "/pinfo/%d" % p["id"], {"version": 1, "record_count": 1300,
                                                      "asset_ids": []})
        self.assertEqual((r.status, r.json["assets"]), (200, []), r)
        self.assertProblem(admin.patch(API + "/pinfo/%d" % p["id"], {"version": 1, "name": "x"}),
                           409, "conflict")
        self.assertEqual(admin.post(API + "/pinfo/%d/review" % p["id"], {"version": 2}).status, 200)
        rows = xlsx_rows(admin.get(API + "/pinfo.xlsx").body)
        head = rows[0]
        for h in ("個人情報の項目", "利用目的", "保管場所", "保管方法", "アクセス権を有する者",
                  "利用期限", "保管期限", "取得・入力のリスク", "消去・廃棄の対策"):
            self.assertIn(h, head)
        row = [x for x in rows if x[head.index("台帳名")] == "顧客名簿"][0]
        self.assertEqual(row[head.index("件数")], 1300)
        self.assertEqual(row[head.index("要配慮個人情報")], "はい")

    def test_pinfo_import(self):
        text = ("台帳名,個人情報の項目,利用目的,保管場所,保管方法,アクセス権を有する者,利用期限,"
                "保管期限,件数,要配慮個人情報\r\n"
                "応募者名簿,氏名・経歴,採用選考,人事部キャビネット,施錠保管,人事部員,選考終了まで,"
                "選考後1年,\"1,500\",いいえ\r\n")
        r = self.admin.client.post(q("/pinfo/import", dry_run=0), raw=text.encode("cp932"),
                                   content_type="text/csv")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["imported"], 1)
        got = self.admin.client.get(q("/pinfo", q="応募者")).json["items"][0]
        self.assertEqual(got["record_count"], 1500)
        bad = text.replace("選考後1年", "")
        r = self.admin.client.post(q("/pinfo/import", dry_run=0), raw=bad.encode(),
                                   content_type="text/csv")
        self.assertProblem(r, 422, "import_rows")
        self.assertEqual(r.json["errors"][0]["column"], "保管期限")

    def test_risks_scoring_heatmap_acceptance_and_scope(self):
        admin = self.admin.client
        base = {"asset_id": self.asset["id"], "threat": "不正アクセス",
                "vulnerability": "多要素認証なし", "treatment": "reduce"}
        made = []
        for l, i in ((3, 3), (3, 3), (1, 2)):
            r = admin.post(API + "/risks", dict(base, likelihood=l, impact=i,
                                                owner_id=self.mgr.id, control_ids=[1, 64]))
            self.assertEqual(r.status, 201, r)
            made.append(r.json)
        self.assertEqual((made[0]["level"], made[0]["band"]), (9, "high"))
        self.assertEqual((made[2]["level"], made[2]["band"]), (2, "medium"))
        self.assertEqual(made[0]["department_name"], "人事部")
        self.assertEqual(made[0]["control_numbers"], ["5.1", "8.5"])
        heat = admin.get(API + "/risks/heatmap").json
        cell = [c for c in heat["cells"] if (c["likelihood"], c["impact"]) == (3, 3)][0]
        self.assertEqual(cell["count"], 2)
        filtered = admin.get(q("/risks", likelihood=3, impact=3)).json["items"]
        self.assertEqual(len(filtered), 2)
        self.assertEqual(len(admin.get(q("/risks", band="high")).json["items"]), 2)
        # Rules.
        self.assertFieldError(admin.post(API + "/risks", dict(base, likelihood=4, impact=1)),
                              "likelihood", "out_of_range")          # scale is 3
        self.assertFieldError(admin.post(API + "/risks", dict(base, likelihood=1, impact=1,
                                                              pinfo_id=1)), "pinfo_id")
        self.assertFieldError(admin.post(API + "/risks", dict(base, likelihood=1, impact=1,
                                                              residual_likelihood=1)),
                              "residual_impact", "required")
        # Only the owner accepts, saying why; a later change to the scores withdraws the
        # acceptance and its reason.
        rid = made[0]["id"]
        why = "暗号化済みで、残るリスクは小さいため受容します。"
        self.assertProblem(admin.post(API + "/risks/%d/accept" % rid,
                                      {"version": 1, "comment": why}), 403, "not_owner")
        self.assertFieldError(self.mgr.client.post(API + "/risks/%d/accept" % rid,
                                                   {"version": 1}), "comment", "required")
        self.assertFieldError(self.mgr.client.post(API + "/risks/%d/accept" % rid,
                                                   {"version": 1, "comment": ""}),
                              "comment", "required")
        self.assertIsNone(admin.get(API + "/risks/%d" % rid).json["accepted_at"])
        r = self.mgr.client.post(API + "/risks/%d/accept" % rid, {"version": 1, "comment": why})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["accepted_by_name"], "Hrmgr Test")
        self.assertEqual(r.json["accept_comment"], why)
        self.assertIsNotNone(r.json["accepted_at"])
        ev = admin.get(API + "/audit/events?action=risk.accept").json["items"][0]
        self.assertEqual(ev["summary"]["after"]["accept_comment"], why)
        r = admin.patch(API + "/risks/%d" % rid, {"version": 2, "residual_likelihood": 1,
                                                  "residual_impact": 2})
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json["residual_level"], r.json["accepted_by"],
                          r.json["accept_comment"]), (2, None, None))
        self.assertProblem(admin.patch(API + "/risks/%d" % rid, {"version": 2, "impact": 1}), 409)
        # Scope: another department's manager sees neither the risks nor their heat map.
        self.assertProblem(self.gamgr.client.get(API + "/risks/%d" % rid), 404)
        self.assertEqual(self.gamgr.client.get(API + "/risks/heatmap").json["total"], 0)
        # The scale cannot shrink below the scores in use; it can grow.
        s = admin.get(API + "/risks/settings").json
        r = admin.patch(API + "/risks/settings", {"version": s["version"], "scale": 5})
        self.assertEqual((r.status, r.json["scale"]), (200, 5), r)
        r = admin.post(API + "/risks", dict(base, likelihood=5, impact=4))
        self.assertEqual((r.status, r.json["band"]), (201, "high"), r)
        self.assertFieldError(admin.patch(API + "/risks/settings",
                                          {"version": s["version"] + 1, "scale": 3}),
                              "scale", "in_use")
        admin.delete(API + "/risks/%d" % r.json["id"], {"version": 1})
        r = admin.patch(API + "/risks/settings", {"version": s["version"] + 1, "scale": 3})
        self.assertEqual(r.status, 200, r)
        rows = xlsx_rows(admin.get(API + "/risks.xlsx").body)
        self.assertEqual(rows[0][:3], ["ID", "対象の種類", "対象"])
        self.assertIn("低減", rows[1])

    def test_soa(self):
        admin = self.admin.client
        items = admin.get(API + "/soa").json["items"]
        self.assertEqual(len(items), 93)
        themes = {}
        for c in items:
            themes[c["theme"]] = themes.get(c["theme"], 0) + 1
            self.assertTrue(c["title_ja"] and c["title_en"])
        self.assertEqual(themes, {"organizational": 37, "people": 8, "physical": 14,
                                  "technological": 34})
        self.assertEqual([c["number"] for c in items[:2]] + [items[-1]["number"]],
                         ["5.1", "5.2", "8.34"])
        c = [x for x in items if x["number"] == "7.4"][0]
        # Excluding a control needs a reason.
        self.assertFieldError(admin.patch(API + "/soa/%d" % c["id"],
                                          {"version": 1, "applicable": False}),
                              "justification", "required")
        r = admin.patch(API + "/soa/%d" % c["id"], {"version": 1, "applicable": False,
                                                    "justification": "監視カメラを置く施設がない"})
        self.assertEqual(r.status, 200, r)
        self.assertFalse(r.json["applicable"])
        self.assertProblem(admin.patch(API + "/soa/%d" % c["id"], {"version": 1,
                                                                   "status": "planned"}), 409)
        # Including one needs a reason too.
        self.assertFieldError(admin.patch(API + "/soa/1", {"version": 1, "status": "planned"}),
                              "justification", "required")
        self.assertFieldError(admin.patch(API + "/soa/1", {"version": 1, "justification": "　 "}),
                              "justification", "required")
        r = admin.patch(API + "/soa/1", {"version": 1, "status": "implemented",
                                         "justification": "方針群は経営層が承認し全員に周知する",
                                         "evidence": "基本方針 第3版"})
        self.assertEqual(r.json["status"], "implemented")
        self.assertProblem(self.mgr.client.patch(API + "/soa/1", {"version": 2,
                                                                  "status": "planned"}), 403)
        text = admin.get(API + "/soa.csv").body.decode("utf-8-sig")
        self.assertIn("監視カメラを置く施設がない", text)
        self.assertIn("実施済み", text)


class ClassificationLevelsTest(ServerTestCase):
    """Classification levels are the organisation's: added between the others or after the
    last, removed when no asset uses them, never fewer than two; everything above the lowest
    level needs encryption, and that follows the levels as they change."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mgr = cls.srv.create_user("levelmgr", roles=["manager"])

    def levels(self):
        return self.admin.client.get(API + "/classifications").json["items"]

    def by_label(self, label):
        return [l for l in self.levels() if l["label_ja"] == label][0]

    def events(self, action):
        return [json.loads(s) for (s,) in self.srv.sql(
            "SELECT summary FROM audit_events WHERE action = ? ORDER BY seq", (action,))]

    def test_add_remove_in_use_and_minimum(self):
        admin = self.admin.client
        self.assertEqual([(l["position"], l["assets"]) for l in self.levels()],
                         [(1, 0), (2, 0), (3, 0)])
        # A new level between 機密 and 社外秘: the ones after it move down.
        r = admin.post(API + "/classifications",
                       {"label_ja": "取扱注意", "label_en": "Restricted", "position": 2})
        self.assertEqual(r.status, 201, r)
        self.assertEqual([(l["position"], l["label_ja"], l["encryption_required"])
                          for l in r.json["items"]],
                         [(1, "機密", True), (2, "取扱注意", True), (3, "社外秘", True),
                          (4, "公開", False)])
        added = r.json["items"][1]
        self.assertEqual(self.events("classification.create")[-1]["after"],
                         {"position": 2, "label_ja": "取扱注意", "label_en": "Restricted"})
        # Refused: a label in use, a place past the end, someone without assets.configure.
        self.assertFieldError(admin.post(API + "/classifications",
                                         {"label_ja": "公開", "label_en": "New"}),
                              "label_ja", "taken")
        self.assertFieldError(admin.post(API + "/classifications",
                                         {"label_ja": "新", "label_en": "PUBLIC"}),
                              "label_en", "taken")
        self.assertFieldError(admin.post(API + "/classifications",
                                         {"label_ja": "新", "label_en": "New", "position": 9}),
                              "position", "out_of_range")
        self.assertProblem(self.mgr.client.post(API + "/classifications",
                                                {"label_ja": "新", "label_en": "New"}), 403)
        self.assertProblem(self.mgr.client.delete(API + "/classifications/%d" % added["id"],
                                                  {"version": 1}), 403)
        self.assertEqual(len(self.levels()), 4)

        # An asset at the lowest level needs no encryption ...
        public = self.by_label("公開")
        asset = admin.post(API + "/assets", {"name": "会社案内", "asset_type": "paper",
                                             "classification_id": public["id"],
                                             "c": 1, "i": 1, "a": 1}).json
        self.assertFalse(asset["encryption_required"])
        # ... until a level is added after it (added without a position: at the end).
        r = admin.post(API + "/classifications", {"label_ja": "一般公開", "label_en": "Open"})
        self.assertEqual(r.status, 201, r)
        last = r.json["items"][-1]
        self.assertEqual((last["position"], last["encryption_required"]), (5, False))
        self.assertTrue(admin.get(API + "/assets/%d" % asset["id"]).json["encryption_required"])
        # Removing that level makes 公開 the lowest again.
        self.assertEqual(admin.delete(API + "/classifications/%d" % last["id"],
                                      {"version": last["version"]}).status, 204)
        self.assertFalse(admin.get(API + "/assets/%d" % asset["id"]).json["encryption_required"])
        self.assertEqual(self.events("classification.delete")[-1]["before"],
                         {"position": 5, "label_ja": "一般公開", "label_en": "Open"})

        # A level in use stays; a stale version is a conflict.
        public = self.by_label("公開")
        self.assertEqual(public["assets"], 1)
        self.assertProblem(admin.delete(API + "/classifications/%d" % public["id"],
                                        {"version": public["version"]}), 409, "in_use")
        self.assertProblem(admin.delete(API + "/classifications/%d" % added["id"],
                                        {"version": 7}), 409, "conflict")
        # Removing the level in the middle closes the gap.
        n = len(self.events("classification.delete"))
        self.assertEqual(admin.delete(API + "/classifications/%d" % added["id"],
                                      {"version": 1}).status, 204)
        self.assertEqual([(l["position"], l["label_ja"]) for l in self.levels()],
                         [(1, "機密"), (2, "社外秘"), (3, "公開")])
        self.assertEqual(len(self.events("classification.delete")), n + 1)
        self.assertProblem(admin.delete(API + "/classifications/%d" % added["id"],
                                        {"version": 1}), 404)

        # Never fewer than two levels.
        internal = self.by_label("社外秘")
        self.assertEqual(admin.delete(API + "/classifications/%d" % internal["id"],
                                      {"version": internal["version"]}).status, 204)
        top = self.by_label("機密")
        self.assertProblem(admin.delete(API + "/classifications/%d" % top["id"],
                                        {"version": top["version"]}), 409, "min_levels")
        self.assertEqual([l["label_ja"] for l in self.levels()], ["機密", "公開"])
        self.assertEqual(len(self.events("classification.delete")), n + 2)
        # The register still reads and the chain still verifies.
        self.assertEqual(admin.get(API + "/assets").status, 200)
        self.assertEqual(self.srv.cli("audit", "verify").returncode, 0)
