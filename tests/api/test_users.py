"""Users: create, read, update (versions), list (pagination, filters, search), CSV export,
disable / enable / reset-password, the last administrator; the user's own PATCH /me."""
import csv
import io
import os
import threading

from harness import API, Client, ServerTestCase, SlowCommitsTestCase, strong_password


class UsersTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        admin = cls.admin.client
        cls.sales = admin.post(API + "/departments", {"name": "営業部", "code": "S1"}).json
        cls.dev = admin.post(API + "/departments", {"name": "開発部", "code": "D1"}).json

    def create(self, login, **fields):
        body = {"login": login, "name": fields.pop("name", "Name " + login),
                "employment_type": fields.pop("employment_type", "regular"),
                "purpose": fields.pop("purpose", "test")}
        body.update(fields)
        return self.admin.client.post(API + "/users", body)

    # --- create / read / update -------------------------------------------------------------

    def test_create_and_read(self):
        r = self.create("suzuki", name="鈴木 一郎", email="suzuki@example.jp",
                        department_id=self.sales["id"], employment_type="dispatched",
                        roles=["employee", "manager"], valid_until="2099-03-31", locale="en",
                        purpose="派遣契約の業務")
        self.assertEqual(r.status, 201, r)
        u = r.json["user"]
        pw = r.json["initial_password"]
        self.assertEqual(len(pw), 14)
        self.assertRegex(pw, r"[A-Za-z]")
        self.assertRegex(pw, r"[0-9]")
        for k, v in {"login": "suzuki", "name": "鈴木 一郎", "email": "suzuki@example.jp",
                     "department_id": self.sales["id"], "department_name": "営業部",
                     "employment_type": "dispatched", "valid_until": "2099-03-31",
                     "status": "active", "must_change_password": True, "mfa_enabled": False,
                     "locale": "en", "version": 1, "purpose": "派遣契約の業務"}.items():
            self.assertEqual(u[k], v, k)
        self.assertEqual(sorted(u["roles"]), ["employee", "manager"])
        for k in ("id", "created_at", "updated_at"):
            self.assertIn(k, u)
        self.assertRegex(u["created_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertNotIn("password_hash", u)
        got = self.admin.client.get(API + "/users/%d" % u["id"])
        self.assertEqual(got.status, 200)
        self.assertEqual(got.json, u)
        # The initial password signs in (and must be changed).
        r = Client(self.srv).sign_in("suzuki", pw)
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.json["user"]["must_change_password"])

    def test_default_role_is_employee(self):
        r = self.create("defrole")
        self.assertEqual(r.json["user"]["roles"], ["employee"])

    def test_create_rules(self):
        self.assertEqual(self.create("taken1").status, 201)
        cases = [
            ({"login": "TAKEN1"}, "login", "taken"),
            ({"login": "bad login"}, "login", "invalid_login"),
            ({"login": "-dash"}, "login", "invalid_login"),
            ({"login": "a/b"}, "login", "invalid_login"),
            ({"login": "x" * 65}, "login", "too_long"),
            ({"login": "okx", "email": "not-an-address"}, "email", "invalid_email"),
            ({"login": "okx", "email": "a@b@c"}, "email", "invalid_email"),
            ({"login": "okx", "department_id": 999999}, "department_id", "not_found"),
            ({"login": "okx", "manager_id": 999999}, "manager_id", "not_found"),
            ({"login": "okx", "roles": ["wizard"]}, "roles", "invalid_choice"),
            ({"login": "okx", "employment_type": "intern"}, "employment_type", "invalid_choice"),
            ({"login": "okx", "valid_until": "2000-01-01"}, "valid_until", "out_of_range"),
            ({"login": "okx", "valid_until": "2099-02-30"}, "valid_until", "invalid_date"),
            ({"login": "okx", "purpose": ""}, "purpose", "required"),
            ({"login": "okx", "name": "a\nb"}, "name", "invalid_text"),
        ]
        count = len(self.admin.client.get(API + "/users?limit=200").json["items"])
        for fields, field, code in cases:
            with self.subTest(fields=fields):
                login = fields.pop("login")
                self.assertFieldError(self.create(login, **fields), field, code)
        self.assertEqual(len(self.admin.client.get(API + "/users?limit=200").json["items"]), count)

    def test_patch_with_version(self):
        u = self.create("patch1").json["user"]
        admin = self.admin.client
        r = admin.patch(API + "/users/%d" % u["id"], {"version": 1, "name": "新しい名前",
                                                      "department_id": self.dev["id"],
                                                      "email": "p1@example.jp"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["version"], 2)
        self.assertEqual(r.json["name"], "新しい名前")
        self.assertEqual(r.json["department_name"], "開発部")
        # A stale version is refused and changes nothing.
        r = admin.patch(API + "/users/%d" % u["id"], {"version": 1, "name": "Overwrite"})
        self.assertProblem(r, 409, "conflict")
        self.assertEqual(admin.get(API + "/users/%d" % u["id"]).json["name"], "新しい名前")
        # Clearing nullable fields.
        r = admin.patch(API + "/users/%d" % u["id"], {"version": 2, "email": None,
                                                      "department_id": None})
        self.assertEqual(r.status, 200, r)
        self.assertIsNone(r.json["email"])
        self.assertIsNone(r.json["department_id"])
        # Version is always required; login cannot be changed.
        self.assertFieldError(admin.patch(API + "/users/%d" % u["id"], {"name": "x"}),
                              "version", "required")
        self.assertFieldError(admin.patch(API + "/users/%d" % u["id"],
                                          {"version": 3, "login": "other"}),
                              "login", "unknown_field")
        self.assertFieldError(admin.patch(API + "/users/%d" % u["id"],
                                          {"version": 3, "manager_id": u["id"]}),
                              "manager_id", "invalid_choice")

    def test_unknown_user_is_404(self):
        admin = self.admin.client
        self.assertProblem(admin.get(API + "/users/999999"), 404, "not_found")
        self.assertProblem(admin.patch(API + "/users/999999", {"version": 1, "name": "x"}),
                           404, "not_found")
        for action in ("disable", "enable", "reset-password"):
            self.assertProblem(admin.post(API + "/users/999999/" + action), 404, "not_found")

    def test_role_change_ends_the_users_sessions(self):
        u = self.srv.create_user("rolechg")
        v = self.admin.client.get(API + "/users/%d" % u.id).json["version"]
        r = self.admin.client.patch(API + "/users/%d" % u.id,
                                    {"version": v, "roles": ["employee", "manager"]})
        self.assertEqual(r.status, 200, r)
        self.assertProblem(u.client.get(API + "/session"), 401)
        c = u.new_client()
        self.assertIn("users.read", c.get(API + "/session").json["user"]["permissions"])
        self.assertEqual(c.get(API + "/users").status, 200)

    def test_me_patch_locale(self):
        u = self.srv.create_user("mepatch")
        r = u.client.patch(API + "/me", {"locale": "en"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["locale"], "en")
        # The answer is the signed-in user exactly as GET /session shows it, changed.
        self.assertEqual(r.json, u.client.get(API + "/session").json["user"])
        self.assertIn("permissions", r.json)
        self.assertIn("idle_timeout_s", r.json)
        self.assertFieldError(u.client.patch(API + "/me", {"locale": "fr"}), "locale",
                              "invalid_choice")
        self.assertFieldError(u.client.patch(API + "/me", {}), "locale", "required")
        self.assertFieldError(u.client.patch(API + "/me", {"locale": "ja", "name": "x"}),
                              "name", "unknown_field")

    # --- list --------------------------------------------------------------------------------

    def all_ids(self, query=""):
        items = self.admin.client.get(API + "/users?limit=200" + query).json["items"]
        return [u["id"] for u in items]

    def test_pagination(self):
        for i in range(7):
            self.assertEqual(self.create("page%02d" % i).status, 201)
        admin = self.admin.client
        everyone = self.all_ids()
        self.assertGreaterEqual(len(everyone), 8)
        self.assertEqual(everyone, sorted(everyone))
        seen, cursor, pages = [], None, 0
        while True:
            r = admin.get(API + "/users?limit=3" + ("&cursor=" + cursor if cursor else ""))
            self.assertEqual(r.status, 200, r)
            self.assertLessEqual(len(r.json["items"]), 3)
            seen += [u["id"] for u in r.json["items"]]
            pages += 1
            cursor = r.json["next_cursor"]
            if cursor is None:
                break
            self.assertIsInstance(cursor, str)
            self.assertEqual(len(r.json["items"]), 3)
            self.assertLess(pages, 100)
        self.assertEqual(seen, everyone)
        # A page that ends exactly at the last user says there is no more.
        r = admin.get(API + "/users?limit=%d" % len(everyone))
        self.assertEqual(len(r.json["items"]), len(everyone))
        self.assertIsNone(r.json["next_cursor"])
        r = admin.get(API + "/users?limit=%d" % (len(everyone) - 1))
        self.assertIsNotNone(r.json["next_cursor"])
        r = admin.get(API + "/users?limit=5&cursor=" + r.json["next_cursor"])
        self.assertEqual([u["id"] for u in r.json["items"]], everyone[-1:])
        self.assertIsNone(r.json["next_cursor"])
        # Default page size.
        self.assertLessEqual(len(admin.get(API + "/users").json["items"]), 50)

    def test_list_agrees_with_each_record(self):
        """The list is written by a streaming writer, each record by another path: both
        must say the same, for every user, including awkward text and role sets."""
        tricky = "q\"uo\\te / </script> \u2028\u2029 😀 é"
        self.assertEqual(self.create("rt_a", name=tricky, purpose="line1\nline2\r\n\tend",
                                     roles=["manager", "employee", "auditor"]).status, 201)
        self.assertEqual(self.create("rt_b", roles=[]).status, 201)
        self.assertEqual(self.create("rt_c", roles=["executive"]).status, 201)
        admin = self.admin.client
        for page_size in (1, 2, 200):
            items, cursor = [], None
            while True:
                r = admin.get(API + "/users?limit=%d" % page_size +
                              ("&cursor=" + cursor if cursor else ""))
                items += r.json["items"]
                cursor = r.json["next_cursor"]
                if cursor is None:
                    break
            for u in items:
                with self.subTest(page_size=page_size, login=u["login"]):
                    self.assertEqual(u, admin.get(API + "/users/%d" % u["id"]).json)
        by_login = {u["login"]: u for u in items}
        self.assertEqual(by_login["rt_a"]["name"], tricky)
        self.assertEqual(by_login["rt_a"]["purpose"], "line1\nline2\r\n\tend")
        self.assertEqual(by_login["rt_a"]["roles"], ["auditor", "employee", "manager"])
        self.assertTrue(by_login["rt_a"]["mfa_required"])
        self.assertEqual(by_login["rt_b"]["roles"], [])
        self.assertFalse(by_login["rt_b"]["mfa_required"])
        self.assertEqual(by_login["rt_c"]["roles"], ["executive"])
        self.assertEqual(self.all_ids("&role=auditor"), [by_login["rt_a"]["id"]])

    def test_many_roles_in_byte_order(self):
        """A user's roles come with the user's row: all of them, in byte order whatever the
        database's collation ("r_z" before "ra", "r1" before "r_"), in the list, the record and
        the CSV export alike."""
        admin = self.admin.client
        names = ["r_%02d" % i for i in range(20)] + ["ra", "r9", "rz"]
        for name in names:
            self.assertEqual(admin.post(API + "/roles", {
                "name": name, "label_ja": name, "label_en": name,
                "permissions": [], "mfa_required": name == "rz"}).status, 201)
        r = self.create("many_roles", roles=list(reversed(names)))
        self.assertEqual(r.status, 201, r)
        want = sorted(names, key=lambda s: s.encode())
        self.assertEqual(want[:2], ["r9", "r_00"])
        one = admin.get(API + "/users/%d" % r.json["user"]["id"]).json
        self.assertEqual(one["roles"], want)
        self.assertTrue(one["mfa_required"])
        listed = admin.get(API + "/users?q=many_roles").json["items"]
        self.assertEqual(listed, [one])
        csv_text = admin.get(API + "/users.csv?q=many_roles").body.decode("utf-8-sig")
        row = list(csv.DictReader(io.StringIO(csv_text, newline="")))[0]
        self.assertEqual(row["ロール"], " ".join(want))
        # Without the one role that requires MFA, the user no longer does.
        r = admin.patch(API + "/users/%d" % one["id"], {
            "version": one["version"], "roles": [n for n in names if n != "rz"]})
        self.assertEqual(r.status, 200, r)
        self.assertFalse(admin.get(API + "/users/%d" % one["id"]).json["mfa_required"])

    def test_bad_list_parameters(self):
        admin = self.admin.client
        for q, field, code in (("limit=0", "limit", "invalid_type"),
                               ("limit=201", "limit", "invalid_type"),
                               ("limit=abc", "limit", "invalid_type"),
                               ("cursor=-1", "cursor", "invalid_type"),
                               ("cursor=x", "cursor", "invalid_type"),
                               ("status=gone", "status", "invalid_choice"),
                               ("employment_type=intern", "employment_type", "invalid_choice"),
                               ("department_id=0", "department_id", "invalid_type"),
                               ("sort=login", "sort", "unknown_field"),
                               ("q=" + "x" * 101, "q", "too_long")):
            with self.subTest(q=q):
                self.assertFieldError(admin.get(API + "/users?" + q), field, code)

    def test_filters_and_search(self):
        admin = self.admin.client
        a = self.create("filt_a", name="Yamada Hanako", email="hanako@corp.example",
                        department_id=self.dev["id"], employment_type="part_time",
                        roles=["employee", "executive"]).json["user"]
        b = self.create("filt_b", name="Sato 100%_done", department_id=self.dev["id"],
                        employment_type="contractor").json["user"]
        c = self.create("filt_c", name="Kato", employment_type="part_time").json["user"]
        self.assertEqual(admin.post(API + "/users/%d/disable" % c["id"]).status, 200)
        ids = self.all_ids
        self.assertEqual(set(ids("&department_id=%d" % self.dev["id"])) & {a["id"], b["id"], c["id"]},
                         {a["id"], b["id"]})
        self.assertEqual(set(ids("&employment_type=part_time")) & {a["id"], b["id"], c["id"]},
                         {a["id"], c["id"]})
        self.assertIn(c["id"], ids("&status=disabled"))
        self.assertNotIn(c["id"], ids("&status=active"))
        self.assertEqual(ids("&role=executive"), [a["id"]])
        self.assertEqual(ids("&role=no_such_role"), [])
        for u in admin.get(API + "/users?limit=200&status=active").json["items"]:
            self.assertEqual(u["status"], "active")
        # q: login, name or e-mail, case-insensitive, substring.
        self.assertEqual(ids("&q=HANAKO"), [a["id"]])
        self.assertEqual(ids("&q=corp.EXAMPLE"), [a["id"]])
        self.assertEqual(ids("&q=filt_"), [a["id"], b["id"], c["id"]])
        # % and _ are literal characters, not wildcards.
        self.assertEqual(ids("&q=%25_d"), [b["id"]])
        self.assertEqual(ids("&q=%25"), [b["id"]])
        self.assertEqual(ids("&q=filt%5Fa"), [a["id"]])
        self.assertEqual(ids("&q=zzzz-nothing"), [])
        # Filters combine.
        self.assertEqual(ids("&q=filt&employment_type=part_time&status=active"), [a["id"]])

    # --- export ------------------------------------------------------------------------------

    def test_csv_export(self):
        admin = self.admin.client
        self.create("csv_x", name="=HYPERLINK(\"http://evil\")", email="csv@example.jp",
                    roles=["employee", "manager"], department_id=self.sales["id"])
        self.create("csv_y", name="山田, \"太郎\"")
        before = len(admin.get(API + "/audit/events?action=export.users").json["items"])
        r = admin.get(API + "/users.csv")
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.headers["Content-Type"].startswith("text/csv"), r.headers)
        self.assertIn("utf-8", r.headers["Content-Type"].lower())
        self.assertRegex(r.headers["Content-Disposition"],
                         r'^attachment; filename="users-\d{4}-\d{2}-\d{2}\.csv"$')
        self.assertTrue(r.body.startswith(b"\xef\xbb\xbf"), r.body[:10])
        text = r.body[3:].decode("utf-8")
        rows = list(csv.reader(io.StringIO(text, newline="")))
        self.assertEqual(rows[0][:4], ["ID", "ログインID", "氏名", "メール"])
        self.assertIn("雇用区分", rows[0])
        self.assertIn("利用期限", rows[0])
        users = self.all_ids()
        self.assertEqual(len(rows) - 1, len(users))
        by_login = {row[1]: row for row in rows[1:]}
        x = by_login["csv_x"]
        self.assertEqual(x[2], "'=HYPERLINK(\"http://evil\")")  # formula defused
        self.assertEqual(x[4], "営業部")
        self.assertEqual(x[rows[0].index("ロール")], "employee manager")
        self.assertEqual(by_login["csv_y"][2], "山田, \"太郎\"")
        self.assertTrue(text.endswith("\r\n"))
        # Filters apply to the export too.
        r = admin.get(API + "/users.csv?q=csv_")
        self.assertEqual(len(list(csv.reader(io.StringIO(r.body[3:].decode(), newline="")))), 3)
        # Shift_JIS for Excel.
        r = admin.get(API + "/users.csv?encoding=cp932")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.headers["Content-Type"], "text/csv; charset=Windows-31J")
        self.assertFalse(r.body.startswith(b"\xef\xbb\xbf"))
        self.assertTrue(r.body.decode("cp932").startswith("ID,ログインID,氏名"))
        # Each export is an audit event.
        ev = admin.get(API + "/audit/events?action=export.users").json["items"]
        self.assertEqual(len(ev), before + 3)
        self.assertEqual(ev[0]["summary"]["format"], "csv-cp932")
        self.assertEqual(ev[0]["actor_login"], "admin")
        self.assertFieldError(admin.get(API + "/users.csv?encoding=latin1"), "encoding",
                              "invalid_choice")
        # The same list as an Excel workbook, audited too.
        r = admin.get(API + "/users.xlsx?q=csv_")
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.body.startswith(b"PK"), r.body[:4])
        self.assertIn("spreadsheetml", r.headers["Content-Type"])
        ev = admin.get(API + "/audit/events?action=export.users").json["items"]
        self.assertEqual(ev[0]["summary"], {"rows": 2, "format": "xlsx"})

    # --- disable / enable / reset ------------------------------------------------------------

    def test_disable_and_enable(self):
        u = self.srv.create_user("disen")
        admin = self.admin.client
        r = admin.post(API + "/users/%d/disable" % u.id)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["status"], "disabled")
        self.assertEqual(r.json["disabled_reason"], "manual")
        self.assertProblem(u.client.get(API + "/session"), 401)
        self.assertProblem(Client(self.srv).sign_in("disen", u.password), 401,
                           "invalid_credentials")
        r = admin.post(API + "/users/%d/enable" % u.id)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["status"], "active")
        self.assertIsNone(r.json["disabled_reason"])
        self.assertEqual(Client(self.srv).sign_in("disen", u.password).status, 200)

    def test_cannot_disable_self(self):
        r = self.admin.client.post(API + "/users/%d/disable" % self.admin.id)
        self.assertProblem(r, 403, "cannot_disable_self")
        self.assertEqual(self.admin.client.get(API + "/session").status, 200)

    def test_last_admin(self):
        admin = self.admin.client
        # Someone who holds every permission (so may act on administrators) but has not the
        # administrator role.
        every = [p["name"] for p in admin.get(API + "/permissions").json["items"]]
        r = admin.post(API + "/roles", {"name": "useradmin", "label_ja": "利用者管理",
                                        "label_en": "User admin", "mfa_required": True,
                                        "permissions": every})
        self.assertEqual(r.status, 201, r)
        ua = self.srv.create_user("useradm1", roles=["useradmin"])
        r = ua.client.post(API + "/users/%d/disable" % self.admin.id)
        self.assertProblem(r, 403, "last_admin")
        v = admin.get(API + "/users/%d" % self.admin.id).json["version"]
        r = ua.client.patch(API + "/users/%d" % self.admin.id,
                            {"version": v, "roles": ["employee"]})
        self.assertFieldError(r, "roles", "last_admin")
        self.assertEqual(admin.get(API + "/users/%d" % self.admin.id).json["roles"], ["admin"])
        self.assertEqual(admin.get(API + "/session").status, 200)
        # With a second administrator, the first may go.
        second = self.srv.create_user("admin2", roles=["admin"])
        r = ua.client.post(API + "/users/%d/disable" % second.id)
        self.assertEqual(r.status, 200, r)
        r = ua.client.post(API + "/users/%d/disable" % self.admin.id)
        self.assertProblem(r, 403, "last_admin")

    def test_reset_password(self):
        u = self.srv.create_user("reset1")
        r = self.admin.client.post(API + "/users/%d/reset-password" % u.id)
        self.assertEqual(r.status, 200, r)
        otp = r.json["initial_password"]
        self.assertEqual(set(r.json), {"initial_password"})
        self.assertNotEqual(otp, u.password)
        self.assertProblem(Client(self.srv).sign_in("reset1", u.password), 401)
        c = Client(self.srv)
        self.assertEqual(c.sign_in("reset1", otp).status, 200)
        self.assertProblem(c.get(API + "/departments"), 403, "password_change_required")
        new = strong_password()
        self.assertEqual(c.post(API + "/me/password", {"current_password": otp,
                                                       "new_password": new}).status, 204)
        self.assertEqual(c.get(API + "/departments").status, 200)


