"""Signing in and out: credentials, cookie, CSRF, TOTP and recovery codes, lockout, timeouts."""
import hashlib
import time

from harness import (API, Client, Server, ServerTestCase, INIT_PASSWORD, change_password,
                     enrol_mfa, strong_password, totp)


def cookie_attrs(set_cookie):
    parts = [p.strip() for p in set_cookie.split(";")]
    name, _, value = parts[0].partition("=")
    attrs = {}
    for p in parts[1:]:
        k, _, v = p.partition("=")
        attrs[k.lower()] = v
    return name, value, attrs


def wrong_code(code):
    return "%06d" % ((int(code) + 500000) % 1000000)


class SignInTest(ServerTestCase):

    def test_success_answers_user_and_csrf_and_sets_cookie(self):
        u = self.srv.create_user("alice1")
        c = Client(self.srv)
        r = c.sign_in("alice1", u.password)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["user"]["login"], "alice1")
        self.assertEqual(r.json["user"]["roles"], ["employee"])
        self.assertIn("departments.read", r.json["user"]["permissions"])
        self.assertGreaterEqual(len(r.json["csrf_token"]), 40)
        for secret_key in ("password", "password_hash", "totp_secret", "totp_pending"):
            self.assertNotIn(secret_key, r.json["user"])
        self.assertGreaterEqual(len(c.token), 43)  # 256 bits, base64
        # GET /session gives the same user and token.
        r2 = c.get(API + "/session")
        self.assertEqual(r2.status, 200)
        self.assertEqual(r2.json["user"]["id"], u.id)
        self.assertEqual(r2.json["csrf_token"], r.json["csrf_token"])
        # Login ids are case-insensitive.
        self.assertEqual(Client(self.srv).sign_in("ALICE1", u.password).status, 200)

    def test_cookie_flags(self):
        u = self.srv.create_user("cookie1")
        c = Client(self.srv)
        c.sign_in("cookie1", u.password)
        cookies = [s for s in c.last_set_cookie if s.startswith("mamori_session=")]
        self.assertEqual(len(cookies), 1, c.last_set_cookie)
        name, value, attrs = cookie_attrs(cookies[0])
        self.assertEqual(value, c.token)
        self.assertIn("httponly", attrs)
        self.assertEqual(attrs.get("samesite"), "Strict")
        self.assertEqual(attrs.get("path"), "/")
        self.assertNotIn("secure", attrs)  # plain HTTP without --secure-cookies
        self.assertNotIn("domain", attrs)
        self.assertNotIn("expires", attrs)  # a session cookie: gone when the browser closes
        self.assertNotIn("max-age", attrs)

    def test_unknown_login_and_wrong_password_get_the_same_answer(self):
        self.srv.create_user("bob1")
        a = Client(self.srv).sign_in("bob1", "Wrong-password-1")
        b = Client(self.srv).sign_in("nobody-here", "Wrong-password-1")
        self.assertProblem(a, 401, "invalid_credentials")
        self.assertProblem(b, 401, "invalid_credentials")
        self.assertEqual(a.json, b.json)
        self.assertEqual(a.headers.get("Content-Type"), b.headers.get("Content-Type"))
        self.assertIsNone(a.headers.get("Set-Cookie"))
        self.assertIsNone(b.headers.get("Set-Cookie"))

    def test_disabled_account_with_right_password_looks_like_a_wrong_password(self):
        u = self.srv.create_user("gone1")
        wrong = Client(self.srv).sign_in("gone1", "Wrong-password-1")
        r = self.admin.client.post(API + "/users/%d/disable" % u.id)
        self.assertEqual(r.status, 200, r)
        r = Client(self.srv).sign_in("gone1", u.password)
        self.assertProblem(r, 401, "invalid_credentials")
        self.assertEqual(r.json, wrong.json)
        # And the session the user had ended with the disabling.
        self.assertProblem(u.client.get(API + "/session"), 401, "unauthenticated")

    def test_logout_invalidates_the_token_at_once(self):
        u = self.srv.create_user("carol1")
        c = u.client
        copy = Client(self.srv)
        copy.cookies = dict(c.cookies)
        self.assertEqual(copy.get(API + "/session").status, 200)
        self.assertProblem(c.delete(API + "/session", csrf=False), 403, "csrf")
        r = c.delete(API + "/session")
        self.assertEqual(r.status, 204, r)
        cleared = [s for s in c.last_set_cookie if s.startswith("mamori_session=")]
        self.assertTrue(cleared)
        self.assertIn("max-age=0", cleared[0].lower())
        self.assertIsNone(c.token)
        self.assertProblem(copy.get(API + "/session"), 401, "unauthenticated")
        self.assertProblem(copy.get(API + "/departments"), 401, "unauthenticated")

    def test_sign_in_rotates_the_session(self):
        u = self.srv.create_user("dave1")
        c = u.client
        old = Client(self.srv)
        old.cookies = dict(c.cookies)
        r = c.sign_in("dave1", u.password)
        self.assertEqual(r.status, 200)
        self.assertNotEqual(c.token, old.cookies["mamori_session"])
        self.assertProblem(old.get(API + "/session"), 401)
        self.assertEqual(c.get(API + "/session").status, 200)

    def test_garbage_or_missing_cookie_is_401(self):
        for cookie in (None, "x", "A" * 43, "A" * 2000, "%00%01"):
            c = Client(self.srv)
            if cookie is not None:
                c.cookies["mamori_session"] = cookie
            with self.subTest(cookie=cookie and cookie[:10]):
                self.assertProblem(c.get(API + "/session"), 401, "unauthenticated")

    def test_session_token_stored_only_as_hash(self):
        u = self.srv.create_user("hash1")
        token = u.client.token
        rows = self.srv.sql("SELECT token_hash, csrf_token FROM sessions WHERE user_id = ?", (u.id,))
        self.assertTrue(rows)
        self.assertNotIn(token, [r[0] for r in rows])
        self.assertIn(hashlib.blake2b(token.encode(), digest_size=32).hexdigest(),
                      [r[0] for r in rows])
        ph = self.srv.sql("SELECT password_hash FROM users WHERE id = ?", (u.id,))[0][0]
        self.assertTrue(ph.startswith("$argon2id$"), ph)
        self.assertNotIn(u.password, ph)


