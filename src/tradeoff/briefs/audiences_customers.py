"""The customers' brief (public: no internal fields): release notes written benefit-first from shipped features,
and for one customer what they asked for. A feature marked internal only (not for the public roadmap) is never
in it, and only work marked planned or in progress is given a date."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from tradeoff.briefs import facts
from tradeoff.briefs import forecast as fc_mod
from tradeoff.briefs.common import Scope, quoted
from tradeoff.briefs.document import Bullets, Missing, Paragraph, Section, s
from tradeoff.features.model import Feature


def customers(sc: Scope, addressee: Any | None) -> list[Section]:
    """Release notes written benefit-first from shipped features: titles, the problems they solve, what you can
    now do (the feature's user flow). Never ARR, other customers' names, scores, estimates, acceptance criteria or
    internal notes."""
    shipped = [f for f in sc.shipped() if _may_show(f)]
    out = []
    if addressee is not None:
        asked_ship: list[Feature] = []
        asked_next: list[Feature] = []
        promised = _promised_to(sc, addressee.id)
        for f in shipped + sc.roadmap() + [f for f in sc.features() if f.id in promised]:
            if f in asked_ship or f in asked_next or not _may_show(f):
                continue
            if f.id in promised or any(a.customer_id == addressee.id for a in sc.askers(f.id).customers):
                (asked_ship if f.status == "shipped" else asked_next).append(f)
        blocks: list[Any] = []
        if asked_ship:
            said = ("One thing you asked for has shipped:" if len(asked_ship) == 1 else
                    f"{len(asked_ship)} things you asked for have shipped:")
            blocks.append(Paragraph((s(said),)))
            blocks.append(Bullets(tuple(_benefit(sc, f) for f in asked_ship)))
        elif asked_next:
            blocks.append(Paragraph((s("Nothing you asked for has shipped yet; here is where it stands."),)))
        else:  # the addressee reads this: no instruction to the team here
            blocks.append(Paragraph((s("Nothing you asked for is on our roadmap yet. Tell us what you need: it "
                                       "shapes what we build next."),)))
        if asked_next:
            blocks.append(Paragraph((s("Coming next, from your requests:"),)))
            blocks.append(Bullets(tuple((s(_public_title(f), strong=True), s(": "),
                                         *(_promise(sc, f, promised[f.id]) if f.id in promised
                                           else _public_when(sc, f))) for f in asked_next)))
        out.append(Section(f"For {addressee.name}: what you asked for", tuple(blocks)))
    if shipped:
        out.append(Section("Shipped", (Bullets(tuple(_benefit(sc, f) for f in shipped)),)))
    else:
        out.append(Section("Shipped", (Missing("Nothing has shipped in this scope yet: mark features as shipped to "
                                               "write release notes."),)))
    return out


def _may_show(f: Feature) -> bool:
    """Not marked internal only: a feature the team keeps off its public roadmap stays out of customers' briefs
    too (unset, the default, is not a decision to hide it)."""
    return getattr(f, "public", None) is not False


def _public_title(f: Feature) -> str:
    return (getattr(f, "public_title", None) or "").strip() or f.title


def _benefit(sc: Scope, f: Feature) -> tuple[Any, ...]:
    title = _public_title(f)
    public_text = (getattr(f, "public_description", None) or "").strip()
    at = public_text.lower().find(title.lower()) if public_text else -1
    line: list[Any]
    if at >= 0:  # the description names the feature itself ("Now available: X."): say the name once, in bold
        line = [s(part) for part in (public_text[:at],) if part]
        line += [s(public_text[at:at + len(title)], sc.f(f), strong=True)]
        line += [s(part, sc.f(f)) for part in (public_text[at + len(title):],) if part]
    else:
        line = [s(title, sc.f(f), strong=True)]
        if public_text:
            line.append(s(f": {public_text}", sc.f(f)))
        elif f.problems:
            words, close = quoted(f.problems[0].statement)
            line.append(s(f": no more “{words}{close}", sc.f(f)))
    if f.user_flow:  # the steps a user takes, in their words (acceptance criteria are the team's checks: internal)
        steps = [step.strip().rstrip(".") for step in f.user_flow[:3] if step.strip()]
        if steps and not any(_TECHNICAL.search(st) for st in steps):  # an engineer's flow is not a customer's
            if not line[-1].text.rstrip().endswith((".", "!", "?", "…", "”")):
                line.append(s("."))
            line.append(s(" How it works: " + "; ".join(_lower_first(st) for st in steps) + ".", sc.f(f)))
    return tuple(line)


# a step written for engineers: an HTTP call, a path, code, a field or header name, or the words of an API
_TECHNICAL = re.compile(r"\b(GET|POST|PUT|PATCH|DELETE|API|SDK|JSON|HTTP)\b|(^|\s)/\w|`|\b\w+_\w+\b|\w\(\)"
                        r"|\b[A-Z][a-z]+-[A-Z][a-z]+\b|\b([Ww]ebhooks?|[Ee]ndpoints?|[Hh]eaders?|[Pp]ayloads?|[Tt]ime(s)? out)\b")


def _public_when(sc: Scope, f: Feature) -> tuple[Any, ...]:
    if f.status not in facts.ROADMAP:  # an idea the plan may schedule is still no promise to a customer
        return (s("being considered; no date yet"),)
    one = sc.forecast().of(f.id)
    if one is None:
        return (s("in the works; not yet scheduled"),)
    return (s(f"85% likely by {fc_mod.short(one.p85)}", sc.f(f)),)


def _lower_first(text: str) -> str:
    """'Send an invoice' -> 'send an invoice', but 'POST an invoice' and 'SSO login' are kept as written."""
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


def _promised_to(sc: Scope, customer_id: int) -> dict[int, str]:
    """feature id -> the earliest date it was promised to this customer (open promises)."""
    data = facts.commitments(sc.uow, sc.workspace_id)
    out: dict[int, str] = {}
    for c in (data or {}).get("items", []):
        if c["customer_id"] == customer_id and not c.get("shipped"):
            out[c["feature_id"]] = min(out.get(c["feature_id"], c["due"]), c["due"])
    return out


def _promise(sc: Scope, f: Feature, due: str) -> tuple[Any, ...]:
    return (s(f"promised for {fc_mod.short(date.fromisoformat(due))}", sc.f(f)),)
