"""The first run: the organisation's settings the setup wizard writes (who the organisation is,
its certifications, where setup stands), people and departments imported from CSV (dry run,
all or nothing, one-time passwords), and the dispatching agency of dispatched staff."""
import csv
import io

from harness import API, Client, ServerTestCase


def csv_bytes(rows, bom=True, encoding="utf-8"):
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    data = out.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom and encoding == "utf-8" else data


PEOPLE_HEADER = ["ログインID", "氏名", "メール", "部署", "上長", "雇用区分", "派遣元", "ロール",
                 "利用目的", "利用期限"]


class SetupSettingsTest(ServerTestCase):

    def test_defaults_then_the_wizard_answers_are_settings_like_any_other(self):
        admin = self.admin.client
        s = admin.get(API + "/settings").json
        for key, default in (("setup_state", "pending"), ("org_address", ""),
                             ("privacy_officer", ""), ("isms_officer", ""), ("pmark_number", ""),
                             ("isms_certified", False), ("isms_scope", ""), ("isms_body", "")):
            self.assertEqual(s[key], default, key)
        answers = {"org_name": "株式会社まもり商事", "org_address": "東京都千代田区丸の内1-1-1",
                   "privacy_officer": "佐藤 花子", "isms_officer": "鈴木 一郎",
                   "pmark_number": "第12345678(01)号", "isms_certified": True,
                   "isms_scope": "本社における受託システム開発業務", "isms_body": "一般財団法人 認証機構",
                   "setup_state": "done"}
        r = admin.patch(API + "/settings", dict(answers, version=s["version"]))
        self.assertEqual(r.status, 200, r)
        for key, value in answers.items():
            self.assertEqual(r.json[key], value, key)
        self.assertEqual(admin.get(API + "/settings").json, r.json)
        # One audit event with each answer before and after.
        ev = admin.get(API + "/audit/events?action=settings.update").json["items"][0]
        self.assertEqual(ev["summary"]["after"], answers)
        self.assertEqual(ev["summary"]["before"]["setup_state"], "pending")
        self.assertEqual(ev["summary"]["before"]["isms_certified"], False)
        # The sign-in page still learns only the name, the zone and the password length.
        pub = Client(self.srv).get(API + "/settings/public").json
        self.assertEqual(set(pub), {"org_name", "timezone", "password_min_length"})
        self.assertEqual(pub["org_name"], "株式会社まもり商事")
        # Answers survive a restart (stored, not cached only).
        self.srv.restart()
        again = self.admin.new_client().get(API + "/settings").json
        for key, value in answers.items():
            self.assertEqual(again[key], value, key)

    def test_wizard_answers_are_checked(self):
        admin = self.admin.client
        s = admin.get(API + "/settings").json
        for key, value, code in (("setup_state", "finished", "invalid_choice"),
                                 ("isms_certified", "yes", "invalid_type"),
                                 ("privacy_officer", "a\nb", "invalid_text"),
                                 ("privacy_officer", "名" * 101, "too_long"),
                                 ("pmark_number", "9" * 65, "too_long"),
                                 ("isms_scope", "範" * 501, "too_long"),
                                 ("org_address", "所" * 301, "too_long")):
            with self.subTest(key=key):
                self.assertFieldError(admin.patch(API + "/settings",
                                                  {"version": s["version"], key: value}),
                                      key, code)
        # A long Japanese answer at its limit is kept whole (no cut inside a character).
        r = admin.patch(API + "/settings", {"version": s["version"], "org_name": "組" * 200,
                                            "isms_scope": "範" * 500})
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json["org_name"], r.json["isms_scope"]), ("組" * 200, "範" * 500))
        # An officer reads them but cannot change them.
        off = self.srv.create_user("wizoff", roles=["officer"])
        v = off.client.get(API + "/settings").json["version"]
        self.assertProblem(off.client.patch(API + "/settings",
                                            {"version": v, "setup_state": "skipped"}),
                           403, "forbidden")


class PeopleImportTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        admin = cls.admin.client
        cls.sales = admin.post(API + "/departments", {"name": "営業部", "code": "S1"}).json
        cls.office = admin.post(API + "/departments", {"name": "総務部", "code": "G1"}).json

    def post_csv(self, path, data, dry_run, client=None, encoding=None):
        q = "?dry_run=%d" % (1 if dry_run else 0)
        if encoding:
            q += "&encoding=" + encoding
        return (client or self.admin.client).post(API + path + q, raw=data,
                                                  content_type="text/csv")

    def logins(self):
        return {u["login"]: u for u in self.admin.client.get(API + "/users?limit=200").json["items"]}

    def test_people_dry_run_then_import(self):
        rows = [PEOPLE_HEADER,
                # The manager comes first: later rows may name them as 上長.
                ["imp_yamada", "山田 太郎", "yamada@example.jp", "営業部", "", "正社員", "",
                 "部門責任者 従業者", "営業部の管理業務", ""],
                ["imp_sato", "佐藤 次郎", "", "S1", "imp_yamada", "派遣社員", "株式会社ハケン",
                 "", "派遣契約による営業事務", "2027/3/31"],
                ["imp_kato", "加藤 三郎", "", "総務部", "imp_yamada", "パート・アルバイト", "",
                 "employee", "総務の補助業務", "2027-03-31"]]
        data = csv_bytes(rows)
        head = self.srv.audit_head()
        r = self.post_csv("/users/import", data, True)
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json["rows"], r.json["valid"], r.json["imported"], r.json["ok"],
                          r.json["dry_run"], r.json["accounts"]), (3, 3, 0, True, True, []))
        self.assertNotIn("imp_yamada", self.logins(), "a dry run stores nothing")
        self.assertEqual(self.srv.audit_head(), head, "nor any audit event")

        r = self.post_csv("/users/import", data, False)
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json["imported"], r.json["ok"], r.json["dry_run"]), (3, True, False))
        accounts = {a["login"]: a for a in r.json["accounts"]}
        self.assertEqual(set(accounts), {"imp_yamada", "imp_sato", "imp_kato"})
        people = self.logins()
        yamada, sato, kato = people["imp_yamada"], people["imp_sato"], people["imp_kato"]
        self.assertEqual(sorted(yamada["roles"]), ["employee", "manager"])
        self.assertEqual(yamada["department_id"], self.sales["id"])
        self.assertEqual((sato["manager_id"], sato["department_id"], sato["employment_type"],
                          sato["dispatch_agency"], sato["valid_until"], sato["roles"]),
                         (yamada["id"], self.sales["id"], "dispatched", "株式会社ハケン",
                          "2027-03-31", ["employee"]))
        self.assertEqual((kato["employment_type"], kato["department_id"], kato["manager_id"]),
                         ("part_time", self.office["id"], yamada["id"]))
        # Each one-time password works once, and must be changed at first sign-in.
        c = Client(self.srv)
        s = c.sign_in("imp_sato", accounts["imp_sato"]["initial_password"])
        self.assertEqual(s.status, 200, s)
        self.assertTrue(s.json["user"]["must_change_password"])
        # One user.create per person and one user.import for the file.
        creates = self.admin.client.get(API + "/audit/events?action=user.create&limit=10").json
        self.assertTrue({"imp_yamada", "imp_sato", "imp_kato"} <=
                        {e["summary"]["after"]["login"] for e in creates["items"]})
        imp = self.admin.client.get(API + "/audit/events?action=user.import").json["items"]
        self.assertEqual(imp[0]["summary"]["rows"], 3)

    def test_bad_rows_are_listed_and_nothing_is_stored(self):
        rows = [PEOPLE_HEADER,
                ["bad_a", "甲", "", "開発部", "", "正社員", "", "", "業務", "2027/2/30"],   # row 2
                ["bad_b", "乙", "not-mail", "営業部", "", "正社員", "", "", "業務", ""],
                ["bad_c", "丙", "", "", "bad_late", "社長", "", "魔法使い", "", ""],       # row 4
                ["bad_d", "丁", "", "", "", "契約社員", "", "", "業務", ""],
                ["BAD_D", "戊", "", "", "", "契約社員", "", "", "業務", ""],                # row 6
                ["bad_late", "己", "", "", "", "正社員", "", "", "業務", ""]]
        data = csv_bytes(rows)
        head = self.srv.audit_head()
        r = self.post_csv("/users/import", data, True)
        self.assertEqual(r.status, 200, r)
        self.assertFalse(r.json["ok"])
        found = {(e["row"], e["column"], e["code"]) for e in r.json["errors"]}
        for want in ((2, "部署", "not_found"), (3, "メール", "invalid_email"),
                     (2, "利用期限", "invalid_date"), (4, "上長", "not_found"),
                     (4, "雇用区分", "invalid_choice"), (4, "ロール", "invalid_choice"),
                     (4, "利用目的", "required"), (6, "ログインID", "taken")):
            self.assertIn(want, found)
        self.assertEqual(r.json["valid"], 2)        # bad_d and bad_late
        r = self.post_csv("/users/import", data, False)
        self.assertProblem(r, 422, "import_rows")
        self.assertEqual(r.json["imported"], 0)
        self.assertEqual(r.json["accounts"], [])
        self.assertFalse({"bad_d", "bad_late"} & set(self.logins()), "all or nothing")
        self.assertEqual(self.srv.audit_head(), head)

    def test_file_problems_encodings_and_permission(self):
        # Unknown and missing columns: the file as a whole is refused.
        r = self.post_csv("/users/import", csv_bytes([["ログインID", "氏名", "好きな色"],
                                                      ["x1", "x", "青"]]), True)
        self.assertProblem(r, 422, "validation")
        codes = {e["code"] for e in r.json["errors"]}
        self.assertEqual(codes, {"unknown_column", "missing_column"})
        self.assertProblem(self.post_csv("/users/import", b"", True), 422)
        self.assertProblem(self.post_csv("/users/import", csv_bytes([PEOPLE_HEADER]), True), 422,
                           "validation")
        # Shift_JIS from an older Excel, with English headers and codes, is read as well.
        data = csv_bytes([["login", "name", "employment_type", "purpose", "department"],
                          ["sjis_user", "高橋 四郎", "regular", "経理業務", "総務部"]],
                         encoding="cp932")
        r = self.post_csv("/users/import", data, False, encoding="cp932")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.logins()["sjis_user"]["name"], "高橋 四郎")
        r = self.post_csv("/users/import", data, True, encoding="utf-8")
        self.assertProblem(r, 422)
        self.assertIn("invalid_encoding", r.error_fields()["file"])
        # The people list's own export reads back (its extra columns are skipped): nothing
        # new, since every login is taken.
        export = self.admin.client.get(API + "/users.csv").body
        r = self.post_csv("/users/import", export, True)
        self.assertEqual(r.status, 200, r)
        self.assertEqual({e["code"] for e in r.json["errors"]}, {"taken"})
        # Importing people needs users.write; an officer has only users.read.
        off = self.srv.create_user("impoff", roles=["officer"])
        self.assertProblem(self.post_csv("/users/import", data, True, client=off.client), 403,
                           "forbidden")

    def test_departments_import(self):
        admin = self.admin.client
        boss = self.srv.create_user("dept_boss", finish=False)
        rows = [["部署名", "部署コード", "部門責任者"],
                ["開発部", "D1", "dept_boss"],
                ["品質保証部", "", ""]]
        r = self.post_csv("/departments/import", csv_bytes(rows), True)
        self.assertEqual((r.status, r.json["valid"], r.json["imported"]), (200, 2, 0), r)
        r = self.post_csv("/departments/import", csv_bytes(rows), False)
        self.assertEqual((r.status, r.json["imported"]), (200, 2), r)
        depts = {d["name"]: d for d in admin.get(API + "/departments").json["items"]}
        self.assertEqual((depts["開発部"]["code"], depts["開発部"]["manager_id"]), ("D1", boss.id))
        self.assertIsNone(depts["品質保証部"]["manager_id"])
        ev = admin.get(API + "/audit/events?action=department.import").json["items"][0]
        self.assertEqual(ev["summary"]["rows"], 2)
        # Again: every name is taken now, an unknown manager is named, nothing is stored.
        rows.append(["法務部", "L1", "nobody_here"])
        r = self.post_csv("/departments/import", csv_bytes(rows), False)
        self.assertProblem(r, 422, "import_rows")
        found = {(e["row"], e["column"], e["code"]) for e in r.json["errors"]}
        self.assertEqual(found, {(2, "部署名", "taken"), (3, "部署名", "taken"),
                                 (4, "部門責任者", "not_found")})
        self.assertNotIn("法務部", {d["name"] for d in admin.get(API + "/departments").json["items"]})


