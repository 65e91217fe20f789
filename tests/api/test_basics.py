"""Health check, security headers on every kind of answer, problem details, unknown paths."""
import json

from harness import API, Client, ServerTestCase

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class BasicsTest(ServerTestCase):

    def assertSecurityHeaders(self, r):
        csp = r.headers.get("Content-Security-Policy")
        self.assertIsNotNone(csp, "no CSP on %r" % r)
        directives = [d.strip() for d in csp.split(";")]
        self.assertIn("default-src 'self'", directives, csp)
        self.assertIn("frame-ancestors 'none'", directives, csp)
        for k, v in SECURITY_HEADERS.items():
            self.assertEqual(r.headers.get(k), v, "%s on %r" % (k, r))
        # Plain HTTP without --secure-cookies: no HSTS (it would pin a non-TLS host).
        self.assertIsNone(r.headers.get("Strict-Transport-Security"))

    def test_healthz(self):
        r = Client(self.srv).get("/healthz")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json, {"status": "ok"})
        self.assertIn("application/json", r.headers["Content-Type"])
        self.assertSecurityHeaders(r)

    def test_healthz_needs_no_session_and_sets_no_cookie(self):
        r = Client(self.srv).get("/healthz")
        self.assertEqual(r.headers.get_all("Set-Cookie"), None)

    def test_headers_on_every_kind_of_answer(self):
        anon = Client(self.srv)
        admin = self.admin.client
        answers = {
            "200 healthz": anon.get("/healthz"),
            "200 api": admin.get(API + "/users"),
            "201": admin.post(API + "/departments", {"name": "Headers dept"}),
            "204": self.srv.create_user("headers204").client.delete(API + "/session"),
            "400": admin.post(API + "/departments", raw=b"{"),
            "401": anon.get(API + "/users"),
            "403 csrf": admin.post(API + "/departments", {"name": "x"}, csrf=False),
            "404 path": anon.get(API + "/no-such-thing"),
            "404 record": admin.get(API + "/users/999999"),
            "405": anon.request("PUT", API + "/session", {}),
            "409": admin.patch(API + "/settings", {"version": 999999}),
            "413": anon.post(API + "/session", raw=b" " * (1024 * 1024 + 1)),
            "422": admin.post(API + "/departments", {}),
        }
        self.assertEqual(answers["204"].status, 204)
        self.assertEqual(answers["201"].status, 201)
        for what, r in answers.items():
            with self.subTest(what=what):
                self.assertSecurityHeaders(r)
                self.assertEqual(r.headers.get("Cache-Control"), "no-store", what)
        self.assertEqual(answers["400"].status, 400)
        self.assertEqual(answers["401"].status, 401)
        self.assertEqual(answers["403 csrf"].status, 403)
        self.assertEqual(answers["404 path"].status, 404)
        self.assertEqual(answers["404 record"].status, 404)
        self.assertEqual(answers["405"].status, 405)
        self.assertEqual(answers["409"].status, 409)
        self.assertEqual(answers["413"].status, 413)

    def test_problem_details_shape(self):
        r = Client(self.srv).get(API + "/users")
        self.assertProblem(r, 401, "unauthenticated")
        for k in ("type", "title", "status", "detail"):
            self.assertIn(k, r.json)
        self.assertTrue(r.json["type"].endswith("/unauthenticated"), r.json)
        # No internals leak into problems.
        text = r.body.decode()
        for leak in ("sqlite", "SELECT", ".c:", "Traceback"):
            self.assertNotIn(leak, text)

    def test_unknown_api_path_is_404_problem(self):
        for path in (API + "/nope", API + "/users/abc", API + "/users/0", API + "/users/01",
                     API + "/users/1/nope", API + "/users/99999999999999999999", "/api",
                     API + "/"):
            with self.subTest(path=path):
                r = Client(self.srv).get(path)
                self.assertProblem(r, 404, "not_found")

    def test_wrong_method_is_405(self):
        r = Client(self.srv).request("PUT", API + "/users")
        self.assertProblem(r, 405, "method_not_allowed")
        r = Client(self.srv).request("DELETE", "/healthz")
        self.assertProblem(r, 405, "method_not_allowed")

    def test_head_on_get_route(self):
        r = Client(self.srv).request("HEAD", "/healthz")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body, b"")

    def test_public_settings_without_session(self):
        r = Client(self.srv).get(API + "/settings/public")
        self.assertEqual(r.status, 200)
        self.assertEqual(set(r.json), {"org_name", "timezone", "password_min_length"})
        self.assertEqual(r.json["timezone"], "Asia/Tokyo")
        self.assertEqual(r.json["password_min_length"], 8)
        # The full settings are not public.
        self.assertProblem(Client(self.srv).get(API + "/settings"), 401, "unauthenticated")

    def test_request_log_has_no_secrets(self):
        self.assertEqual(self.admin.client.get(API + "/users").status, 200)
        u = self.srv.create_user("logsecret")
        c = Client(self.srv)
        self.assertEqual(c.sign_in("logsecret", "Secret-in-log-77").status, 401)
        self.assertEqual(c.sign_in("logsecret", u.password).status, 200)
        log = self.srv.log_text()
        self.assertNotIn("Secret-in-log-77", log)
        self.assertNotIn(u.password, log)
        self.assertNotIn(c.token, log)
        self.assertNotIn(self.admin.client.token, log)
        self.assertNotIn(self.admin.client.csrf, log)
        # One JSON line per request with method, path, status, ms and user.
        lines = [json.loads(l) for l in log.splitlines() if l.startswith("{") and '"method"' in l]
        self.assertTrue(lines)
        for l in lines[-5:]:
            for k in ("method", "path", "status", "ms", "user"):
                self.assertIn(k, l)
        users_lines = [l for l in lines if l["path"] == API + "/users" and l["status"] == 200]
        self.assertTrue(users_lines)
        self.assertEqual(users_lines[-1]["user"], 1)
