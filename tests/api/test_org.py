"""Departments, roles and permissions, organisation settings."""
from harness import API, Client, ServerTestCase

BUILTIN = {"admin", "officer", "auditor", "manager", "employee", "executive"}


class DepartmentsTest(ServerTestCase):

    def test_crud(self):
        admin = self.admin.client
        r = admin.post(API + "/departments", {"name": "総務部", "code": "GA"})
        self.assertEqual(r.status, 201, r)
        d = r.json
        for k, v in {"name": "総務部", "code": "GA", "manager_id": None, "version": 1,
                     "member_count": 0}.items():
            self.assertEqual(d[k], v, k)
        for k in ("id", "created_at", "updated_at"):
            self.assertIn(k, d)
        self.assertIn(d, admin.get(API + "/departments").json["items"])
        # Update with the version; a stale one is refused and changes nothing.
        r = admin.patch(API + "/departments/%d" % d["id"], {"version": 1, "name": "総務・人事部",
                                                            "manager_id": self.admin.id})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["version"], 2)
        self.assertEqual(r.json["manager_name"], "システム管理者")
        r = admin.patch(API + "/departments/%d" % d["id"], {"version": 1, "name": "上書き"})
        self.assertProblem(r, 409, "conflict")
        names = [x["name"] for x in admin.get(API + "/departments").json["items"]]
        self.assertIn("総務・人事部", names)
        self.assertNotIn("上書き", names)
        # Members are counted.
        self.srv.create_user("deptmember", department_id=d["id"])
        got = [x for x in admin.get(API + "/departments").json["items"] if x["id"] == d["id"]][0]
        self.assertEqual(got["member_count"], 1)
        # Clearing the code.
        r = admin.patch(API + "/departments/%d" % d["id"], {"version": 2, "code": None})
        self.assertEqual(r.status, 200, r)
        self.assertIsNone(r.json["code"])

    def test_rules(self):
        admin = self.admin.client
        self.assertEqual(admin.post(API + "/departments", {"name": "経理部"}).status, 201)
        self.assertFieldError(admin.post(API + "/departments", {"name": "経理部"}), "name", "taken")
        self.assertFieldError(admin.post(API + "/departments", {"name": ""}), "name", "required")
        self.assertFieldError(admin.post(API + "/departments", {}), "name", "required")
        self.assertFieldError(admin.post(API + "/departments", {"name": "x" * 101}), "name",
                              "too_long")
        self.assertFieldError(admin.post(API + "/departments", {"name": "y", "manager_id": 99999}),
                              "manager_id", "not_found")
        other = admin.post(API + "/departments", {"name": "法務部"}).json
        self.assertFieldError(admin.patch(API + "/departments/%d" % other["id"],
                                          {"version": 1, "name": "経理部"}), "name", "taken")
        # Renaming to its own name is fine.
        r = admin.patch(API + "/departments/%d" % other["id"], {"version": 1, "name": "法務部"})
        self.assertEqual(r.status, 200, r)
        self.assertProblem(admin.patch(API + "/departments/99999", {"version": 1, "name": "z"}),
                           404, "not_found")
        self.assertFieldError(admin.patch(API + "/departments/%d" % other["id"], {"name": "q"}),
                              "version", "required")

    def test_officer_may_manage_departments_employee_may_read(self):
        off = self.srv.create_user("deptoff", roles=["officer"])
        r = off.client.post(API + "/departments", {"name": "情報システム部"})
        self.assertEqual(r.status, 201, r)
        emp = self.srv.create_user("deptemp")
        self.assertEqual(emp.client.get(API + "/departments").status, 200)
        self.assertProblem(emp.client.post(API + "/departments", {"name": "勝手な部"}), 403,
                           "forbidden")


