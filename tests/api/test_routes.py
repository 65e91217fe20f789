"""The route walk: every route names a permission; nobody reaches a route without it.

The route table comes from `mamori routes`; the permissions of each built-in role from
GET /roles. For every role a user is created and fully signed in (password changed, MFA
enrolled where the role requires it); every route whose permission the role lacks must
answer 403 `forbidden` and leave an `access.denied` audit event, and every route whose
permission it holds must get past the permission check.
"""
import json
import re
import subprocess

from harness import API, BIN, Client, ServerTestCase

PUBLIC = {("GET", "/healthz"), ("POST", API + "/session"), ("GET", API + "/settings/public")}
ROLES = ("employee", "manager", "auditor", "officer", "executive")


def load_routes():
    r = subprocess.run([BIN, "routes"], capture_output=True, text=True, check=True)
    return json.loads(r.stdout)


def concrete(path, id=1):
    # {id:int} takes `id`; any other typed parameter ({seq:int}, {copy:int}…) takes 1.
    return re.sub(r"\{[a-z_]+:int\}", "1", path.replace("{id:int}", str(id)))


def call(client, route, id=1):
    kw = {"body": {}} if route["method"] not in ("GET", "HEAD") else {}
    return client.request(route["method"], concrete(route["path"], id), **kw)


class RouteWalkTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.routes = load_routes()
        cls.catalogue = {p["name"] for p in
                         cls.admin.client.get(API + "/permissions").json["items"]}
        cls.role_perms = {r["name"]: set(r["permissions"])
                          for r in cls.admin.client.get(API + "/roles").json["items"]}

    def counts(self):
        admin = self.admin.client
        return (len(admin.get(API + "/users?limit=200").json["items"]),
                len(admin.get(API + "/departments").json["items"]),
                len(admin.get(API + "/roles").json["items"]),
                admin.get(API + "/settings").json["version"],
                admin.get(API + "/users/1").json["version"])

    def test_route_table(self):
        self.assertGreaterEqual(len(self.routes), 30)
        seen = set()
        for r in self.routes:
            key = (r["method"], r["path"])
            with self.subTest(route=key):
                self.assertNotIn(key, seen, "declared twice")
                seen.add(key)
                self.assertTrue(r["permission"], "no permission")
                self.assertTrue(r["permission"] in self.catalogue or
                                r["permission"] in ("public", "signed_in", "kiosk"),
                                "unknown permission %s" % r["permission"])
                # A reception kiosk's routes (no role holds "kiosk") live under /kiosk.
                self.assertEqual(r["permission"] == "kiosk",
                                 r["path"].startswith(API + "/kiosk/"), key)
                # Public routes are a short, reviewed list.
                self.assertEqual(r["permission"] == "public", key in PUBLIC)
                # "any signed-in user" only for the session, the user's own account and
                # the calendar everyone's date pickers read.
                if r["permission"] == "signed_in":
                    self.assertTrue(r["path"] in (API + "/session", API + "/calendar/holidays") or
                                    r["path"].startswith(API + "/me"), key)
                # Only those may skip the password-change and MFA gates.
                if r["before_gates"]:
                    self.assertEqual(r["permission"], "signed_in", key)
        # Every permission in the catalogue guards something.
        self.assertEqual({r["permission"] for r in self.routes} & self.catalogue, self.catalogue)

    def test_unauthenticated_gets_401_everywhere(self):
        head = self.srv.audit_head()
        before = self.counts()
        for c in (Client(self.srv), self._garbage_cookie_client()):
            for r in self.routes:
                if r["permission"] == "public":
                    continue
                with self.subTest(route="%s %s" % (r["method"], r["path"]),
                                  cookie=bool(c.cookies)):
                    self.assertProblem(call(c, r), 401, "unauthenticated")
        self.assertEqual(self.srv.audit_head(), head)
        self.assertEqual(self.counts(), before)

    def _garbage_cookie_client(self):
        c = Client(self.srv)
        c.cookies["mamori_session"] = "B" * 43
        c.csrf = "B" * 43
        return c

    def test_public_routes_answer_without_session(self):
        for r in self.routes:
            if r["permission"] != "public":
                continue
            resp = call(Client(self.srv), r)
            with self.subTest(route="%s %s" % (r["method"], r["path"])):
                if r["path"] == API + "/session":
                    self.assertFieldError(resp, "login", "required")  # {} reached the schema
                else:
                    self.assertEqual(resp.status, 200, resp)

    def walk_as(self, login, client, perms, id=1):
        """Walks every permission-guarded route ({id} = id); returns the denied routes. The
        routes whose handler answered 404 are kept in self.not_found."""
        denied = []
        self.not_found = []
        for r in self.routes:
            if r["permission"] in ("public", "signed_in"):
                continue
            resp = call(client, r, id)
            with self.subTest(user=login, route="%s %s" % (r["method"], r["path"]),
                              permission=r["permission"]):
                self.assertLess(resp.status, 500, resp)
                if r["permission"] in perms:
                    if resp.status == 404:
                        self.not_found.append((r["method"], r["path"]))
                    self.assertNotIn(resp.status, (401,), resp)
                    self.assertNotEqual(resp.code, "forbidden", resp)
                    self.assertNotIn(resp.code, ("csrf", "password_change_required",
                                                 "mfa_enrollment_required"), resp)
                else:
                    self.assertProblem(resp, 403, "forbidden")
                    denied.append((r["method"], r["path"], r["permission"]))
        return denied

    def check_denial_events(self, acct, denied):
        items, cursor = [], None
        while True:
            q = "?actor=%s&action=access.denied&limit=200" % acct.login
            r = self.admin.client.get(API + "/audit/events" + q + ("&cursor=" + cursor if cursor else ""))
            self.assertEqual(r.status, 200, r)
            items += r.json["items"]
            cursor = r.json["next_cursor"]
            if not cursor:
                break
        got = sorted((e["summary"]["method"], e["summary"]["route"], e["summary"]["permission"])
                     for e in items if "permission" in e["summary"])
        self.assertEqual(got, sorted(denied))
        # A record answered 404 (none there, or not theirs) leaves a trace too.
        probes = sorted((e["summary"]["method"], e["summary"]["route"])
                        for e in items if e["summary"].get("status") == 404)
        self.assertEqual(probes, sorted(self.not_found))
        for e in items:
            self.assertEqual(e["actor_id"], acct.id)
            self.assertEqual(e["ip"], "127.0.0.1")
            self.assertEqual(e["object_type"], "route")

    def test_each_builtin_role(self):
        before = self.counts()
        for role in ROLES:
            acct = self.srv.create_user("walk_" + role, roles=[role])
            perms = self.role_perms[role]
            if role in ("auditor", "officer"):
                self.assertIsNotNone(acct.secret, "%s should have had to enrol MFA" % role)
            denied = self.walk_as(acct.login, acct.client, perms)
            expected = [r for r in self.routes
                        if r["permission"] not in {"public", "signed_in"} | perms]
            self.assertEqual(len(denied), len(expected), role)
            self.check_denial_events(acct, denied)
            # Still signed in: a denial does not end the session.
            self.assertEqual(acct.client.get(API + "/session").status, 200)
        # Denied requests changed nothing (users: only the five walkers were added).
        after = self.counts()
        self.assertEqual(after[0], before[0] + len(ROLES))
        self.assertEqual(after[2:], before[2:])

    def test_role_without_permissions_is_denied_everything(self):
        r = self.admin.client.post(API + "/roles", {"name": "nothing", "label_ja": "なし",
                                                    "label_en": "Nothing", "permissions": []})
        self.assertEqual(r.status, 201, r)
        acct = self.srv.create_user("walk_nothing", roles=["nothing"])
        denied = self.walk_as(acct.login, acct.client, set())
        self.assertEqual(len(denied), len([r for r in self.routes
                                           if r["permission"] not in ("public", "signed_in")]))
        self.check_denial_events(acct, denied)

    def test_admin_reaches_every_route(self):
        walker = self.srv.create_user("walk_admin", roles=["admin"])
        # {id} is a throwaway account: the walk disables it and resets its password.
        victim = self.srv.create_user("walk_victim", finish=False)
        denied = self.walk_as(walker.login, walker.client, self.catalogue, id=victim.id)
        # Everything but the reception kiosk's routes, which answer a kiosk session only.
        self.assertEqual(denied, [(r["method"], r["path"], "kiosk") for r in self.routes
                                  if r["permission"] == "kiosk"])
        self.assertTrue(denied)
