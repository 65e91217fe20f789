"""--trust-proxy ADDRESSES: X-Forwarded-For names the client only on requests that come from
one of the proxies, and only when its last entry is an address (src/http/server.c)."""
import http.client
import json

from harness import API, ServerTestCase, mamori

PROXY = "127.0.0.2"


class TrustProxyTest(ServerTestCase):
    server_args = ("--trust-proxy", PROXY + ",10.0.0.0/8")

    def failed_sign_in_from(self, source, forwarded, login):
        c = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=10,
                                       source_address=(source, 0))
        body = json.dumps({"login": login, "password": "Nope-12345"})
        c.request("POST", API + "/session", body=body,
                  headers={"Content-Type": "application/json", "X-Forwarded-For": forwarded})
        c.getresponse().read()
        c.close()
        rows = self.srv.sql("SELECT ip, summary FROM audit_events WHERE action = "
                            "'session.login_failed' ORDER BY seq DESC LIMIT 1")
        self.assertIn(login, rows[0][1])
        return rows[0][0]

    def test_only_the_proxy_may_name_the_client(self):
        # From the proxy: the address it saw last.
        self.assertEqual(self.failed_sign_in_from(PROXY, "198.51.100.7", "px-a"), "198.51.100.7")
        self.assertEqual(self.failed_sign_in_from(PROXY, "10.1.1.1, 2001:db8::5", "px-b"),
                         "2001:db8::5")
        # From anyone else: the header is ignored.
        self.assertEqual(self.failed_sign_in_from("127.0.0.1", "198.51.100.7", "px-c"),
                         "127.0.0.1")
        # Not an address: the proxy's own address is recorded, not the text.
        self.assertEqual(self.failed_sign_in_from(PROXY, "admin'); --", "px-d"), PROXY)
        self.assertEqual(self.failed_sign_in_from(PROXY, "", "px-e"), PROXY)

    def test_option_wants_addresses(self):
        for bad in ("", "yes", "127.0.0.1/33", "10.0.0.0/8,nonsense"):
            r = mamori("serve", "--data", self.srv.data, "--listen", "127.0.0.1:1",
                       "--trust-proxy", bad)
            self.assertEqual(r.returncode, 2, (bad, r.stderr))
            self.assertIn("--trust-proxy", r.stderr)
