"""Private facts about each demo customer (systems, contact) used to write consistent notes and feedback.

Derived from the customer key and the seed alone, so notes and feedback agree without passing state.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from tradeoff.demo import people


@dataclass(frozen=True)
class CustomerProfile:
    ledger: str  # accounting system, e.g. "NetSuite"
    crm: str  # "none" when they have no CRM
    contact: str  # first name of the main contact
    role: str  # the contact's job
    team: int  # people in finance who touch billing


def customer_profile(key: str, segment: str, seed: int) -> CustomerProfile:
    """The systems and main contact of the customer `key` (deterministic in `key`, `segment` and `seed`)."""
    rng = random.Random(f"{seed}:{key}")
    crm = rng.choice(people.CRMS[segment])
    team_ranges = {"enterprise": (6, 25), "mid_market": (3, 8), "smb": (1, 3), "startup": (1, 2)}
    lo, hi = team_ranges[segment]
    return CustomerProfile(
        ledger=rng.choice(people.LEDGERS[segment]),
        crm="Salesforce" if crm == "none" and segment == "enterprise" else crm,
        contact=rng.choice(people.CONTACT_FIRST_NAMES),
        role=rng.choice(people.CONTACT_ROLES[segment]),
        team=rng.randint(lo, hi),
    )
