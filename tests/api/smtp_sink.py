"""smtp_sink.py — a real SMTP server for the tests (Debian's python3-aiosmtpd), run with
/usr/bin/python3 by harness.SmtpSink: every message it receives is written as one file
(<n>.eml, raw bytes) into DIR. AUTH PLAIN/LOGIN is accepted without TLS for user "mamori"
with password "mail-pass" when --auth is given.

    /usr/bin/python3 smtp_sink.py PORT DIR [--auth]
"""
import os
import signal
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Save:
    def __init__(self, folder):
        self.folder = folder
        self.n = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.n += 1
            n = self.n
        path = os.path.join(self.folder, "%06d.eml" % n)
        with open(path + ".tmp", "wb") as f:
            f.write(b"X-Envelope-From: " + envelope.mail_from.encode() + b"\r\n")
            f.write(b"X-Envelope-To: " + ",".join(envelope.rcpt_tos).encode() + b"\r\n")
            f.write(envelope.original_content)
        os.rename(path + ".tmp", path)
        return "250 OK"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"mamori" and \
        auth_data.password == b"mail-pass"
    return AuthResult(success=ok)


def main():
    port, folder = int(sys.argv[1]), sys.argv[2]
    auth = "--auth" in sys.argv
    kw = {}
    if auth:
        kw = {"authenticator": authenticator, "auth_require_tls": False, "auth_required": True}
    c = Controller(Save(folder), hostname="127.0.0.1", port=port, **kw)
    c.start()
    print("ready", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    stop.wait()
    c.stop()


if __name__ == "__main__":
    main()
