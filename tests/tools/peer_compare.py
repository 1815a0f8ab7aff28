#!/usr/bin/env python3
"""peer_compare.py — sends every protocol case file (tests/integration/cases/*.case) to a running
Hookstack AND to Celigo's reference server (the "peer", express-integrator-extension 0.3.2) and
prints every difference in status, the headers that matter and the body, byte by byte.

Not run by `make test` (the peer lives outside the repository). Typical use:

    # the peer: DIY on 7000, connectors on 7001 (docs/conformance-module.md §7)
    tests/tools/peer_compare.py --bin build/hookstack --modules build/protocol-modules
    tests/tools/peer_compare.py --hookstack 127.0.0.1:8080   # a server you started yourself
    tests/tools/peer_compare.py --peer-only                     # peer vs. the case files

With --bin, one hookstack is started per distinct `server-args:`/`server-group:` of the cases
(like test_protocol.c does). Cases with a `server-group:` change server state (terminate,
stopServer); they need --bin for Hookstack and --peer-dir for the peer, where a private peer is
started on a free port for that group, so the shared peers on 7000/7001 are never disturbed.

A difference in a case that carries `deviation:` is listed as a documented deviation, not counted
as a failure. The case format is described in tests/integration/cases/README.md.
"""
import argparse
import gzip
import os
import re
import select
import socket
import subprocess
import sys
import time
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CASES = os.path.normpath(os.path.join(HERE, "..", "integration", "cases"))
TOKEN = "INTEGRATOR_EXTENSION_SYSTEM_TOKEN"
MARKER = b"@REPEAT@"
# Headers compared on every case (besides those a case names in expect-header*).
KEYS = ("name", "peer", "peer-note", "deviation", "server-args", "server-group", "method", "path",
        "repeat", "encode", "settle-ms", "status", "expect-interim", "timeout-ms", "expect-close")
SECTIONS = ("body", "body-hex", "expect-body", "expect-body-hex", "request")
MATTER = ("content-type", "www-authenticate", "content-encoding", "transfer-encoding")


# ---- case files -----------------------------------------------------------------------------