class DispatchAgencyTest(ServerTestCase):

    def test_dispatched_staff_have_their_agency(self):
        admin = self.admin.client
        acct = self.srv.create_user("haken1", employment_type="dispatched", finish=False,
                                    dispatch_agency="株式会社スタッフサービス")
        u = admin.get(API + "/users/%d" % acct.id).json
        self.assertEqual(u["dispatch_agency"], "株式会社スタッフサービス")
        r = admin.patch(API + "/users/%d" % acct.id,
                        {"version": u["version"], "dispatch_agency": "株式会社ハケンワークス"})
        self.assertEqual(r.status, 200, r)
        ev = admin.get(API + "/audit/events?action=user.update").json["items"][0]
        self.assertEqual((ev["summary"]["before"]["dispatch_agency"],
                          ev["summary"]["after"]["dispatch_agency"]),
                         ("株式会社スタッフサービス", "株式会社ハケンワークス"))
        # The people export names it in its own column.
        rows = list(csv.reader(io.StringIO(admin.get(API + "/users.csv").body[3:].decode(),
                                           newline="")))
        col = rows[0].index("派遣元")
        mine = [row for row in rows if "haken1" in row][0]
        self.assertEqual(mine[col], "株式会社ハケンワークス")
        # Empty clears it; too long is refused.
        r = admin.patch(API + "/users/%d" % acct.id,
                        {"version": r.json["version"], "dispatch_agency": ""})
        self.assertIsNone(r.json["dispatch_agency"])
        self.assertFieldError(admin.patch(API + "/users/%d" % acct.id,
                                          {"version": r.json["version"],
                                           "dispatch_agency": "社" * 101}),
                              "dispatch_agency", "too_long")
