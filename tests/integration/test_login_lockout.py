"""Failed logins slow down whoever makes them, not the account's owner: they count per (account, client address)
and per client address; a much higher per-account ceiling spares addresses the owner signed in from and a caller
with a valid session. Counted in the database, as `tradeoff serve` does (SQLite and PostgreSQL)."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from tests.conftest import World
from tradeoff.accounts import service as accounts
from tradeoff.accounts.ratelimit import LoginThrottle, client_key
from tradeoff.bootstrap import Container
from tradeoff.errors import InvalidInput, RateLimited, Unauthenticated
from tradeoff.storage.base import utcnow


def _ip() -> str:
    """An address of this test's own (the counts live in a table every test on the database shares)."""
    return "198.18.{}.{}".format(*random.sample(range(1, 255), 2))


def _attempt(container: Container, guard: accounts.LoginGuard, email: str, password: str, ip: str) -> str:
    """What one login request from `ip` ends in: 'ok', 'wrong' or 'limited' (each in its own transaction, rolled
    back on failure as a request's would be)."""
    try:
        with container.unit_of_work() as uow:
            guard.login(uow=uow, email=email, password=password, ip=ip)
    except Unauthenticated:
        return "wrong"
    except RateLimited:
        return "limited"
    return "ok"


def test_an_attacker_failing_50_times_slows_himself_not_the_owner(container: Container, world: World) -> None:
    guard = accounts.LoginGuard(5, container.engine)
    attacker, owner = _ip(), _ip()
    tried = [_attempt(container, guard, world.alice.email, f"guess-{i}", attacker) for i in range(50)]
    assert tried[:5] == ["wrong"] * 5 and set(tried[5:]) == {"limited"}  # the attacker is throttled
    # even with the right password from there (a guess must not be confirmed), and for any other account
    assert _attempt(container, guard, world.alice.email, world.alice.password, attacker) == "limited"
    assert _attempt(container, guard, world.bob.email, world.bob.password, attacker) == "limited"
    # the owner, from her own address, signs in at once; so does anyone else from theirs
    assert _attempt(container, guard, world.alice.email, world.alice.password, owner) == "ok"
    assert _attempt(container, guard, world.bob.email, world.bob.password, _ip()) == "ok"


def test_the_account_ceiling_spares_known_addresses_and_signed_in_callers(container: Container,
                                                                           world: World) -> None:
    guard = accounts.LoginGuard(5, container.engine)
    guard.throttle = LoginThrottle(5, container.engine, account_ceiling=12)  # the default is 100 in 15 minutes
    home = _ip()
    assert _attempt(container, guard, world.bob.email, world.bob.password, home) == "ok"  # before the attack
    # a slow attack from many addresses, each staying under its own limit
    botnet = [_ip() for _ in range(4)]
    assert [_attempt(container, guard, world.bob.email, "guess", ip) for ip in botnet for _ in range(3)] \
        == ["wrong"] * 12
    with container.unit_of_work() as uow, pytest.raises(RateLimited, match="unfamiliar places; wait 15 minutes"):
        guard.login(uow=uow, email=world.bob.email, password=world.bob.password, ip=_ip())  # new address: not now
    assert _attempt(container, guard, world.bob.email, world.bob.password, home) == "ok"  # his usual address: yes
    assert _attempt(container, guard, world.erin.email, world.erin.password, _ip()) == "ok"  # other accounts: yes
    # a signed-in caller changing the password is not held by the ceiling (but by the per-address limits)
    with container.unit_of_work() as uow, pytest.raises(InvalidInput, match="new password must be at least"):
        guard.change_password(uow=uow, user_id=world.bob.user_id, current=world.bob.password, new="short", ip=_ip())
    # once the window has passed, new addresses may try again
    guard.throttle.per_account.clock = lambda: utcnow() + timedelta(minutes=16)  # type: ignore[attr-defined]
    assert _attempt(container, guard, world.bob.email, world.bob.password, _ip()) == "ok"


def test_one_ipv6_network_counts_as_one_client(container: Container, world: World) -> None:
    guard = accounts.LoginGuard(5, container.engine)
    net = "2001:db8:{:x}:{:x}".format(*random.sample(range(1, 65535), 2))
    rotating = [f"{net}::{i:x}" for i in range(1, 8)]  # a fresh address of one /64 for every guess
    tried = [_attempt(container, guard, world.sam.email, "guess", ip) for ip in rotating]
    assert tried == ["wrong"] * 5 + ["limited"] * 2
    assert _attempt(container, guard, world.erin.email, world.erin.password, f"{net}::99") == "limited"
    assert _attempt(container, guard, world.sam.email, world.sam.password, "2001:db8:ffff::1") == "ok"


def test_client_key() -> None:
    assert client_key("192.0.2.7") == "192.0.2.7"
    assert client_key("2001:db8:1:2:aaaa::1") == client_key("2001:db8:1:2:bbbb::2") == "2001:db8:1:2::/64"
    assert client_key("::ffff:192.0.2.7") == "192.0.2.7"
    assert client_key("testclient") == "testclient"  # no address to read: counted as given
