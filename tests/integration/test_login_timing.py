"""A wrong login costs one password check whether or not the email has an account, so the time it takes does not
tell which emails have accounts (not a timing test: the checks are counted)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.conftest import World
from tradeoff.accounts import service as accounts
from tradeoff.accounts.model import User
from tradeoff.bootstrap import Container
from tradeoff.errors import Unauthenticated


class CountingHasher:
    """The hasher in use, counting the password checks it makes."""

    def __init__(self, real: Any) -> None:
        self.real, self.checks = real, 0

    def verify(self, hash_: str, password: str) -> bool:
        self.checks += 1
        return bool(self.real.verify(hash_, password))

    def hash(self, password: str) -> str:
        return str(self.real.hash(password))


def test_every_wrong_login_costs_one_password_check(container: Container, world: World,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    hasher = CountingHasher(accounts._hasher)
    monkeypatch.setattr(accounts, "_hasher", hasher)
    tag = uuid.uuid4().hex[:8]
    with container.unit_of_work() as uow:
        uow.session.add(User(email=f"gone-{tag}@example.com", password_hash=hasher.hash("pw-of-the-gone-1"),
                             is_active=False))
        uow.session.add(User(email=f"nopassword-{tag}@example.com", password_hash=None))
    guard = accounts.LoginGuard(attempts_per_minute=100)  # in memory: these failures count nowhere else

    def checks_for(email: str, password: str) -> int:
        before = hasher.checks
        with container.unit_of_work() as uow, pytest.raises(Unauthenticated, match="email or password is wrong"):
            guard.login(uow=uow, email=email, password=password, ip="192.0.2.1")
        return hasher.checks - before

    assert checks_for(world.alice.email, "not-her-password") == 1  # an account, a wrong password
    assert checks_for(f"nobody-{tag}@example.com", "any-password-1") == 1  # no such account: the same work
    assert checks_for(f"gone-{tag}@example.com", "pw-of-the-gone-1") == 1  # deactivated, even with its password
    assert checks_for(f"nopassword-{tag}@example.com", "any-password-1") == 1  # an account with no password

    with container.unit_of_work() as uow:  # and the right password still signs in
        assert guard.login(uow=uow, email=world.alice.email, password=world.alice.password, ip="192.0.2.1").id \
            == world.alice.user_id
