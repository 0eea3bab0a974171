"""Open blockers and risks as the forecast counts them: work that must be done before the features they hold up can
start, on a team that works on those features (the component's owner when it is one of them), at the blocker's
chance of being needed (a risk's likelihood; a blocker's is 1).

Every forecast — the Forecast screen, a feature's delivery, promises, briefs, what-ifs — counts the open ones, so a
blocker recorded today moves every date it should; its own page compares the forecast with and without it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from tradeoff.blockers.model import Blocker
from tradeoff.components.model import Component
from tradeoff.core.forecasting_backlog_input import BacklogFeature
from tradeoff.storage.uow import UnitOfWork

PREFIX = "blocker:"  # a gate's key in the simulation (no feature's key, a number, starts so)


@dataclass(frozen=True)
class Gate:
    blocker_id: int
    title: str
    kind: str
    extra: tuple[float, float, float]  # person-days
    likelihood: float
    feature_ids: tuple[int, ...]
    owner_team_id: int | None = None  # its component's owning team

    @property
    def key(self) -> str:
        return f"{PREFIX}{self.blocker_id}"

    @classmethod
    def of(cls, b: Blocker, owner_team_id: int | None = None) -> Gate:
        return cls(b.id, b.title, b.kind, b.extra, float(b.likelihood), tuple(int(f) for f in b.feature_ids),
                   owner_team_id)


def is_gate(key: str) -> bool:
    return key.startswith(PREFIX)


def blocker_id(key: str) -> int:
    return int(key.removeprefix(PREFIX))


def gates(*, uow: UnitOfWork, workspace_id: int, without: Collection[int] = (),
          adding: Iterable[Blocker] = ()) -> tuple[Gate, ...]:
    """The workspace's open blockers and risks (oldest first), but those in `without`, and `adding` (a closed one
    whose impact is asked for) when not among them."""
    rows = list(uow.session.scalars(select(Blocker).where(Blocker.workspace_id == workspace_id,
                                                          Blocker.archived_at.is_(None)).order_by(Blocker.id)))
    seen = {b.id for b in rows}
    rows += [b for b in adding if b.id not in seen]
    rows = [b for b in rows if b.id not in without]
    comp_ids = {b.component_id for b in rows if b.component_id is not None}
    owners: dict[int, int | None] = {}
    if comp_ids:
        owners = {int(i): t for i, t in uow.session.execute(
            select(Component.id, Component.owner_team_id).where(Component.workspace_id == workspace_id,
                                                                Component.id.in_(comp_ids)))}
    return tuple(Gate.of(b, owners.get(b.component_id) if b.component_id is not None else None) for b in rows)


@dataclass(frozen=True)
class Placed:
    """A gate as the simulation will run it (`feature` is None when none of the features it holds up is forecast:
    then it holds nothing up and is not simulated)."""

    gate: Gate
    feature: BacklogFeature | None
    team: str
    held: tuple[int, ...]  # the forecast features it holds up, in backlog order


def place(gates_: Sequence[Gate], order: Sequence[int], lead_team: Mapping[int, str],
          team_names: Mapping[int, str]) -> dict[int, list[Placed]]:
    """Where each gate goes: before the first feature it holds up (in backlog `order`), on its component's owning
    team when that team works on the forecast features (`team_names`: team id -> name), else on the lead team of
    that first feature (`lead_team`: feature id -> its team's name). Keyed by the feature it goes before (-1: not
    placed)."""
    position = {fid: k for k, fid in enumerate(order)}
    out: dict[int, list[Placed]] = {}
    for g in gates_:
        held = tuple(sorted((f for f in set(g.feature_ids) if f in position), key=position.__getitem__))
        if not held:
            out.setdefault(-1, []).append(Placed(g, None, "", ()))
            continue
        owner = team_names.get(g.owner_team_id) if g.owner_team_id is not None else None
        team = owner or lead_team[held[0]]
        o, m, p = g.extra
        feature = BacklogFeature(g.key, team, o, m, p, (), 1.0, chance=min(max(g.likelihood, 1e-6), 1.0), gate=True)
        out.setdefault(held[0], []).append(Placed(g, feature, team, held))
    return out


def about(placed: Iterable[Placed], finish: Mapping[str, Any], titles: Mapping[int, str]) -> list[dict[str, Any]]:
    """The gates of a forecast as its answer lists them: each blocker's extra work, the features it holds up and
    when it is cleared (its P50/P85/P95, from `finish`: key -> FinishForecast), or why it is not counted."""
    rows = []
    for p in placed:
        g = p.gate
        row: dict[str, Any] = {"blocker_id": g.blocker_id, "title": g.title, "kind": g.kind,
                               "likelihood": g.likelihood, "extra": list(g.extra), "team": p.team or None,
                               "feature_ids": list(p.held or g.feature_ids),
                               "held_up": [{"feature_id": f, "title": titles.get(f, f"#{f}")} for f in p.held],
                               "counted": p.feature is not None, "p50": None, "p85": None, "p95": None,
                               "reason": "" if p.feature is not None else
                               "none of the features it holds up is forecast (estimated, open, with a team)"}
        fc = finish.get(g.key)
        if fc is not None:
            row |= {"p50": fc.p50.isoformat(), "p85": fc.p85.isoformat(), "p95": fc.p95.isoformat()}
        rows.append(row)
    return sorted(rows, key=lambda r: r["blocker_id"])
