"""The one validated Settings object. Built by `create_app` and the CLI callback, never at import time."""

from __future__ import annotations

import ipaddress
import secrets
from pathlib import Path

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from tradeoff.errors import InvalidInput
from tradeoff.storage.files import private_folder

MIB = 1024 * 1024
# what an import's form carries besides its file (boundaries, part headers, the column mapping fields)
IMPORT_FORM_ALLOWANCE = MIB


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TRADEOFF_", extra="ignore")

    home: Path = Field(default=Path(".tradeoff"), description="Folder for the SQLite database and the secret key.")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; default sqlite:///$TRADEOFF_HOME/tradeoff.db. "
        "PostgreSQL: postgresql+psycopg://user@host:5432/db",
    )
    secret_key: str | None = Field(
        default=None, description="Signs session cookies; generated into $TRADEOFF_HOME/secret.key when unset."
    )
    secure_cookies: bool = Field(default=False, description="Mark cookies Secure (set true behind HTTPS).")
    login_attempts_per_minute: int = Field(default=10, ge=1, description="Failed logins allowed a minute per account from each client address, and per client address (an IPv6 client by its /64).")
    log_sql: bool = Field(default=False, description="Echo SQL statements to the log.")
    triage_worker: bool = Field(default=True, description="Triage new feedback in the background while serving.")
    triage_model: bool = Field(
        default=True, description="Use the local embedding model for triage when the ml extra is installed."
    )
    triage_tune: bool = Field(
        default=True,
        description="With the ml extra, fine-tune a workspace's kind model in the background once it has enough "
        "corrections, and again when they have grown by a quarter.",
    )
    triage_tune_min_corrections: int = Field(
        default=200, ge=10, description="Corrections a workspace needs before its kind model is fine-tuned."
    )
    notifications_worker: bool = Field(
        default=True, description="Send webhook deliveries and weekly digests in the background while serving."
    )
    webhook_allow_private: bool = Field(
        default=False, description="Allow webhook URLs on loopback, link-local and private addresses (tests, LANs)."
    )
    webhook_timeout: float = Field(default=5.0, gt=0, le=60, description="Seconds to wait for a webhook receiver.")
    webhook_max_attempts: int = Field(default=6, ge=1, le=20, description="Attempts per delivery before giving up.")
    max_request_bytes: int = Field(
        default=32 * MIB, ge=1024,
        description="Largest request body taken (bytes), file imports aside; larger ones are refused with 413 "
        "before they are read. The default holds a full batch of 1,000 feedback items of the longest text.",
    )
    max_import_request_bytes: int = Field(
        default=200 * MIB + IMPORT_FORM_ALLOWANCE,
        description="Largest request body taken by the file-import routes (bytes): at least the importers' own "
        "file limit (200 MiB) plus 1 MiB for the rest of the form.",
    )
    session_idle_days: float = Field(
        default=3, gt=0, le=14,
        description="A web session unused for this many days ends (sessions end after 14 days in any case).",
    )
    trusted_proxies: str | None = Field(
        default=None,
        description="Comma-separated addresses (or networks) of reverse proxies whose X-Forwarded-For and "
        "X-Forwarded-Proto `tradeoff serve` believes; unset: forwarded headers are ignored.",
    )

    @field_validator("database_url")
    @classmethod
    def _known_driver(cls, v: str | None) -> str | None:
        if v is None or v == "":
            return None
        if not (v.startswith("sqlite") or v.startswith("postgresql")):
            raise ValueError("must start with sqlite:// or postgresql+psycopg://")
        if v.startswith("postgresql://") or v.startswith("postgres://"):
            v = "postgresql+psycopg://" + v.split("://", 1)[1]
        return v

    @field_validator("trusted_proxies")
    @classmethod
    def _addresses(cls, v: str | None) -> str | None:
        if v is None or not v.strip():
            return None
        for item in (i.strip() for i in v.split(",")):
            try:
                ipaddress.ip_network(item) if "/" in item else ipaddress.ip_address(item)
            except ValueError:
                raise ValueError(f"'{item}' is not an IP address or network (e.g. 127.0.0.1, 10.0.0.0/8)") from None
        return v

    @model_validator(mode="after")
    def _imports_fit(self) -> Settings:
        """The import routes' body limit never refuses a file the importers themselves take."""
        from tradeoff.feedback.importer import MAX_BYTES as FEEDBACK_FILE
        from tradeoff.workitems.importer import MAX_BYTES as WORKITEM_FILE

        need = max(FEEDBACK_FILE, WORKITEM_FILE) + IMPORT_FORM_ALLOWANCE
        if self.max_import_request_bytes < need:
            raise ValueError(f"TRADEOFF_MAX_IMPORT_REQUEST_BYTES must be at least {need} (the importers take files "
                             f"up to {max(FEEDBACK_FILE, WORKITEM_FILE)} bytes)")
        return self

    @property
    def trusted_proxy_list(self) -> list[str]:
        return [i.strip() for i in (self.trusted_proxies or "").split(",") if i.strip()]

    def ensure_home(self) -> Path:
        """The home folder, created readable by this user only (it holds the database and the secret key)."""
        return private_folder(self.home)

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'tradeoff.db').resolve()}"

    def resolved_secret_key(self) -> str:
        if self.secret_key:
            return self.secret_key
        path = self.home / "secret.key"
        if path.exists():
            return path.read_text().strip()
        self.ensure_home()
        key = secrets.token_urlsafe(48)
        path.write_text(key)
        path.chmod(0o600)
        return key


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment; a bad value stops start-up naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "TRADEOFF_" + str(first["loc"][0]).upper() if first["loc"] else "TRADEOFF_*"
        raise InvalidInput(f"setting {name} is invalid: {first['msg']}") from exc
