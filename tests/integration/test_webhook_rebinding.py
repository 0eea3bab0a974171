"""Webhook deliveries connect to the address that was checked, never to the host name resolved again (DNS
rebinding), keep the Host header, TLS server name and certificate check of the name, and follow no redirect.

Real HTTP(S) servers on loopback, and a rebinding DNS: `socket.getaddrinfo` (what the check's resolver and any
connection by name both call) answers the first lookup of HOST with RECEIVER and every later one with INTERNAL.
RECEIVER (127.0.0.2) stands in for a public address: the check is told to allow it and nothing else on loopback.
INTERNAL (127.0.0.1, same port) is the server's own service that a rebinding attacker aims at."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tradeoff.notifications import urls
from tradeoff.notifications.delivery import HttpxSender

HOST = "hooks.rebind.test"
RECEIVER, INTERNAL = "127.0.0.2", "127.0.0.1"
HEADERS = {"Content-Type": "application/json", "X-Tradeoff-Event": "feature.status_changed"}


class Server:
    """Answers every POST with the next (status, Location) of `script` (then 200), recording path and Host."""

    def __init__(self, address: str, port: int, script: list[tuple[int, str]] | None = None,
                 tls: ssl.SSLContext | None = None) -> None:
        self.requests: list[dict[str, str]] = []
        self.script = list(script or [])
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                server.requests.append({"path": self.path, "host": self.headers.get("Host", "")})
                status, location = server.script.pop(0) if server.script else (200, "")
                self.send_response(status)
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.http = ThreadingHTTPServer((address, port), Handler)
        self.http.daemon_threads = True
        if tls is not None:
            self.http.socket = tls.wrap_socket(self.http.socket, server_side=True)
        self.port = int(self.http.server_address[1])
        self.thread = threading.Thread(target=self.http.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.http.shutdown()
        self.http.server_close()


def _pair(receiver_tls: ssl.SSLContext | None = None,
          script: list[tuple[int, str]] | None = None) -> tuple[Server, Server]:
    """The receiver on RECEIVER and the internal service on INTERNAL, on one port (as a rebinding attacker needs)."""
    for _ in range(20):
        receiver = Server(RECEIVER, 0, script, receiver_tls)
        try:
            return receiver, Server(INTERNAL, receiver.port)
        except OSError:  # that port is taken on 127.0.0.1: another one
            receiver.close()
    raise RuntimeError("no port free on both 127.0.0.1 and 127.0.0.2")


@pytest.fixture
def servers() -> Iterator[tuple[Server, Server]]:
    receiver, internal = _pair()
    yield receiver, internal
    receiver.close()
    internal.close()


class RebindingDNS:
    """`socket.getaddrinfo` for HOST: the answers of `script` in turn (the last one repeated); other names real."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.script: list[list[str]] = []
        self.lookups = 0
        real = socket.getaddrinfo

        def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
            if host != HOST:
                return real(host, port, *args, **kwargs)
            self.lookups += 1
            answer = self.script.pop(0) if len(self.script) > 1 else self.script[0]
            return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (a, int(port))) for a in answer]

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)

    def answer(self, *answers: list[str]) -> None:
        self.script, self.lookups = list(answers), 0


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> RebindingDNS:
    refused = urls._refused
    monkeypatch.setattr(urls, "_refused", lambda a: None if a == RECEIVER else refused(a))  # RECEIVER is "public"
    monkeypatch.setattr(urls, "own_addresses", set)  # whatever this machine's own name resolves to
    return RebindingDNS(monkeypatch)