class CsrfTest(ServerTestCase):

    def dept_count(self):
        return len(self.admin.client.get(API + "/departments").json["items"])

    def test_unsafe_methods_need_the_sessions_csrf_token(self):
        admin = self.admin.client
        before = self.dept_count()
        other = self.srv.create_user("csrfother")
        cases = {
            "missing": {},
            "wrong": {"X-CSRF-Token": "not-the-token"},
            "empty": {"X-CSRF-Token": ""},
            "another session's": {"X-CSRF-Token": other.client.csrf},
            "cookie value": {"X-CSRF-Token": admin.token},
        }
        for what, hdrs in cases.items():
            for method, path, body in (("POST", API + "/departments", {"name": "CSRF " + what}),
                                       ("PATCH", API + "/settings", {"version": 1, "org_name": "x"}),
                                       ("POST", API + "/users/%d/disable" % other.id, None),
                                       ("DELETE", API + "/session", None)):
                with self.subTest(what=what, method=method, path=path):
                    kw = {"body": body} if body is not None else {}
                    r = admin.request(method, path, csrf=False, headers=hdrs, **kw)
                    self.assertProblem(r, 403, "csrf")
        self.assertEqual(self.dept_count(), before)
        self.assertEqual(admin.get(API + "/session").status, 200)  # not signed out
        self.assertEqual(admin.get(API + "/users/%d" % other.id).json["status"], "active")
        self.assertNotEqual(admin.get(API + "/settings").json["org_name"], "x")

    def test_safe_methods_need_no_token_and_right_token_works(self):
        admin = self.admin.client
        self.assertEqual(admin.get(API + "/users", csrf=False).status, 200)
        r = admin.post(API + "/departments", {"name": "CSRF ok"})
        self.assertEqual(r.status, 201, r)

    def test_session_check_comes_before_csrf(self):
        r = Client(self.srv).post(API + "/departments", {"name": "x"})
        self.assertProblem(r, 401, "unauthenticated")

    def test_sign_in_needs_no_csrf(self):
        u = self.srv.create_user("csrfsignin")
        c = Client(self.srv)
        self.assertEqual(c.sign_in(u.login, u.password).status, 200)


