"""`tradeoff serve` believes X-Forwarded-For only from the proxies named in TRADEOFF_TRUSTED_PROXIES: unset, uvicorn
is told to ignore forwarded headers (by default it trusts them from 127.0.0.1, so a local client could claim any
address and dodge the per-IP login limit)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import uvicorn
from typer.testing import CliRunner

from tradeoff.bootstrap import Container
from tradeoff.cli.main import app as cli


def _serve(container: Container, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **env: str) -> tuple[Any, dict]:
    started: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: started.update(kwargs, app=app))
    base = {"TRADEOFF_DATABASE_URL": container.engine.url.render_as_string(hide_password=False),
            "TRADEOFF_HOME": str(tmp_path), "TRADEOFF_TRUSTED_PROXIES": ""}
    result = CliRunner().invoke(cli, ["serve", "--port", "8765"], env={**base, **env})
    return result, started


def test_forwarded_headers_are_ignored_unless_proxies_are_named(container: Container, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    result, started = _serve(container, tmp_path, monkeypatch)
    assert result.exit_code == 0, result.output
    assert started["app"] == "tradeoff.app:asgi" and started["port"] == 8765
    assert started["proxy_headers"] is False
    assert not started.get("forwarded_allow_ips")


def test_forwarded_headers_are_believed_from_the_named_proxies_only(container: Container, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    result, started = _serve(container, tmp_path, monkeypatch, TRADEOFF_TRUSTED_PROXIES="10.0.0.5, 192.168.8.0/24")
    assert result.exit_code == 0, result.output
    assert started["proxy_headers"] is True
    assert started["forwarded_allow_ips"] == ["10.0.0.5", "192.168.8.0/24"]
    assert "believed from 10.0.0.5, 192.168.8.0/24 only" in result.output


def test_a_bad_proxy_address_stops_start_up_naming_the_setting(container: Container, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    result, started = _serve(container, tmp_path, monkeypatch, TRADEOFF_TRUSTED_PROXIES="10.0.0.5, proxy.local")
    assert result.exit_code != 0 and not started
    assert "TRADEOFF_TRUSTED_PROXIES" in result.output + (result.stderr if result.stderr_bytes else "")
    assert "proxy.local" in result.output + (result.stderr if result.stderr_bytes else "")