class RolesTest(ServerTestCase):

    def roles(self):
        return {r["name"]: r for r in self.admin.client.get(API + "/roles").json["items"]}

    def test_builtin_roles(self):
        roles = self.roles()
        self.assertEqual(BUILTIN, {n for n, r in roles.items() if r["builtin"]})
        for name in ("admin", "officer", "auditor"):
            self.assertTrue(roles[name]["mfa_required"], name)
            self.assertTrue(roles[name]["privileged"], name)
        for name in ("manager", "employee", "executive"):
            self.assertFalse(roles[name]["mfa_required"], name)
        catalogue = {p["name"] for p in self.admin.client.get(API + "/permissions").json["items"]}
        self.assertEqual(set(roles["admin"]["permissions"]), catalogue)
        self.assertIn("users.write", catalogue)
        self.assertIn("audit.read", catalogue)
        self.assertNotIn("users.write", roles["employee"]["permissions"])
        self.assertIn("audit.read", roles["auditor"]["permissions"])
        self.assertEqual(roles["admin"]["member_count"], 1)

    def test_create_and_edit_a_role(self):
        admin = self.admin.client
        r = admin.post(API + "/roles", {"name": "reviewer", "label_ja": "レビュー担当",
                                        "label_en": "Reviewer",
                                        "permissions": ["users.read", "users.read"]})
        self.assertEqual(r.status, 201, r)
        role = r.json
        self.assertFalse(role["builtin"])
        self.assertFalse(role["mfa_required"])
        self.assertEqual(role["permissions"], ["users.read"])
        self.assertEqual(role["version"], 1)
        u = self.srv.create_user("reviewer1", roles=["reviewer"])
        self.assertEqual(u.client.get(API + "/users").status, 200)
        self.assertProblem(u.client.get(API + "/departments"), 403, "forbidden")
        # A permission granted takes effect on the member's next request.
        r = admin.patch(API + "/roles/%d" % role["id"],
                        {"version": 1, "permissions": ["users.read", "departments.read"],
                         "name": "reviewer2", "label_en": "Reviewer 2"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["name"], "reviewer2")
        self.assertEqual(r.json["version"], 2)
        self.assertEqual(u.client.get(API + "/departments").status, 200)
        # ... and one taken away too.
        r = admin.patch(API + "/roles/%d" % role["id"], {"version": 2, "permissions": []})
        self.assertEqual(r.status, 200, r)
        self.assertProblem(u.client.get(API + "/users"), 403, "forbidden")
        # Stale version.
        self.assertProblem(admin.patch(API + "/roles/%d" % role["id"],
                                       {"version": 1, "label_ja": "x"}), 409, "conflict")
        # Requiring MFA gates its members until they enrol.
        r = admin.patch(API + "/roles/%d" % role["id"], {"version": 3, "mfa_required": True,
                                                         "permissions": ["users.read"]})
        self.assertEqual(r.status, 200, r)
        self.assertProblem(u.client.get(API + "/users"), 403, "mfa_enrollment_required")

    def test_rules(self):
        admin = self.admin.client
        roles = self.roles()
        ok = {"label_ja": "x", "label_en": "x", "permissions": []}
        self.assertFieldError(admin.post(API + "/roles", dict(ok, name="Bad-Name")), "name",
                              "invalid_name")
        self.assertFieldError(admin.post(API + "/roles", dict(ok, name="1abc")), "name",
                              "invalid_name")
        self.assertFieldError(admin.post(API + "/roles", dict(ok, name="officer")), "name", "taken")
        self.assertFieldError(admin.post(API + "/roles", dict(ok, name="newrole",
                                                              permissions=["users.delete"])),
                              "permissions", "invalid_choice")
        self.assertFieldError(admin.post(API + "/roles", dict(ok, name="newrole",
                                                              permissions=["public"])),
                              "permissions", "invalid_choice")
        self.assertFieldError(admin.post(API + "/roles", {"name": "newrole"}), "permissions",
                              "required")
        self.assertNotIn("newrole", self.roles())
        # The administrator's permissions cannot be edited, built-in roles cannot be renamed.
        a = roles["admin"]
        self.assertFieldError(admin.patch(API + "/roles/%d" % a["id"],
                                          {"version": a["version"], "permissions": ["users.read"]}),
                              "permissions", "builtin")
        self.assertFieldError(admin.patch(API + "/roles/%d" % a["id"],
                                          {"version": a["version"],
                                           "permissions": a["permissions"]}),
                              "permissions", "builtin")
        e = roles["employee"]
        self.assertFieldError(admin.patch(API + "/roles/%d" % e["id"],
                                          {"version": e["version"], "name": "staff"}),
                              "name", "builtin")
        self.assertFieldError(admin.patch(API + "/roles/%d" % e["id"],
                                          {"version": e["version"],
                                           "permissions": ["no.such"]}),
                              "permissions", "invalid_choice")
        self.assertEqual(self.roles()["admin"]["permissions"], a["permissions"])
        self.assertEqual(self.roles()["employee"]["permissions"], e["permissions"])
        # Renaming a custom role onto an existing name.
        c = admin.post(API + "/roles", dict(ok, name="custom1")).json
        self.assertFieldError(admin.patch(API + "/roles/%d" % c["id"],
                                          {"version": 1, "name": "manager"}), "name", "taken")
        self.assertProblem(admin.patch(API + "/roles/99999", {"version": 1, "label_en": "x"}),
                           404, "not_found")

    def test_builtin_role_permissions_are_editable(self):
        admin = self.admin.client
        e = self.roles()["executive"]
        u = self.srv.create_user("exec1", roles=["executive"])
        self.assertProblem(u.client.get(API + "/users"), 403, "forbidden")
        r = admin.patch(API + "/roles/%d" % e["id"], {"version": e["version"],
                                                      "permissions": e["permissions"] + ["users.read"]})
        self.assertEqual(r.status, 200, r)
        try:
            self.assertEqual(u.client.get(API + "/users").status, 200)
        finally:
            admin.patch(API + "/roles/%d" % e["id"], {"version": r.json["version"],
                                                      "permissions": e["permissions"]})
        self.assertProblem(u.client.get(API + "/users"), 403, "forbidden")


class SettingsTest(ServerTestCase):

    def test_get_and_patch(self):
        admin = self.admin.client
        s = admin.get(API + "/settings").json
        self.assertEqual(s, {"org_name": "mamori", "timezone": "Asia/Tokyo",
                             "password_min_length": 8, "password_history": 5,
                             "lockout_threshold": 5, "lockout_minutes": 15,
                             "idle_timeout_privileged_min": 10, "idle_timeout_min": 30,
                             "session_absolute_hours": 12, "idle_disable_days": 90,
                             "approval_escalation_days": 3, "year_end_closure": 1,
                             "org_address": "", "privacy_officer": "", "isms_officer": "",
                             "pmark_number": "", "isms_certified": False, "isms_scope": "",
                             "isms_body": "", "setup_state": "pending",
                             "version": s["version"]})
        v = s["version"]
        r = admin.patch(API + "/settings", {"version": v, "org_name": "株式会社まもり",
                                            "timezone": "UTC", "idle_disable_days": 0})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["version"], v + 1)
        self.assertEqual(r.json["org_name"], "株式会社まもり")
        self.assertEqual(admin.get(API + "/settings").json, r.json)
        pub = Client(self.srv).get(API + "/settings/public").json
        self.assertEqual(pub, {"org_name": "株式会社まもり", "timezone": "UTC",
                               "password_min_length": 8})
        # Stale version: refused, nothing changed.
        r2 = admin.patch(API + "/settings", {"version": v, "org_name": "上書き"})
        self.assertProblem(r2, 409, "conflict")
        self.assertEqual(admin.get(API + "/settings").json["org_name"], "株式会社まもり")
        # Back to Tokyo; the audit trail has both changes.
        r = admin.patch(API + "/settings", {"version": v + 1, "timezone": "Asia/Tokyo"})
        self.assertEqual(r.status, 200, r)
        ev = admin.get(API + "/audit/events?action=settings.update").json["items"]
        self.assertEqual(ev[0]["summary"], {"before": {"timezone": "UTC"},
                                            "after": {"timezone": "Asia/Tokyo"}})
        self.assertEqual(ev[1]["summary"]["after"]["org_name"], "株式会社まもり")

    def test_invalid_values(self):
        admin = self.admin.client
        s = admin.get(API + "/settings").json
        v = s["version"]
        for tz in ("Mars/Olympus", "../../etc/passwd", "/etc/passwd", "Asia/../Asia/Tokyo",
                   "Asia/Tokyo ", "", "x" * 65):
            with self.subTest(tz=tz):
                r = admin.patch(API + "/settings", {"version": v, "timezone": tz})
                self.assertProblem(r, 422)
                self.assertIn("timezone", r.error_fields())
        # A NUL inside a JSON string is refused before any rule sees it.
        r = admin.patch(API + "/settings", {"version": v, "timezone": "Asia/Tokyo\u0000x"})
        self.assertProblem(r, 400)
        for key, value, code in (("lockout_threshold", 2, "out_of_range"),
                                 ("lockout_minutes", 0, "out_of_range"),
                                 ("password_min_length", 129, "out_of_range"),
                                 ("session_absolute_hours", 25, "out_of_range"),
                                 ("idle_timeout_privileged_min", 61, "out_of_range"),
                                 ("password_history", "5", "invalid_type"),
                                 ("org_name", "", "required"),
                                 ("org_name", None, "invalid_type"),
                                 ("unknown_setting", 1, "unknown_field")):
            with self.subTest(key=key, value=value):
                self.assertFieldError(admin.patch(API + "/settings", {"version": v, key: value}),
                                      key, code)
        self.assertFieldError(admin.patch(API + "/settings", {"org_name": "x"}), "version",
                              "required")
        self.assertEqual(admin.get(API + "/settings").json, s)

    def test_settings_need_their_permissions(self):
        off = self.srv.create_user("setoff", roles=["officer"])
        self.assertEqual(off.client.get(API + "/settings").status, 200)
        v = off.client.get(API + "/settings").json["version"]
        self.assertProblem(off.client.patch(API + "/settings", {"version": v, "org_name": "x"}),
                           403, "forbidden")
        emp = self.srv.create_user("setemp")
        self.assertProblem(emp.client.get(API + "/settings"), 403, "forbidden")
        self.assertEqual(emp.client.get(API + "/settings/public").status, 200)
