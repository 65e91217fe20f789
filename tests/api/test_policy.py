"""Rules that stop an account from doing more than it should:
- nobody hands out (or takes away) roles or permissions beyond their own;
- the accounts job never disables the last active administrator;
- a wrong password where a signed-in user's own password is asked again counts toward the
  lockout, and the lock signs the stolen session out."""
import time

from harness import API, Client, ServerTestCase


class GrantWithinOwn(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # HR holds what it hands out to new staff: the employee role's permissions, which grow
        # as modules add theirs (incidents.report, …).
        known = {p["name"] for p in cls.admin.client.get(API + "/permissions").json["items"]}
        employee = [r for r in cls.admin.client.get(API + "/roles").json["items"]
                    if r["name"] == "employee"][0]
        r = cls.admin.client.post(API + "/roles", {
            "name": "hr", "label_ja": "人事", "label_en": "HR",
            "permissions": sorted({"users.read", "users.write", "departments.read"} |
                                  (set(employee["permissions"]) & known))})
        assert r.status == 201, r
        cls.hr = cls.srv.create_user("hr-clerk", roles=("hr",))

    def test_cannot_create_an_administrator(self):
        r = self.hr.client.post(API + "/users", {
            "login": "sneaky", "name": "Sneaky", "employment_type": "regular",
            "purpose": "x", "roles": ["admin"]})
        self.assertFieldError(r, "roles", "exceeds_own_permissions")
        self.assertEqual(self.srv.sql("SELECT COUNT(*) FROM users WHERE login = 'sneaky'"), [(0,)])

    def test_cannot_raise_own_roles(self):
        me = self.hr.client.get(API + "/users/%d" % self.hr.id).json
        r = self.hr.client.patch(API + "/users/%d" % self.hr.id,
                                 {"version": me["version"], "roles": ["hr", "admin"]})
        self.assertFieldError(r, "roles", "exceeds_own_permissions")
        self.assertEqual(self.hr.client.get(API + "/users/%d" % self.hr.id).json["roles"], ["hr"])

    def test_cannot_take_admin_away_from_someone(self):
        admin = self.hr.client.get(API + "/users/1").json
        r = self.hr.client.patch(API + "/users/1", {"version": admin["version"],
                                                    "roles": ["employee"]})
        self.assertProblem(r, 403, "exceeds_own_permissions")
        self.assertEqual(self.admin.client.get(API + "/users/1").json["roles"], ["admin"])

    def test_may_give_roles_within_own(self):
        r = self.hr.client.post(API + "/users", {
            "login": "new-hire", "name": "New Hire", "employment_type": "part_time",
            "purpose": "店舗業務", "roles": ["employee"]})
        self.assertEqual(r.status, 201, r)

    def test_role_editor_cannot_add_permissions_they_lack(self):
        r = self.admin.client.post(API + "/roles", {
            "name": "role_keeper", "label_ja": "ロール管理", "label_en": "Role keeper",
            "permissions": ["roles.read", "roles.write"]})
        self.assertEqual(r.status, 201, r)
        keeper = self.srv.create_user("keeper", roles=("role_keeper",))
        role = r.json
        r = keeper.client.patch(API + "/roles/%d" % role["id"], {
            "version": role["version"], "permissions": ["roles.read", "roles.write", "audit.read"]})
        self.assertFieldError(r, "permissions", "exceeds_own_permissions")


class LastAdministratorStays(ServerTestCase):
    def test_idle_job_leaves_the_last_admin_active(self):
        idle = self.srv.create_user("idle-one", roles=("employee",))
        long_ago = int(time.time()) - 400 * 86400
        self.srv.sql("UPDATE users SET last_login_at = ? WHERE id IN (1, ?)", (long_ago, idle.id))
        r = self.srv.cli("jobs", "run")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        rows = dict(self.srv.sql("SELECT login, status FROM users WHERE id IN (1, ?)", (idle.id,)))
        self.assertEqual(rows, {"admin": "active", "idle-one": "disabled"})


class OwnPasswordGuesses(ServerTestCase):
    def test_wrong_current_password_counts_and_locks(self):
        acct = self.srv.create_user("guessed", roles=("employee",))
        c = acct.client
        for i in range(4):
            r = c.post(API + "/me/password", {"current_password": "Wrong%04dpass" % i,
                                              "new_password": "Fresh2026pass%d" % i})
            self.assertFieldError(r, "current_password", "wrong_password")
        r = c.post(API + "/me/password", {"current_password": "Wrong9999pass",
                                          "new_password": "Fresh2026pass9"})
        self.assertProblem(r, 401, "account_locked")
        self.assertProblem(c.get(API + "/session"), 401, "unauthenticated")
        r = Client(self.srv).sign_in("guessed", acct.password)
        self.assertProblem(r, 401, "account_locked")
        actions = [row[0] for row in self.srv.sql(
            "SELECT action FROM audit_events WHERE object_id = ? AND object_type = 'user' "
            "ORDER BY seq", (acct.id,))]
        self.assertEqual(actions.count("password.check_failed"), 5)
        self.assertIn("user.locked", actions)

    def test_right_password_resets_nothing_it_should_not(self):
        acct = self.srv.create_user("careful", roles=("employee",))
        r = acct.client.post(API + "/me/password", {"current_password": acct.password,
                                                    "new_password": "Sturdy2026pw"})
        self.assertEqual(r.status, 204, r)
