"""The password policy on POST /me/password, and the password-change and MFA gates."""
import json
import re
import subprocess

from harness import (API, BIN, Client, ServerTestCase, change_password, enrol_mfa,
                     strong_password)


class PolicyTest(ServerTestCase):

    def test_each_rule_has_its_code(self):
        u = self.srv.create_user("tanaka")
        cases = {
            "ab1": "password_too_short",
            "Ab3defg": "password_too_short",          # 7 characters
            "abcdefghij": "password_needs_letters_and_digits",
            "1234509876": "password_needs_letters_and_digits",
            "!!!!----####": "password_needs_letters_and_digits",
            "tanaka2026x": "password_contains_login",
            "xxTANAKA99": "password_contains_login",     # any case
            "Password123": "password_common",
            "QWERTY123": "password_common",
            "sakura2026": "password_common",
        }
        for pw, code in cases.items():
            with self.subTest(pw=pw):
                r = change_password(u.client, u.password, pw)
                self.assertFieldError(r, "new_password", code)
        # Still the old password.
        self.assertEqual(Client(self.srv).sign_in("tanaka", u.password).status, 200)

    def test_wrong_current_password(self):
        u = self.srv.create_user("curpw")
        r = change_password(u.client, "Not-the-current-1", strong_password())
        self.assertFieldError(r, "current_password", "wrong_password")
        self.assertEqual(Client(self.srv).sign_in("curpw", u.password).status, 200)

    def test_change_works_and_ends_other_sessions(self):
        u = self.srv.create_user("chpw")
        other = u.new_client()
        new = strong_password()
        r = change_password(u.client, u.password, new)
        self.assertEqual(r.status, 204, r)
        self.assertEqual(u.client.get(API + "/session").status, 200)  # this one stays
        self.assertProblem(other.get(API + "/session"), 401)          # the other one ends
        self.assertProblem(Client(self.srv).sign_in("chpw", u.password), 401)
        self.assertEqual(Client(self.srv).sign_in("chpw", new).status, 200)

    def test_none_of_the_last_five(self):
        u = self.srv.create_user("histpw")
        # The one-time password the account started with plus the one set at first sign-in.
        history = [u.password]
        for i in range(3):
            new = strong_password()
            self.assertEqual(change_password(u.client, u.password, new).status, 204)
            u.password = new
            history.append(new)
        # Current and the four before it: each refused.
        self.assertEqual(len(history), 4)
        one_time = self.srv.sql("SELECT COUNT(*) FROM password_history WHERE user_id = ?",
                                (u.id,))[0][0]
        self.assertEqual(one_time, 5)  # one-time + 4 chosen
        for old in history:
            with self.subTest(old=old):
                self.assertFieldError(change_password(u.client, u.password, old),
                                      "new_password", "password_reused")
        # One more change pushes the oldest chosen out of the last five ...
        oldest_chosen = history[0]
        new = strong_password()
        self.assertEqual(change_password(u.client, u.password, new).status, 204)
        u.password = new
        for old in history[1:]:
            self.assertFieldError(change_password(u.client, u.password, old),
                                  "new_password", "password_reused")
        # ... one more and it may be used again (it is now the 6th back).
        newer = strong_password()
        self.assertEqual(change_password(u.client, u.password, newer).status, 204)
        u.password = newer
        self.assertEqual(change_password(u.client, u.password, oldest_chosen).status, 204)

    def test_minimum_length_is_configurable_upward(self):
        admin = self.admin.client
        s = admin.get(API + "/settings").json
        self.assertFieldError(admin.patch(API + "/settings", {"version": s["version"],
                                                               "password_min_length": 7}),
                              "password_min_length", "out_of_range")
        r = admin.patch(API + "/settings", {"version": s["version"], "password_min_length": 14})
        self.assertEqual(r.status, 200, r)
        try:
            u = self.srv.create_user("longpw")
            self.assertFieldError(change_password(u.client, u.password, "Abcdef123456x"),
                                  "new_password", "password_too_short")
            self.assertEqual(change_password(u.client, u.password, "Abcdef123456xy").status, 204)
            self.assertEqual(Client(self.srv).get(API + "/settings/public")
                             .json["password_min_length"], 14)
        finally:
            v = admin.get(API + "/settings").json["version"]
            admin.patch(API + "/settings", {"version": v, "password_min_length": 8})