class MfaTest(ServerTestCase):

    def mfa_user(self, login):
        """An employee who turned on TOTP voluntarily."""
        u = self.srv.create_user(login)
        enrol_mfa(u.client, u)
        return u

    def test_enrolment_answer(self):
        u = self.srv.create_user("enrol1")
        r = u.client.post(API + "/me/mfa")
        self.assertEqual(r.status, 200, r)
        secret = r.json["secret"]
        self.assertRegex(secret, r"^[A-Z2-7]{32}$")
        self.assertTrue(r.json["otpauth_uri"].startswith("otpauth://totp/"))
        self.assertIn("secret=" + secret, r.json["otpauth_uri"])
        self.assertIn("enrol1", r.json["otpauth_uri"])
        self.assertIn("period=30", r.json["otpauth_uri"])
        self.assertTrue(r.json["qr_svg"].startswith("<svg"), r.json["qr_svg"][:50])
        # A wrong code does not switch it on.
        step = self.srv.totp_step()
        r = u.client.post(API + "/me/mfa/confirm", {"code": wrong_code(totp(secret, step))})
        self.assertFieldError(r, "code", "invalid_totp")
        self.assertFalse(u.client.get(API + "/session").json["user"]["mfa_enabled"])
        r = u.client.post(API + "/me/mfa/confirm", {"code": totp(secret, step)})
        self.assertEqual(r.status, 200, r)
        codes = r.json["recovery_codes"]
        self.assertEqual(len(codes), 10)
        self.assertEqual(len(set(codes)), 10)
        for code in codes:
            self.assertRegex(code, r"^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$")
        self.assertTrue(u.client.get(API + "/session").json["user"]["mfa_enabled"])
        # Starting again while on is refused.
        self.assertProblem(u.client.post(API + "/me/mfa"), 409, "mfa_already_enabled")

    def test_confirm_without_start(self):
        u = self.srv.create_user("enrol2")
        self.assertProblem(u.client.post(API + "/me/mfa/confirm", {"code": "123456"}), 409,
                           "mfa_not_started")

    def test_secrets_are_not_stored_in_clear(self):
        u = self.mfa_user("atrest1")
        row = self.srv.sql("SELECT totp_secret, totp_pending FROM users WHERE id = ?", (u.id,))[0]
        self.assertTrue(row[0].startswith("v1:"), row[0])
        self.assertNotIn(u.secret, row[0])
        self.assertIsNone(row[1])
        hashes = [r[0] for r in self.srv.sql(
            "SELECT code_hash FROM recovery_codes WHERE user_id = ?", (u.id,))]
        self.assertEqual(len(hashes), 10)
        for code in u.recovery:
            self.assertNotIn(code, hashes)

    def test_totp_required_then_invalid_then_right(self):
        u = self.mfa_user("totp1")
        c = Client(self.srv)
        r = c.sign_in("totp1", u.password)
        self.assertProblem(r, 401, "totp_required")
        self.assertIsNone(c.token)
        code = u.next_totp()
        r = c.sign_in("totp1", u.password, wrong_code(code))
        self.assertProblem(r, 401, "invalid_totp")
        self.assertIsNone(c.token)
        # The right password is still needed with a right code.
        r = c.sign_in("totp1", "Wrong-password-9", code)
        self.assertProblem(r, 401, "invalid_credentials")
        r = c.sign_in("totp1", u.password, code)
        self.assertEqual(r.status, 200, r)

    def test_totp_replay_refused(self):
        u = self.mfa_user("replay1")
        code = u.next_totp()
        c = Client(self.srv)
        self.assertEqual(c.sign_in("replay1", u.password, code).status, 200)
        self.assertEqual(c.delete(API + "/session").status, 204)
        r = Client(self.srv).sign_in("replay1", u.password, code)
        self.assertProblem(r, 401, "invalid_totp")
        # The code of the step before is refused too (the window only moves forward).
        r = Client(self.srv).sign_in("replay1", u.password, totp(u.secret, u.last_step - 1))
        self.assertProblem(r, 401, "invalid_totp")
        # A code two steps ahead is outside the ±1 window.
        r = Client(self.srv).sign_in("replay1", u.password,
                                     totp(u.secret, self.srv.totp_step() + 3))
        self.assertProblem(r, 401, "invalid_totp")

    def test_enrolment_code_cannot_be_replayed_to_sign_in(self):
        u = self.mfa_user("replay2")
        r = Client(self.srv).sign_in("replay2", u.password, totp(u.secret, u.last_step))
        self.assertProblem(r, 401, "invalid_totp")

    def test_recovery_code_works_once(self):
        u = self.mfa_user("recover1")
        code = u.recovery.pop()
        c = Client(self.srv)
        r = c.sign_in("recover1", u.password, code)
        self.assertEqual(r.status, 200, r)
        r = Client(self.srv).sign_in("recover1", u.password, code)
        self.assertProblem(r, 401, "invalid_totp")
        # Typed in capitals without dashes it still counts (once).
        other = u.recovery.pop()
        r = Client(self.srv).sign_in("recover1", u.password, other.replace("-", "").upper())
        self.assertEqual(r.status, 200, r)
        r = Client(self.srv).sign_in("recover1", u.password, other)
        self.assertProblem(r, 401, "invalid_totp")
        # Another user's recovery code is no good here.
        v = self.mfa_user("recover2")
        r = Client(self.srv).sign_in("recover1", u.password, v.recovery[0])
        self.assertProblem(r, 401, "invalid_totp")

    def test_turning_mfa_off(self):
        u = self.mfa_user("mfaoff1")
        r = u.client.delete(API + "/me/mfa", {"password": "Wrong-password-1"})
        self.assertFieldError(r, "password", "wrong_password")
        r = u.client.delete(API + "/me/mfa", {"password": u.password})
        self.assertEqual(r.status, 204, r)
        self.assertEqual(Client(self.srv).sign_in("mfaoff1", u.password).status, 200)
        self.assertEqual(self.srv.sql("SELECT COUNT(*) FROM recovery_codes WHERE user_id = ?",
                                      (u.id,))[0][0], 0)

    def test_role_that_requires_mfa_cannot_turn_it_off(self):
        o = self.srv.create_user("mfaoff2", roles=["officer"])
        self.assertIsNotNone(o.secret)
        r = o.client.delete(API + "/me/mfa", {"password": o.password})
        self.assertProblem(r, 403, "mfa_required")
        self.assertProblem(Client(self.srv).sign_in("mfaoff2", o.password), 401, "totp_required")