class ConcurrentChangesTest(SlowCommitsTestCase):
    """Two administrators change the same record from the same version at the same moment: one
    change is kept and the other is answered 409, on either engine and whichever thread or
    node runs them. Every COMMIT waits 300 ms while a flag file exists (test builds only), so
    the second change begins while the first is still open."""

    threads = 4

    def race(self, path, bodies):
        answers = [None] * len(bodies)

        def send(i):
            answers[i] = self.admin.client.patch(path, bodies[i])
        threads = [threading.Thread(target=send, args=(i,)) for i in range(len(bodies))]

        def run():
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        self.slowly(run)
        return answers

    def test_same_version_twice_is_one_change_and_one_conflict(self):
        admin = self.admin.client
        u = admin.post(API + "/users", {"login": "race1", "name": "競合 一郎",
                                        "employment_type": "regular",
                                        "purpose": "test"}).json["user"]
        path = API + "/users/%d" % u["id"]
        answers = self.race(path, [{"version": u["version"], "name": "甲"},
                                   {"version": u["version"], "name": "乙"}])
        statuses = sorted(a.status for a in answers)
        self.assertEqual(statuses, [200, 409], [a.json for a in answers])
        kept = next(a for a in answers if a.status == 200).json
        now = admin.get(path).json
        self.assertEqual((now["name"], now["version"]), (kept["name"], u["version"] + 1))
        # The same for another kind of record.
        d = admin.post(API + "/departments", {"name": "競合部", "code": "RACE"}).json
        path = API + "/departments/%d" % d["id"]
        answers = self.race(path, [{"version": d["version"], "name": "競合部A"},
                                   {"version": d["version"], "name": "競合部B"}])
        self.assertEqual(sorted(a.status for a in answers), [200, 409],
                         [a.json for a in answers])
        now = [x for x in admin.get(API + "/departments").json["items"] if x["id"] == d["id"]]
        self.assertEqual(now[0]["version"], d["version"] + 1)