class Case:
    def __init__(self, path):
        self.path = path
        self.file = os.path.basename(path)
        self.name = self.file[:-5]
        self.fields = {}
        self.headers = []
        self.expect_headers = []   # (name, value)
        self.expect_present = []
        self.expect_absent = []
        self.sections = {}
        self.parse()

    def parse(self):
        lines = open(self.path, "rb").read().split(b"\n")
        section, buf, ended = None, [], False
        for raw in lines:
            if raw.startswith(b"--- "):
                if section is not None:
                    self.sections[section] = b"\n".join(buf)
                section, buf = raw[4:].strip().decode(), []
                if section == "end":
                    section, ended = None, True
                    break
                if section in self.sections or section not in SECTIONS:
                    raise ValueError("%s: unknown or repeated section %s" % (self.file, section))
                continue
            if section is not None:
                buf.append(raw)
                continue
            line = raw.decode("utf-8").rstrip("\r")
            if not line.strip() or line.startswith("#"):
                continue
            key, sep, value = line.partition(":")
            if not sep:
                raise ValueError("%s: not 'key: value': %r" % (self.file, line))
            key, value = key.strip(), value.strip()
            if key == "header":
                self.headers.append(value)
            elif key == "expect-header":
                n, _, v = value.partition(":")
                self.expect_headers.append((n.strip(), v.strip()))
            elif key == "expect-header-present":
                self.expect_present.append(value)
            elif key == "expect-header-absent":
                self.expect_absent.append(value)
            elif key not in KEYS:
                raise ValueError("%s: unknown key %s" % (self.file, key))
            else:
                if key in self.fields:
                    raise ValueError("%s: repeated key %s" % (self.file, key))
                self.fields[key] = value
        if not ended:
            raise ValueError("%s: no '--- end' line" % self.file)
        need = ("name", "status") if "request" in self.sections else ("name", "method", "path", "status")
        for k in need:
            if k not in self.fields:
                raise ValueError("%s: missing %s:" % (self.file, k))
        if self.fields["name"] != self.name:
            raise ValueError("%s: name: %s differs from the file name" % (self.file, self.fields["name"]))

    def raw_request(self):
        """The bytes of a `--- request` section (escapes decoded, file line breaks dropped), or None."""
        raw = self.sections.get("request")
        if raw is None:
            return None
        out, i = bytearray(), 0
        raw = raw.replace(b"\n", b"")
        while i < len(raw):
            c = raw[i:i + 1]
            if c != b"\\":
                out += c
                i += 1
                continue
            e = raw[i + 1:i + 2]
            if e == b"x":
                out.append(int(raw[i + 2:i + 4], 16))
                i += 4
                continue
            out += {b"r": b"\r", b"n": b"\n", b"t": b"\t", b"\\": b"\\"}[e]
            i += 2
        return bytes(out)

    def get(self, key, default=None):
        return self.fields.get(key, default)

    @property
    def peer(self):
        return self.get("peer", "diy")

    @property
    def server_key(self):
        return (self.get("server-args", ""), self.get("server-group", ""))

    def repeat(self):
        r = self.get("repeat")
        if not r:
            return None
        ch, n = r.split()
        if len(ch) != 1:
            raise ValueError("%s: repeat: wants one character and a count" % self.file)
        return ch.encode(), int(n)

    def section_bytes(self, base):
        """Bytes of section base, or base-hex; None when absent."""
        if base in self.sections:
            return self.sections[base]
        if base + "-hex" in self.sections:
            return bytes.fromhex(re.sub(rb"\s+", b"", self.sections[base + "-hex"]).decode())
        return None

    def body_parts(self):
        """(prefix, repeat byte, count, suffix) for a body with @REPEAT@, else (body, None, 0, b"")."""
        body = self.section_bytes("body")
        if body is None:
            return None
        rep = self.repeat()
        enc = self.get("encode")
        if rep is not None and MARKER in body:
            if enc:
                raise ValueError("%s: encode: and a repeated body do not mix" % self.file)
            pre, _, suf = body.partition(MARKER)
            return pre, rep[0], rep[1], suf
        if enc == "gzip":
            body = gzip.compress(body, mtime=0)
        elif enc == "deflate":
            body = zlib.compress(body)
        elif enc:
            raise ValueError("%s: unknown encode: %s" % (self.file, enc))
        return body, None, 0, b""

    def expected_body(self):
        eb = self.section_bytes("expect-body")
        if eb is None:
            return None
        rep = self.repeat()
        if rep is not None and MARKER in eb:
            pre, _, suf = eb.partition(MARKER)
            return pre + rep[0] * rep[1] + suf
        return eb


def load_cases(folder, only=None):
    cases = []
    for f in sorted(os.listdir(folder)):
        if f.endswith(".case") and (only is None or re.search(only, f)):
            cases.append(Case(os.path.join(folder, f)))
    return cases


# ---- a small exact HTTP/1.1 client ------------------------------------------------------------

class Response:
    def __init__(self):
        self.status = 0
        self.reason = ""
        self.headers = []    # (name, value) in order
        self.interim = []    # statuses of 1xx responses
        self.body = b""
        self.error = None

    def header(self, name):
        for n, v in self.headers:
            if n.lower() == name.lower():
                return v
        return None


def send_raw(case, host, port, timeout=10.0):
    """Sends a `--- request` case as is; r.closed tells whether the server closed the connection
    within 3 s of a whole answer (None when the case does not check it)."""
    r = Response()
    r.closed = None
    try:
        s = socket.create_connection((host, port), timeout=timeout)
    except OSError as e:
        r.error = "connect: %s" % e
        return r
    try:
        s.sendall(case.raw_request())
    except OSError:
        pass
    data, deadline = b"", None
    while True:
        if deadline is None and response_complete(data):
            if case.get("expect-close") is None:
                break
            deadline = time.time() + (3.0 if case.get("expect-close") == "yes" else 0.3)
        s.settimeout(timeout if deadline is None else max(0.01, deadline - time.time()))
        try:
            b = s.recv(65536)
        except socket.timeout:
            r.closed = False
            break
        except OSError:
            r.closed = True
            break
        if not b:
            r.closed = True
            break
        data += b
    s.close()
    parse_response(data, r)
    return r