def routes():
    out = subprocess.run([BIN, "routes"], capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def concrete(path):
    return re.sub(r"\{[a-z_]+:int\}", "1", path)


class GatesTest(ServerTestCase):

    def walk(self, client, expect_code):
        """Every gated route answers 403 expect_code; the routes that come before the gates
        do not."""
        for r in routes():
            if r["permission"] == "public":
                continue
            if r["method"] == "DELETE" and r["path"] == API + "/session":
                continue  # would sign out; checked separately
            kw = {"body": {}} if r["method"] not in ("GET", "HEAD") else {}
            resp = client.request(r["method"], concrete(r["path"]), **kw)
            with self.subTest(route="%s %s" % (r["method"], r["path"])):
                self.assertLess(resp.status, 500, resp)
                if r["before_gates"]:
                    self.assertNotEqual(resp.code, expect_code, resp)
                    self.assertNotIn(resp.status, (401,), resp)
                else:
                    self.assertProblem(resp, 403, expect_code)

    def test_password_change_required_gate(self):
        u = self.srv.create_user("gate1", roles=["manager"], finish=False)
        c = Client(self.srv)
        r = c.sign_in("gate1", u.password)
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.json["user"]["must_change_password"])
        self.assertProblem(c.get(API + "/users"), 403, "password_change_required")
        self.walk(c, "password_change_required")
        # Changing it opens the gate, and the session goes on.
        new = strong_password()
        self.assertEqual(change_password(c, u.password, new).status, 204)
        self.assertEqual(c.get(API + "/users").status, 200)
        self.assertFalse(c.get(API + "/session").json["user"]["must_change_password"])
        self.assertEqual(c.delete(API + "/session").status, 204)

    def test_password_gate_comes_before_the_mfa_gate(self):
        u = self.srv.create_user("gate2", roles=["officer"], finish=False)
        c = Client(self.srv)
        c.sign_in("gate2", u.password)
        self.assertProblem(c.get(API + "/departments"), 403, "password_change_required")

    def test_mfa_enrollment_required_gate(self):
        u = self.srv.create_user("gate3", roles=["auditor"], finish=False)
        c = Client(self.srv)
        c.sign_in("gate3", u.password)
        new = strong_password()
        self.assertEqual(change_password(c, u.password, new).status, 204)
        u.password = new
        self.assertProblem(c.get(API + "/audit/events"), 403, "mfa_enrollment_required")
        self.walk(c, "mfa_enrollment_required")
        # Enrolling opens the gate at once.
        enrol_mfa(c, u)
        self.assertEqual(c.get(API + "/audit/events").status, 200)
        # And the next sign-in asks for the code.
        self.assertProblem(Client(self.srv).sign_in("gate3", u.password), 401, "totp_required")

    def test_one_time_password_after_reset_forces_change(self):
        u = self.srv.create_user("gate4")
        r = self.admin.client.post(API + "/users/%d/reset-password" % u.id)
        self.assertEqual(r.status, 200, r)
        otp = r.json["initial_password"]
        self.assertProblem(u.client.get(API + "/session"), 401)  # sessions ended by the reset
        self.assertProblem(Client(self.srv).sign_in("gate4", u.password), 401)
        c = Client(self.srv)
        r = c.sign_in("gate4", otp)
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.json["user"]["must_change_password"])
        self.assertProblem(c.get(API + "/departments"), 403, "password_change_required")
        # The one-time password cannot be kept.
        self.assertFieldError(change_password(c, otp, otp), "new_password", "password_reused")
        self.assertEqual(change_password(c, otp, strong_password()).status, 204)
        self.assertEqual(c.get(API + "/departments").status, 200)
