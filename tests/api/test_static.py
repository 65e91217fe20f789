"""The web UI's files (src/http/static.c): the compressed copy the browser accepts, the same
bytes once decompressed, a validator per representation, byte ranges, Vary."""
import gzip
import json
import os
import shutil
import socket
import subprocess
import tempfile
import unittest

from harness import REPO, Client, ServerTestCase

DIST = os.path.join(REPO, "web", "dist")


def unbrotli(data):
    """Brotli is not in Python's standard library; Node's zlib (which built the files) is."""
    r = subprocess.run(["node", "-e", "process.stdout.write(require('zlib')."
                        "brotliDecompressSync(require('fs').readFileSync(0)))"],
                       input=data, capture_output=True, check=True)
    return r.stdout


def brotli(data):
    r = subprocess.run(["node", "-e", "process.stdout.write(require('zlib')."
                        "brotliCompressSync(require('fs').readFileSync(0)))"],
                       input=data, capture_output=True, check=True)
    return r.stdout


class StaticTest(ServerTestCase):
    """A web root of our own, with a file, its .br and .gz copies, and a file without any."""

    @classmethod
    def setUpClass(cls):
        cls.root = tempfile.mkdtemp(prefix="mamori-web-")
        os.makedirs(os.path.join(cls.root, "assets"))
        cls.body = ("// 個人情報の取扱い\n" + "export const n = 1;\n" * 400).encode()
        path = os.path.join(cls.root, "assets", "app-1a2b.js")
        with open(path, "wb") as f:
            f.write(cls.body)
        with open(path + ".gz", "wb") as f:
            f.write(gzip.compress(cls.body))
        with open(path + ".br", "wb") as f:
            f.write(brotli(cls.body))
        with open(os.path.join(cls.root, "index.html"), "wb") as f:
            f.write(b"<!doctype html><title>mamori</title>")
        cls.server_args = ("--web-root", cls.root)
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(cls.root, ignore_errors=True)

    def get(self, path, **headers):
        return Client(self.srv).get(path, headers=headers)

    def test_coding_follows_accept_encoding(self):
        path = "/assets/app-1a2b.js"
        cases = [("", None), ("gzip", "gzip"), ("gzip, deflate, br", "br"),
                 ("br;q=0, gzip", "gzip"), ("gzip;q=0.000", None), ("*", "br"),
                 ("*;q=0", None), ("identity", None), ("GZIP", "gzip"),
                 ("br;q=0.0, *;q=0.5", "gzip")]
        etags = {}
        for accept, want in cases:
            with self.subTest(accept=accept):
                r = self.get(path, **({"Accept-Encoding": accept} if accept else {}))
                self.assertEqual(r.status, 200, r)
                self.assertEqual(r.headers.get("Content-Encoding"), want)
                self.assertEqual(r.headers.get("Vary"), "Accept-Encoding")
                self.assertEqual(r.headers.get("Content-Type"), "text/javascript; charset=utf-8")
                self.assertIn("immutable", r.headers.get("Cache-Control"))
                plain = (gzip.decompress(r.body) if want == "gzip"
                         else unbrotli(r.body) if want == "br" else r.body)
                self.assertEqual(plain, self.body)
                etags.setdefault(want, set()).add(r.headers.get("ETag"))
        # One validator per representation, stable, and different between them.
        self.assertTrue(all(len(v) == 1 for v in etags.values()), etags)
        self.assertEqual(len({next(iter(v)) for v in etags.values()}), 3, etags)

    def test_conditional_get(self):
        path = "/assets/app-1a2b.js"
        r = self.get(path, **{"Accept-Encoding": "br"})
        tag = r.headers["ETag"]
        r = self.get(path, **{"Accept-Encoding": "br", "If-None-Match": tag})
        self.assertEqual(r.status, 304)
        self.assertEqual(r.body, b"")
        self.assertEqual(r.headers.get("ETag"), tag)
        # A cache keeps the length it had; a 304 never says 0 (RFC 9110, 8.6), and it has no
        # body: on one connection, the next answer follows its headers at once.
        br_len = len(brotli(self.body))
        self.assertIn(r.headers.get("Content-Length"), (None, str(br_len)))
        s = socket.create_connection(("127.0.0.1", self.srv.port), timeout=5)
        try:
            s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nAccept-Encoding: br\r\n"
                       "If-None-Match: %s\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                       % (path, tag)).encode())
            data = b""
            while data.count(b"HTTP/1.1 ") < 2 or not data.endswith(b"}"):
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        finally:
            s.close()
        first, rest = data.split(b"\r\n\r\n", 1)
        self.assertTrue(first.startswith(b"HTTP/1.1 304"), first[:40])
        self.assertTrue(rest.startswith(b"HTTP/1.1 200"), rest[:40])
        self.assertEqual(r.headers.get("Vary"), "Accept-Encoding")
        # The plain representation does not match the Brotli one's validator.
        r = self.get(path, **{"If-None-Match": tag})
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body, self.body)
        r = self.get(path, **{"If-None-Match": 'W/"x", ' + r.headers["ETag"]})
        self.assertEqual(r.status, 304)

    def test_ranges(self):
        path = "/assets/app-1a2b.js"
        n = len(self.body)
        r = self.get(path, Range="bytes=0-99")
        self.assertEqual(r.status, 206)
        self.assertEqual(r.body, self.body[:100])
        self.assertEqual(r.headers["Content-Range"], "bytes 0-99/%d" % n)
        r = self.get(path, Range="bytes=100-")
        self.assertEqual((r.status, r.body), (206, self.body[100:]))
        r = self.get(path, Range="bytes=-10")
        self.assertEqual((r.status, r.body), (206, self.body[-10:]))
        r = self.get(path, Range="bytes=%d-" % n)
        self.assertEqual(r.status, 416)
        self.assertEqual(r.headers["Content-Range"], "bytes */%d" % n)
        # Several ranges, or one not understood: the whole file.
        for h in ("bytes=0-1,5-6", "lines=1-2", "bytes=5-2"):
            r = self.get(path, Range=h)
            self.assertEqual((r.status, r.body), (200, self.body), h)
        # A range of the compressed representation is a range of its bytes.
        br = self.get(path, **{"Accept-Encoding": "br"}).body
        r = self.get(path, **{"Accept-Encoding": "br", "Range": "bytes=0-9"})
        self.assertEqual((r.status, r.body), (206, br[:10]))
        self.assertEqual(r.headers["Content-Encoding"], "br")
        # If-Range with another validator: the whole representation.
        r = self.get(path, **{"Range": "bytes=0-9", "If-Range": '"stale"'})
        self.assertEqual((r.status, r.body), (200, self.body))
        tag = self.get(path).headers["ETag"]
        r = self.get(path, **{"Range": "bytes=0-9", "If-Range": tag})
        self.assertEqual((r.status, r.body), (206, self.body[:10]))

    def test_missing_built_file_is_not_found(self):
        # An old page asking for a chunk of an earlier build must not get index.html as
        # JavaScript: 404, as a problem.
        for path in ("/assets/old-chunk-9z9z.js", "/assets/../index.html", "/assets/"):
            r = self.get(path)
            self.assertEqual(r.status, 404, path)
            self.assertEqual(json.loads(r.body)["code"], "not_found")
        r = self.get("/a/very/deep/app/route" + "/x" * 200)
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body, b"<!doctype html><title>mamori</title>")

    def test_file_without_copies_and_app_routes(self):
        r = self.get("/incidents/new", **{"Accept-Encoding": "br, gzip"})
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body, b"<!doctype html><title>mamori</title>")
        self.assertIsNone(r.headers.get("Content-Encoding"))
        self.assertEqual(r.headers.get("Cache-Control"), "no-cache")
        self.assertEqual(r.headers.get("Vary"), "Accept-Encoding")


