"""Through the sign-in form: an attacker's failed logins throttle the attacker's address, with a clear message,
while the account's owner signs in from hers."""

from __future__ import annotations

import random

from tests.conftest import World
from tests.e2e.conftest import csrf_of, web_client
from tradeoff.bootstrap import Container


def _ip() -> str:
    return "198.19.{}.{}".format(*random.sample(range(1, 255), 2))


def test_an_attacker_on_the_login_form_cannot_lock_the_owner_out(container: Container, world: World) -> None:
    attacker = web_client(container, _ip())
    token = csrf_of(attacker.get("/login").text)
    answers = [attacker.post("/login", data={"email": world.alice.email, "password": f"guess-{i}",
                                             "csrf_token": token}) for i in range(50)]
    assert [r.status_code for r in answers[:5]] == [401] * 5  # the test settings allow 5 failures a minute
    assert {r.status_code for r in answers[5:]} == {429}

    owner = web_client(container, _ip())
    r = owner.post("/login", data={"email": world.alice.email, "password": world.alice.password,
                                   "csrf_token": csrf_of(owner.get("/login").text),
                                   "next": f"/w/{world.slug}"})
    assert r.status_code == 303 and r.headers["location"] == f"/w/{world.slug}"
    assert owner.get(f"/w/{world.slug}").status_code == 200

    right = attacker.post("/login", data={"email": world.alice.email, "password": world.alice.password,
                                          "csrf_token": token})
    assert right.status_code == 429  # the attacker learns nothing, even with the right password
    assert "too many failed sign-ins from your address; wait a minute" in right.text