class LockoutTest(ServerTestCase):

    def test_five_failures_lock_even_the_right_password(self):
        u = self.srv.create_user("lock1")
        c = Client(self.srv)
        for i in range(4):
            self.assertProblem(c.sign_in("lock1", "Wrong-password-%d" % i), 401,
                               "invalid_credentials")
        self.assertProblem(c.sign_in("lock1", "Wrong-password-5"), 401, "account_locked")
        self.assertProblem(c.sign_in("lock1", u.password), 401, "account_locked")
        self.assertIsNone(c.token)
        ev = self.admin.client.get(API + "/audit/events?action=user.locked&object_id=%d" % u.id)
        self.assertEqual(len(ev.json["items"]), 1, ev)
        self.assertEqual(ev.json["items"][0]["summary"], {"minutes": 15})
        # The existing session is not the lock's business, but a new one cannot start.
        self.assertEqual(u.client.get(API + "/session").status, 200)

    def test_success_resets_the_count(self):
        u = self.srv.create_user("lock2")
        c = Client(self.srv)
        for i in range(4):
            self.assertProblem(c.sign_in("lock2", "Wrong-password-1"), 401, "invalid_credentials")
        self.assertEqual(c.sign_in("lock2", u.password).status, 200)
        for i in range(4):
            self.assertProblem(c.sign_in("lock2", "Wrong-password-1"), 401, "invalid_credentials")
        self.assertEqual(c.sign_in("lock2", u.password).status, 200)

    def test_wrong_codes_count_too(self):
        u = self.srv.create_user("lock3")
        enrol_mfa(u.client, u)
        c = Client(self.srv)
        bad = wrong_code(totp(u.secret, self.srv.totp_step()))
        for i in range(4):
            self.assertProblem(c.sign_in("lock3", u.password, bad), 401, "invalid_totp")
        self.assertProblem(c.sign_in("lock3", u.password, bad), 401, "account_locked")
        self.assertProblem(c.sign_in("lock3", u.password, u.recovery.pop()), 401, "account_locked")

    def test_threshold_is_configurable(self):
        admin = self.admin.client
        s = admin.get(API + "/settings").json
        r = admin.patch(API + "/settings", {"version": s["version"], "lockout_threshold": 3})
        self.assertEqual(r.status, 200, r)
        try:
            self.srv.create_user("lock4")
            c = Client(self.srv)
            for i in range(2):
                self.assertProblem(c.sign_in("lock4", "Wrong-password-1"), 401,
                                   "invalid_credentials")
            self.assertProblem(c.sign_in("lock4", "Wrong-password-1"), 401, "account_locked")
        finally:
            v = admin.get(API + "/settings").json["version"]
            self.assertEqual(admin.patch(API + "/settings",
                                         {"version": v, "lockout_threshold": 5}).status, 200)

    def test_reset_password_unlocks(self):
        u = self.srv.create_user("lock5")
        c = Client(self.srv)
        for i in range(5):
            c.sign_in("lock5", "Wrong-password-1")
        self.assertProblem(c.sign_in("lock5", u.password), 401, "account_locked")
        r = self.admin.client.post(API + "/users/%d/reset-password" % u.id)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(c.sign_in("lock5", r.json["initial_password"]).status, 200)

    def test_unknown_logins_are_not_locked_differently(self):
        # An unknown login answers exactly as a real one does, lock included: the answers do
        # not tell which accounts exist.
        self.srv.create_user("lock6")
        c = Client(self.srv)
        for login in ("lock6", "no-such-user-x"):
            with self.subTest(login=login):
                answers = [c.sign_in(login, "Wrong-password-1").json["code"] for _ in range(6)]
                self.assertEqual(answers, ["invalid_credentials"] * 4 + ["account_locked"] * 2)