@unittest.skipUnless(os.path.exists(os.path.join(DIST, "index.html")), "web/dist not built")
class BuiltAssetsTest(ServerTestCase):
    """The build (web/vite.config.ts) wrote compressed copies that decompress to the files."""

    def test_every_copy_is_its_file(self):
        # One node process decompresses every copy and names those that differ.
        check = ("const z=require('zlib'),fs=require('fs'),p=require('path');let n=0,bad=[];"
                 "const walk=d=>fs.readdirSync(d).forEach(f=>{const q=p.join(d,f);"
                 "if(fs.statSync(q).isDirectory())return walk(q);"
                 "if(!/\\.(br|gz)$/.test(q))return;const packed=fs.readFileSync(q);"
                 "const plain=fs.readFileSync(q.slice(0,-3));const got=q.endsWith('.br')?"
                 "z.brotliDecompressSync(packed):z.gunzipSync(packed);n++;"
                 "if(!got.equals(plain))bad.push(q)});walk(process.argv[1]);"
                 "console.log(JSON.stringify({n,bad}))")
        r = subprocess.run(["node", "-e", check, DIST], capture_output=True, text=True,
                           check=True)
        result = json.loads(r.stdout)
        self.assertEqual(result["bad"], [])
        self.assertGreater(result["n"], 10)
        # And the main bundle goes out compressed.
        index = Client(self.srv).get("/", headers={"Accept-Encoding": "gzip, deflate, br"})
        self.assertEqual(index.headers.get("Content-Encoding"), "br")
        script = unbrotli(index.body).decode().split('src="', 1)[1].split('"', 1)[0]
        r = Client(self.srv).get(script, headers={"Accept-Encoding": "gzip, deflate, br"})
        self.assertEqual(r.headers.get("Content-Encoding"), "br")
        with open(os.path.join(DIST, script.lstrip("/")), "rb") as f:
            self.assertEqual(unbrotli(r.body), f.read())
        self.assertLess(len(r.body), os.path.getsize(os.path.join(DIST, script.lstrip("/"))) / 2)