def send_case(case, host, port, timeout=60.0):
    if case.raw_request() is not None:
        return send_raw(case, host, port)
    r = Response()
    parts = case.body_parts()
    head = ["%s %s HTTP/1.1" % (case.get("method"), case.get("path")), "Host: %s:%d" % (host, port)]
    head += case.headers
    total = 0
    if parts is not None:
        pre, ch, n, suf = parts
        total = len(pre) + n + len(suf)
        head.append("Content-Length: %d" % total)
    head.append("Connection: close")
    settle = int(case.get("settle-ms", "0"))
    if settle:
        time.sleep(settle / 1000.0)
    try:
        s = socket.create_connection((host, port), timeout=timeout)
    except OSError as e:
        r.error = "connect: %s" % e
        return r
    s.settimeout(timeout)
    try:
        s.sendall(("\r\n".join(head) + "\r\n\r\n").encode("utf-8"))
        if parts is not None:
            pre, ch, n, suf = parts
            s.sendall(pre)
            chunk = (ch or b"") * 65536
            left = n
            while left > 0:
                k = min(left, len(chunk))
                s.sendall(chunk[:k])
                left -= k
                # Stop sending when the server already answered (e.g. 413 then close).
                rd, _, _ = select.select([s], [], [], 0)
                if rd:
                    break
            else:
                s.sendall(suf)
    except OSError:
        pass  # the server may answer early and close; read what it said
    data = b""
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            data += b
            if response_complete(data):
                break
    except OSError as e:
        if not data:
            r.error = "recv: %s" % e
    s.close()
    parse_response(data, r)
    return r


def split_head(data):
    i = data.find(b"\r\n\r\n")
    if i < 0:
        return None, None
    return data[:i], data[i + 4:]


def response_complete(data):
    rest = data
    while True:
        head, body = split_head(rest)
        if head is None:
            return False
        lines = head.split(b"\r\n")
        code = int(lines[0].split()[1])
        if 100 <= code < 200:
            rest = body
            continue
        hdrs = {}
        for l in lines[1:]:
            n, _, v = l.partition(b":")
            hdrs[n.strip().lower()] = v.strip()
        if b"content-length" in hdrs:
            return len(body) >= int(hdrs[b"content-length"])
        if hdrs.get(b"transfer-encoding", b"").lower() == b"chunked":
            return body.endswith(b"0\r\n\r\n")
        return False


def parse_response(data, r):
    rest = data
    while True:
        head, body = split_head(rest)
        if head is None:
            if r.error is None:
                r.error = "incomplete response (%d bytes)" % len(data)
            return
        lines = head.decode("latin-1").split("\r\n")
        st = lines[0].split(" ", 2)
        code = int(st[1])
        if 100 <= code < 200:
            r.interim.append(code)
            rest = body
            continue
        r.status = code
        r.reason = st[2] if len(st) > 2 else ""
        for l in lines[1:]:
            n, _, v = l.partition(":")
            r.headers.append((n.strip(), v.strip()))
        te = r.header("transfer-encoding")
        if te and te.lower() == "chunked":
            out = b""
            while body:
                ln, _, body = body.partition(b"\r\n")
                size = int(ln.split(b";")[0], 16)
                if size == 0:
                    break
                out += body[:size]
                body = body[size + 2:]
            body = out
        else:
            cl = r.header("content-length")
            if cl is not None:
                body = body[:int(cl)]
        r.body = body
        return


# ---- servers ----------------------------------------------------------------------------------

def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_port(port, proc, seconds=20):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            return False
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


