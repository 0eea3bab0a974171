"""Shared fixtures: a migrated database on SQLite and on PostgreSQL, the container, and named people.

Integration tests take the `container` fixture, which is parametrised over both back ends. PostgreSQL tests
skip with a clear message when no server answers at TRADEOFF_TEST_POSTGRES_URL (default 127.0.0.1:5432/test),
unless TRADEOFF_REQUIRE_POSTGRES=1 (as in CI), where they fail instead.
"""

from __future__ import annotations

import os
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tradeoff.accounts import service as accounts
from tradeoff.accounts.model import Role
from tradeoff.bootstrap import Container, bootstrap
from tradeoff.settings import Settings
from tradeoff.storage.migrate import upgrade
from tradeoff.storage.uow import Actor

PG_URL = os.environ.get("TRADEOFF_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REQUIRE_PG = os.environ.get("TRADEOFF_REQUIRE_POSTGRES") == "1"
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
SYSTEM = Actor(user_id=None, label="test-setup", via="cli")


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing() -> None:
    """argon2id with its cheapest parameters, so tests do not spend seconds hashing; production keeps the default."""
    from argon2 import PasswordHasher, profiles

    accounts.use_password_hasher(PasswordHasher.from_parameters(profiles.CHEAPEST))


def _pg_available() -> str | None:
    try:
        eng = create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with eng.connect() as conn:
            conn.execute(text("select 1"))
        eng.dispose()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not available"
        return f"{type(exc).__name__}: {str(exc).splitlines()[0]}"


_PG_PROBLEM: str | None | bool = False


def pg_problem() -> str | None:
    global _PG_PROBLEM
    if _PG_PROBLEM is False:
        _PG_PROBLEM = _pg_available()
    return _PG_PROBLEM  # type: ignore[return-value]


def skip_without_pg() -> None:
    problem = pg_problem()
    if problem:
        msg = f"PostgreSQL not reachable at {PG_URL} ({problem}); start it or set TRADEOFF_TEST_POSTGRES_URL"
        if REQUIRE_PG:
            pytest.fail(msg)
        pytest.skip(msg)


def fresh_database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """An empty database: a new SQLite file, or a new PostgreSQL schema dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / ('t-' + uuid.uuid4().hex[:8] + '.db')}"
        return
    skip_without_pg()
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def make_container(url: str, home: Path) -> Container:
    # no background workers in tests: they run triage and deliveries explicitly, so results (and query
    # counts) do not depend on timing
    c = bootstrap(Settings(home=home, database_url=url, login_attempts_per_minute=5, triage_worker=False,
                           triage_model=False, notifications_worker=False))
    upgrade(c.engine)
    return c


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def container(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Container]:
    """A migrated database shared by a test session; tests isolate themselves by workspace."""
    tmp = tmp_path_factory.mktemp(backend)
    gen = fresh_database_url(backend, tmp)
    url = next(gen)
    c = make_container(url, tmp)
    yield c
    c.engine.dispose()
    next(gen, None)


@pytest.fixture
def empty_container(backend: str, tmp_path: Path) -> Iterator[Container]:
    """A migrated database with nothing in it, for tests that need the whole database (restore, migrations)."""
    gen = fresh_database_url(backend, tmp_path)
    url = next(gen)
    c = make_container(url, tmp_path)
    yield c
    c.engine.dispose()
    next(gen, None)


@dataclass
class Person:
    email: str
    password: str
    token: str
    user_id: int

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class World:
    """A workspace with alice (owner), bob (pm), erin (engineer), sam (stakeholder);
    and charlie, owner of another workspace: the outsider."""

    slug: str
    other_slug: str
    alice: Person
    bob: Person
    erin: Person
    sam: Person
    charlie: Person

    def api(self, path: str = "") -> str:
        return f"/api/v1/workspaces/{self.slug}{path}"


def _person(c: Container, ws_slug: str, email: str, role: Role, owner_of: bool = False) -> Person:
    password = "pw-" + secrets.token_hex(6)
    with c.unit_of_work() as uow:
        user, _ = accounts.get_or_create_user(uow=uow, email=email, name=email.split("@")[0].title(), password=password)
        if owner_of:
            ws = accounts.create_workspace(uow=uow, slug=ws_slug, name=ws_slug.title(), owner=user, actor=SYSTEM)
        else:
            ws = accounts.workspace_by_slug(uow=uow, slug=ws_slug)
            accounts.set_member(uow=uow, workspace=ws, user=user, role=role, actor=SYSTEM)
        uow.flush()
        _, token = accounts.create_token(uow=uow, workspace_id=ws.id, user_id=user.id, name="tests", actor=SYSTEM)
        return Person(email, password, token, user.id)


@pytest.fixture
def world(container: Container) -> World:
    return make_world(container)


@pytest.fixture
def world2(container: Container) -> World:
    """A second, independent workspace with the same cast."""
    return make_world(container)


def make_world(container: Container) -> World:
    tag = uuid.uuid4().hex[:8]
    slug, other = f"ws-{tag}", f"other-{tag}"
    alice = _person(container, slug, f"alice-{tag}@example.com", Role.owner, owner_of=True)
    bob = _person(container, slug, f"bob-{tag}@example.com", Role.pm)
    erin = _person(container, slug, f"erin-{tag}@example.com", Role.engineer)
    sam = _person(container, slug, f"sam-{tag}@example.com", Role.stakeholder)
    charlie = _person(container, other, f"charlie-{tag}@example.com", Role.owner, owner_of=True)
    return World(slug, other, alice, bob, erin, sam, charlie)


@pytest.fixture
def client(container: Container):  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from tradeoff.app import create_app

    with TestClient(create_app(container=container), raise_server_exceptions=False) as tc:
        yield tc


def shared_data(*parts: str) -> Path:
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"../shared/data not found ({path}); the real-data evaluations need it beside the repo")
    return path