class SecureCookiesTest(ServerTestCase):
    server_args = ("--secure-cookies",)
    setup_admin = False

    def test_secure_flag_and_hsts(self):
        c = Client(self.srv)
        r = c.sign_in("admin", INIT_PASSWORD)
        self.assertEqual(r.status, 200, r)
        _, _, attrs = cookie_attrs([s for s in c.last_set_cookie
                                    if s.startswith("mamori_session=")][0])
        self.assertIn("secure", attrs)
        self.assertIn("httponly", attrs)
        self.assertEqual(attrs.get("samesite"), "Strict")
        for r in (r, Client(self.srv).get("/healthz"), Client(self.srv).get(API + "/users")):
            self.assertIn("max-age=", r.headers.get("Strict-Transport-Security", ""))
        r = c.delete(API + "/session")
        self.assertEqual(r.status, 204)
        self.assertIn("secure", cookie_attrs(c.last_set_cookie[0])[2])


class ClockTest(ServerTestCase):
    """Restarts the server with MAMORI_TEST_CLOCK_OFFSET to let time pass."""

    def test_lock_ends_and_sessions_time_out(self):
        admin = self.admin.client
        s = admin.get(API + "/settings").json
        r = admin.patch(API + "/settings", {"version": s["version"], "idle_timeout_min": 240,
                                            "session_absolute_hours": 1})
        self.assertEqual(r.status, 200, r)
        emp = self.srv.create_user("clockemp")
        off = self.srv.create_user("clockoff", roles=["officer"])
        locked = self.srv.create_user("clocklock")
        c = Client(self.srv)
        for i in range(5):
            c.sign_in("clocklock", "Wrong-password-1")
        self.assertProblem(c.sign_in("clocklock", locked.password), 401, "account_locked")
        self.assertEqual(off.client.get(API + "/session").json["user"]["idle_timeout_s"], 600)
        self.assertEqual(emp.client.get(API + "/session").json["user"]["idle_timeout_s"], 240 * 60)

        # 16 minutes later: the 15-minute lock is over; the privileged session is idle-expired.
        self.srv.restart(env={"MAMORI_TEST_CLOCK_OFFSET": str(16 * 60)})
        self.assertEqual(Client(self.srv).sign_in("clocklock", locked.password).status, 200)
        r = off.client.get(API + "/session")
        self.assertProblem(r, 401, "unauthenticated")
        self.assertIn("ended", r.json["detail"])
        self.assertEqual(emp.client.get(API + "/session").status, 200)
        # The expired session is gone for good, not just refused.
        self.assertProblem(off.client.get(API + "/session"), 401)

        # 62 minutes after sign-in: past the absolute limit (1 h) though not idle (240 min).
        self.srv.restart(env={"MAMORI_TEST_CLOCK_OFFSET": str(62 * 60)})
        self.assertProblem(emp.client.get(API + "/session"), 401, "unauthenticated")
        # Signing in again works (TOTP is computed on the server's clock).
        self.assertEqual(off.new_client().get(API + "/session").status, 200)
