"""Fuzz every API operation from the OpenAPI document with Schemathesis, against a real server on the demo workspace.

`make fuzz` installs the `fuzz` extra and runs this. It starts `tradeoff serve` on a throw-away SQLite database (or on
TRADEOFF_DATABASE_URL) loaded with the demo workspace, creates an owner's API token, and lets Schemathesis generate
requests for every operation (examples from the schema, boundary and wrong-type values, random bodies, and chains of
calls that feed one answer's ids into the next request). The checks: no 5xx, every answer's status code and body
match what the document declares, and errors are problem+json. Token and member operations are left out so that the
run cannot revoke its own token or remove its own membership.

Usage: .venv/bin/python tools/fuzz_api.py [--max-time SECONDS] [--examples N] [--seed N]
Exit status is Schemathesis's: 0 when every generated request passed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _tradeoff(env: dict[str, str], *args: str) -> str:
    exe = Path(sys.executable).with_name("tradeoff")
    return subprocess.run([str(exe), *args], env=env, check=True, capture_output=True, text=True).stdout


def _wait(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--max-time", type=int, default=600, help="time budget of the whole run, seconds")
    ap.add_argument("--examples", type=int, default=30, help="generated cases per operation in the fuzzing phase")
    ap.add_argument("--seed", type=int, default=None)
    args = ap.parse_args()
    st = shutil.which("st", path=str(Path(sys.executable).parent))
    if st is None:
        print("Schemathesis is not installed: run `make fuzz` (it installs the `fuzz` extra).", file=sys.stderr)
        return 2
    home = Path(tempfile.mkdtemp(prefix="tradeoff-fuzz-"))
    env = {**os.environ, "TRADEOFF_HOME": str(home), "TRADEOFF_TRIAGE_MODEL": "false"}
    _tradeoff(env, "db", "upgrade")
    _tradeoff(env, "demo")
    email = (home / "demo-login.txt").read_text().split()[0]
    token = _tradeoff(env, "token", "create", "--workspace", "demo", "--user", email, "--name", "fuzz").strip()
    port = _free_port()
    server = subprocess.Popen([str(Path(sys.executable).with_name("tradeoff")), "serve", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}/api/v1"
        _wait(f"{base}/openapi.json")
        (home / "schemathesis.toml").write_text('[parameters]\n"path.workspace" = "demo"\n')
        cmd = [st, "run", f"{base}/openapi.json", "--header", f"Authorization: Bearer {token}",
               "--exclude-path-regex", "tokens|members", "--checks", CHECKS, "--max-time", str(args.max_time),
               "--max-examples", str(args.examples), "--workers", "2"]
        if args.seed is not None:
            cmd += ["--seed", str(args.seed)]
        return subprocess.run(cmd, cwd=home).returncode
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