class Hookstack:
    def __init__(self, binary, modules, args):
        self.log = open(os.devnull, "wb")
        cmd = [binary, "serve", "--host", "127.0.0.1", "--port", "0", "--modules", modules] + args
        env = dict(os.environ, HOOKSTACK_SYSTEM_TOKEN=TOKEN)
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self.log, env=env)
        self.host, self.port = None, None
        deadline = time.time() + 30
        line = b""
        while time.time() < deadline:
            rd, _, _ = select.select([self.proc.stdout], [], [], 0.2)
            if rd:
                ch = os.read(self.proc.stdout.fileno(), 4096)
                if not ch:
                    break
                line += ch
                m = re.search(rb"listening on (?:http://)?\[?([^\]\s]+?)\]?:(\d+)\s", line)
                if m:
                    self.host, self.port = m.group(1).decode(), int(m.group(2))
                    return
        self.stop()
        raise RuntimeError("hookstack %s did not print 'listening on HOST:PORT'" % " ".join(args))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class FreshPeer:
    def __init__(self, peer_dir, mode):
        self.port = free_port()
        env = dict(os.environ, PORT=str(self.port), MODE="connectors" if mode == "connectors" else "diy",
                   SYSTEM_TOKEN=TOKEN, QUIET="1")
        self.proc = subprocess.Popen(["node", "server.js"], cwd=peer_dir, env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not wait_port(self.port, self.proc):
            self.stop()
            raise RuntimeError("private peer did not start in %s" % peer_dir)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# ---- comparing --------------------------------------------------------------------------------

def show_bytes(b, at, width=40):
    lo, hi = max(0, at - width), min(len(b), at + width)
    seg = b[lo:hi].decode("utf-8", "backslashreplace")
    seg = seg.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return "%s%s%s" % ("…" if lo > 0 else "", seg, "…" if hi < len(b) else "")


def byte_diff(a, b, label_a, label_b):
    """Lines describing how bytes a and b differ (empty when equal)."""
    if a == b:
        return []
    n = min(len(a), len(b))
    at = next((i for i in range(n) if a[i] != b[i]), n)
    out = ["body differs at byte %d (%s %d bytes, %s %d bytes)" % (at, label_a, len(a), label_b, len(b))]
    ca = "0x%02x" % a[at] if at < len(a) else "end"
    cb = "0x%02x" % b[at] if at < len(b) else "end"
    out.append("  byte %d: %s %s, %s %s" % (at, label_a, ca, label_b, cb))
    out.append("  %-9s %s" % (label_a + ":", show_bytes(a, at)))
    out.append("  %-9s %s" % (label_b + ":", show_bytes(b, at)))
    return out


def compare(case, a, b, label_a, label_b):
    diffs = []
    if a.error or b.error:
        if a.error:
            diffs.append("%s: %s" % (label_a, a.error))
        if b.error:
            diffs.append("%s: %s" % (label_b, b.error))
        return diffs
    if a.status != b.status:
        diffs.append("status: %s %d, %s %d" % (label_a, a.status, label_b, b.status))
    if a.interim != b.interim:
        diffs.append("interim responses: %s %s, %s %s" % (label_a, a.interim, label_b, b.interim))
    names = list(MATTER) + [n for n, _ in case.expect_headers] + case.expect_present + case.expect_absent
    seen = set()
    for n in names:
        if n.lower() in seen:
            continue
        seen.add(n.lower())
        va, vb = a.header(n), b.header(n)
        if va != vb:
            diffs.append("header %s: %s %r, %s %r" % (n, label_a, va, label_b, vb))
    diffs += byte_diff(a.body, b.body, label_a, label_b)
    ca, cb = getattr(a, "closed", None), getattr(b, "closed", None)
    if ca != cb:
        diffs.append("connection closed: %s %s, %s %s" % (label_a, ca, label_b, cb))
    return diffs


def expected_response(case):
    """The case file's expectations as a Response (for --peer-only)."""
    r = Response()
    r.status = int(case.get("status"))
    for n, v in case.expect_headers:
        r.headers.append((n, v))
    eb = case.expected_body()
    r.body = eb
    return r


def compare_expected(case, got, label):
    diffs = []
    exp_status = case.get("status")
    if got.error:
        return ["%s: %s" % (label, got.error)]
    if str(got.status) != exp_status:
        diffs.append("status: case %s, %s %d" % (exp_status, label, got.status))
    ei = case.get("expect-interim")
    if ei == "none" and got.interim:
        diffs.append("interim: case none, %s %s" % (label, got.interim))
    elif ei and ei != "none" and int(ei) not in got.interim:
        diffs.append("interim: case %s, %s %s" % (ei, label, got.interim))
    for n, v in case.expect_headers:
        if got.header(n) != v:
            diffs.append("header %s: case %r, %s %r" % (n, v, label, got.header(n)))
    for n in case.expect_present:
        if got.header(n) is None:
            diffs.append("header %s: case wants it, %s has none" % (n, label))
    for n in case.expect_absent:
        if got.header(n) is not None:
            diffs.append("header %s: case wants none, %s %r" % (n, label, got.header(n)))
    eb = case.expected_body()
    if eb is not None:
        diffs += byte_diff(eb, got.body, "case", label)
    ec = case.get("expect-close")
    if ec is not None and getattr(got, "closed", None) != (ec == "yes"):
        diffs.append("connection: case expect-close %s, %s closed=%s" % (ec, label, got.closed))
    return diffs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", default=DEFAULT_CASES)
    ap.add_argument("--only", help="regex on case file names")
    ap.add_argument("--bin", help="hookstack binary to start (one per server-args)")
    ap.add_argument("--modules", help="modules folder for --bin (default: <bin dir>/protocol-modules)")
    ap.add_argument("--hookstack", help="HOST:PORT of a running default hookstack (no --bin)")
    ap.add_argument("--hookstack-no-diy", help="HOST:PORT of a running `serve --no-diy`")
    ap.add_argument("--peer-diy", default="127.0.0.1:7000")
    ap.add_argument("--peer-connectors", default="127.0.0.1:7001")
    ap.add_argument("--peer-dir", default=os.environ.get("PEER_DIR"),
                    help="where server.js lives, for private peers of server-group cases "
                         "(default: $PEER_DIR; docs/conformance-module.md §7)")
    ap.add_argument("--peer-only", action="store_true",
                    help="compare the peer with the case files' expectations instead")
    ap.add_argument("-v", "--verbose", action="store_true")
    opt = ap.parse_args()

    cases = load_cases(opt.cases, opt.only)

    def hp(s):
        h, _, p = s.rpartition(":")
        return h, int(p)

    peers = {"diy": hp(opt.peer_diy), "connectors": hp(opt.peer_connectors)}
    ours = {}
    if opt.hookstack:
        ours[("", "")] = hp(opt.hookstack)
    if opt.hookstack_no_diy:
        ours[("--no-diy", "")] = hp(opt.hookstack_no_diy)
    started = []
    fresh = {}
    counts = {"same": 0, "differ": 0, "deviation": 0, "skipped": 0}
    failures = []
    try:
        for case in cases:
            key = case.server_key
            group = case.get("server-group", "")
            tag = "%-40s" % case.name
            # The peer side.
            if case.peer == "none":
                if opt.verbose or opt.peer_only:
                    print("%s skipped (peer: none — %s)" % (tag, case.get("peer-note", "no peer equivalent")))
                counts["skipped"] += 1
                continue
            if group:
                if not opt.peer_dir:
                    print("%s skipped (server-group %r needs a private peer; use --peer-dir or PEER_DIR)" % (tag, group))
                    counts["skipped"] += 1
                    continue
                if (group, "peer") not in fresh:
                    fresh[(group, "peer")] = FreshPeer(opt.peer_dir, case.peer)
                peer_addr = ("127.0.0.1", fresh[(group, "peer")].port)
            else:
                peer_addr = peers[case.peer]
            # Our side.
            if not opt.peer_only:
                if key not in ours:
                    if not opt.bin:
                        print("%s skipped (no hookstack for server-args %r group %r; use --bin)" % (tag, key[0], key[1]))
                        counts["skipped"] += 1
                        continue
                    mods = opt.modules or os.path.join(os.path.dirname(os.path.abspath(opt.bin)), "protocol-modules")
                    os.environ.setdefault("HS_MODULES_DIR", mods)
                    os.environ.setdefault("HS_TEST_MODULES_DIR", os.path.join(
                        os.path.dirname(os.path.abspath(opt.bin)), "test-modules"))
                    hs = Hookstack(opt.bin, mods, os.path.expandvars(key[0]).split())
                    started.append(hs)
                    ours[key] = (hs.host, hs.port)
                got = send_case(case, *ours[key])
            peer = send_case(case, *peer_addr)
            if opt.peer_only:
                diffs, own = compare_expected(case, peer, "peer"), []
            else:
                diffs = compare(case, got, peer, "hookstack", "peer")
                # What the case file asserts for Hookstack (the suite's view), e.g. a deviation.
                own = compare_expected(case, got, "hookstack")
            dev = case.get("deviation")
            if not diffs and not own:
                counts["same"] += 1
                if opt.verbose:
                    print("%s same" % tag)
                continue
            if dev and not own:
                counts["deviation"] += 1
                print("%s differs (documented deviation: %s)" % (tag, dev))
                for d in diffs:
                    print("    " + d)
                continue
            counts["differ"] += 1
            failures.append(case.name)
            print("%s DIFFERS" % tag)
            for d in diffs:
                print("    " + d)
            if own:
                print("    -- hookstack against the case file:")
                for d in own:
                    print("    " + d)
    finally:
        for hs in started:
            hs.stop()
        for p in fresh.values():
            p.stop()
    print("\n%d cases: %d same, %d differ, %d documented deviations, %d skipped"
          % (len(cases), counts["same"], counts["differ"], counts["deviation"], counts["skipped"]))
    if failures:
        print("differing: " + " ".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