def test_a_delivery_connects_to_the_address_it_checked_not_to_the_name_resolved_again(
        servers: tuple[Server, Server], dns: RebindingDNS) -> None:
    receiver, internal = servers
    url = f"http://{HOST}:{receiver.port}/hook?x=1"
    send = HttpxSender(allow_private=False)

    dns.answer([RECEIVER], [INTERNAL])  # public to the check, 127.0.0.1 to anything after it
    outcome = send(url, HEADERS, b"{}", 2.0)
    assert outcome.ok and outcome.error is None, outcome
    assert receiver.requests == [{"path": "/hook?x=1", "host": f"{HOST}:{receiver.port}"}]  # the name, not the IP
    assert internal.requests == [] and dns.lookups == 1  # resolved once; the rebound answer was never asked for

    dns.answer([INTERNAL])  # the name resolves to 127.0.0.1 when sending: refused, nothing is contacted
    outcome = send(url, HEADERS, b"{}", 2.0)
    assert outcome.status_code is None and outcome.error is not None
    assert outcome.error.startswith(f"refused: webhook url '{url}' resolves to a loopback (this server itself) "
                                    "address (127.0.0.1)")
    dns.answer([RECEIVER, INTERNAL])  # every address is checked, not only the first
    assert "address (127.0.0.1)" in (send(url, HEADERS, b"{}", 2.0).error or "")
    assert internal.requests == [] and len(receiver.requests) == 1


def test_a_redirect_is_not_followed_anywhere(dns: RebindingDNS) -> None:
    receiver, internal = _pair(script=[(307, f"http://{INTERNAL}:0/steal"), (302, f"http://{HOST}:0/again")])
    try:
        for _ in range(2):
            dns.answer([RECEIVER], [INTERNAL])
            outcome = HttpxSender(allow_private=False)(f"http://{HOST}:{receiver.port}/hook", HEADERS, b"{}", 2.0)
            assert not outcome.ok and outcome.status_code in (307, 302)
            assert outcome.error == (f"HTTP {outcome.status_code} (redirects are not followed: give the receiver's "
                                     "final URL)")
        assert [r["path"] for r in receiver.requests] == ["/hook", "/hook"] and internal.requests == []
    finally:
        receiver.close()
        internal.close()


# --- HTTPS: the pinned connection still speaks TLS to the name ------------------------------------------------------

def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def _certificates(folder: Path) -> dict[str, Path]:
    """A test CA, and two server certificates it signed: one for HOST, one for the IP RECEIVER only."""
    key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    _openssl("req", "-x509", *key, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Tradeoff test CA",
             "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign", cwd=folder)
    for name, san in (("name", f"DNS:{HOST}"), ("ip", f"IP:{RECEIVER}")):
        (folder / f"{name}.ext").write_text(f"subjectAltName={san}\n")
        _openssl("req", *key, "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN={name}", cwd=folder)
        _openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                 "-out", f"{name}.pem", "-days", "2", "-extfile", f"{name}.ext", cwd=folder)
    return {"ca": folder / "ca.pem", "name": folder / "name.pem", "ip": folder / "ip.pem"}


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command to make test certificates")
def test_an_https_delivery_pinned_to_the_address_verifies_the_certificate_of_the_name(
        tmp_path: Path, dns: RebindingDNS) -> None:
    certs = _certificates(tmp_path)
    trust = ssl.create_default_context(cafile=str(certs["ca"]))
    for cert, ok in (("name", True), ("ip", False)):
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(certs[cert], tmp_path / f"{cert}.key")
        names: list[str | None] = []
        tls.sni_callback = lambda sock, name, ctx, seen=names: seen.append(name)  # type: ignore[assignment,misc]
        receiver, internal = _pair(receiver_tls=tls)
        try:
            dns.answer([RECEIVER], [INTERNAL])
            outcome = HttpxSender(allow_private=False, verify=trust)(f"https://{HOST}:{receiver.port}/hook", HEADERS,
                                                                     b"{}", 2.0)
            assert names == [HOST] and internal.requests == [] and dns.lookups == 1
            if ok:  # the certificate of the name, the Host of the name, through the checked address
                assert outcome.ok, outcome
                assert receiver.requests == [{"path": "/hook", "host": f"{HOST}:{receiver.port}"}]
            else:  # a certificate valid for the address but not for the name is refused
                assert not outcome.ok and "CERTIFICATE_VERIFY_FAILED" in (outcome.error or ""), outcome
                assert receiver.requests == []
        finally:
            receiver.close()
            internal.close()
