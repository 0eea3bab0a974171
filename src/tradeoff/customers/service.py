from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from tradeoff.audit import service as audit
from tradeoff.core.money import total_in
from tradeoff.customers.model import Customer, Lifecycle, MoneySettings
from tradeoff.customers.schemas import CustomerCreate, CustomerUpdate, MoneySettingsIn, MoneySettingsOut
from tradeoff.errors import FieldError, InvalidInput
from tradeoff.records import service as records
from tradeoff.records.service import RecordSpec
from tradeoff.storage.uow import Actor, UnitOfWork

SPEC = RecordSpec(
    name="customer",
    plural="customers",
    model=Customer,
    sorts={"name": Customer.name, "arr": Customer.arr, "deal_value": Customer.deal_value,
           "deal_close": Customer.deal_close, "created_at": Customer.created_at, "id": Customer.id},
    default_sort="name",
    filters={
        "segment": lambda v: Customer.segment == v,
        "currency": lambda v: Customer.currency == str(v).upper(),
        "min_arr": lambda v: Customer.arr >= v,
        "account_owner": lambda v: Customer.account_owner == v,
        "external_id": lambda v: Customer.external_id == v,
        "lifecycle": lambda v: Customer.lifecycle == v,
        "min_deal_value": lambda v: Customer.deal_value >= v,
    },
    snapshot_fields=("name", "segment", "arr", "currency", "plan", "renewal_date", "customer_since", "account_owner", "notes", "external_id",
                     "lifecycle", "deal_value", "deal_close"),
)


def _check_external_id(uow: UnitOfWork, workspace_id: int, external_id: str | None, exclude: int | None = None) -> None:
    if not external_id:
        return
    stmt = select(Customer.id).where(Customer.workspace_id == workspace_id, Customer.external_id == external_id)
    if exclude is not None:
        stmt = stmt.where(Customer.id != exclude)
    if uow.session.scalar(stmt) is not None:
        raise InvalidInput(
            f"external_id '{external_id}' is already used by another customer",
            [FieldError(["body", "external_id"], "already used", external_id)],
        )


def deal_rules(before: Customer | None, values: Mapping[str, Any], today: date, *,
               refuse: bool = True, deals_known: bool = False) -> dict[str, Any]:
    """What a change implies beyond itself (every door applies it, the CSV import too): a prospect who becomes a
    customer has won their deal, so it is cleared (unless the change gives another deal value, or `deals_known`:
    the change comes from a list of the customer's deals, whose open ones are its deal whatever it was before) and
    they are a customer since today when no day is known; a deal cleared to 0 takes its close date with it. A close
    date the change gives without a deal is refused, or with `refuse=False` (an import's row) dropped."""
    out: dict[str, Any] = {}
    lifecycle = values.get("lifecycle", before.lifecycle if before else Lifecycle.customer.value)
    if before is not None and before.lifecycle == Lifecycle.prospect.value and lifecycle == Lifecycle.customer.value:
        if not deals_known and values.get("deal_value", before.deal_value) == before.deal_value:
            out |= {"deal_value": Decimal("0.00"), "deal_close": None}
        if before.customer_since is None and not values.get("customer_since"):
            out["customer_since"] = today
    deal = out.get("deal_value", values.get("deal_value", before.deal_value if before else Decimal(0)))
    if not deal:
        given = values.get("deal_close")
        if refuse and given and "deal_close" not in out and (before is None or given != before.deal_close):
            raise InvalidInput("deal_close: a close date needs an open deal: give its deal_value too",
                               [FieldError(["body", "deal_close"], "no deal to close", str(values["deal_close"]))])
        if (before is not None and before.deal_close is not None) or given:
            out["deal_close"] = None
    return out


def create(*, uow: UnitOfWork, workspace_id: int, actor: Actor, data: CustomerCreate) -> Customer:
    _check_external_id(uow, workspace_id, data.external_id)
    values = data.model_dump()
    values["segment"] = data.segment.value
    values["lifecycle"] = data.lifecycle.value
    values |= deal_rules(None, values, date.today())
    return records.create(uow=uow, spec=SPEC, workspace_id=workspace_id, actor=actor, values=values)  # type: ignore[no-any-return]


def update(*, uow: UnitOfWork, workspace_id: int, actor: Actor, record_id: int, data: CustomerUpdate, if_match: int | None) -> Customer:
    obj = records.get(uow=uow, spec=SPEC, workspace_id=workspace_id, record_id=record_id)
    values: dict[str, Any] = data.model_dump(exclude_unset=True)
    for required in ("name", "segment", "arr", "currency"):
        if required in values and values[required] is None:
            raise InvalidInput(f"{required} cannot be null", [FieldError(["body", required], "cannot be null")])
    if "segment" in values:
        values["segment"] = values["segment"].value
    for required in ("lifecycle", "deal_value"):
        if required in values and values[required] is None:
            raise InvalidInput(f"{required} cannot be null", [FieldError(["body", required], "cannot be null")])
    if "lifecycle" in values:
        values["lifecycle"] = values["lifecycle"].value
    if values.get("lifecycle", obj.lifecycle) == "prospect" and values.get("arr", obj.arr):
        raise InvalidInput("a prospect pays nothing yet: set arr to 0 (what they would pay is deal_value), or make "
                           "them a customer", [FieldError(["body", "arr" if "arr" in values else "lifecycle"],
                                                          "a prospect has no ARR", str(values.get("arr", obj.arr)))])
    if values.get("external_id") == "":
        values["external_id"] = None
    values |= deal_rules(obj, values, date.today())
    _check_external_id(uow, workspace_id, values.get("external_id"), exclude=record_id)
    return records.update(uow=uow, spec=SPEC, workspace_id=workspace_id, actor=actor, obj=obj, values=values, if_match=if_match)  # type: ignore[no-any-return]


def set_deal(*, uow: UnitOfWork, workspace_id: int, actor: Actor, record_id: int, deal_value: Decimal,
             deal_close: date | None, if_match: int | None) -> Customer:
    """Sales keep a customer's or prospect's open deal up to date (what they would pay, when it should close) without
    the right to change the rest of the record: 0 clears it."""
    return update(uow=uow, workspace_id=workspace_id, actor=actor, record_id=record_id, if_match=if_match,
                  data=CustomerUpdate(deal_value=deal_value, deal_close=deal_close))


def by_names(*, uow: UnitOfWork, workspace_id: int, names: list[str]) -> dict[str, Customer]:
    """Case-insensitive lookup by name, for importers."""
    lowered = {n.strip().lower() for n in names if n.strip()}
    if not lowered:
        return {}
    rows = uow.session.scalars(
        select(Customer).where(Customer.workspace_id == workspace_id, func.lower(Customer.name).in_(lowered))
    )
    return {c.name.lower(): c for c in rows}


def named_or_new(*, uow: UnitOfWork, workspace_id: int, actor: Actor, name: str,
                 lifecycle: Lifecycle = Lifecycle.customer, even_if_like: bool = False) -> Customer:
    """The customer named `name` (any case), or, when none is, a new one by that name (segment other, no ARR, to
    complete later; a customer or, from a sales call, a prospect): what "add customers not on record yet" does for
    pasted notes. A name customers on record may go by (`like_named`: "Zephyr" for Zephyr Labs and Zephyr
    Logistics) is refused, naming them, unless `even_if_like` (the person chose "a new customer" over them): a
    near-duplicate is never made silently."""
    found = by_names(uow=uow, workspace_id=workspace_id, names=[name]).get(name.strip().lower())
    if found is not None:
        return found
    like = like_named(uow=uow, workspace_id=workspace_id, names=[name]).get(name, [])
    if like and not even_if_like:
        raise InvalidInput(not_sure_message(name, like),
                           [FieldError(["body", "customer_id"], "could be several customers", name)])
    return create(uow=uow, workspace_id=workspace_id, actor=actor, data=CustomerCreate(name=name, lifecycle=lifecycle))


def not_sure_message(name: str, like: Sequence[Customer]) -> str:
    """What a name customers on record may go by is told: which they are, and what to do."""
    if len(like) == 1:
        return f"'{name}' may be {like[0].name}, a customer on record: pick it, or add '{name}' as a new customer"
    return (f"'{name}' matches several customers ({', '.join(c.name for c in like)}): pick one, or add '{name}' "
            "as a new customer")


LIKE_LIMIT = 8  # the candidates a name is shown with; more and the name is too vague to pick from a list
_NAME_WORD = re.compile(r"\w+")


def like_named(*, uow: UnitOfWork, workspace_id: int, names: Sequence[str]) -> dict[str, list[Customer]]:
    """name -> the customers on record (not archived) it may mean without being one's name: those whose name has
    each of its words, the last as a word's start ("Corvina" or "Corvina Fr" for Corvina Freight), else those
    whose name starts with its first word ("Corvina Inc" for Corvina Freight and Corvina Analytics); by name, at
    most LIKE_LIMIT. A name a customer has (any case) and a name like none are left out. One read of the
    workspace's names for all of them."""
    wanted = [n for n in dict.fromkeys(names) if _NAME_WORD.search(n)]
    if not wanted:
        return {}
    rows = [(cid, cname, _NAME_WORD.findall(cname.lower())) for cid, cname in uow.session.execute(
        select(Customer.id, Customer.name).where(Customer.workspace_id == workspace_id,
                                                 Customer.archived_at.is_(None)).order_by(Customer.name, Customer.id))]
    found: dict[str, list[int]] = {}
    for name in wanted:
        if any(cname.strip().lower() == name.strip().lower() for _, cname, _ in rows):
            continue  # it is that customer's name
        words = _NAME_WORD.findall(name.lower())
        ids = [cid for cid, _, toks in rows
               if all(w in toks for w in words[:-1]) and any(t.startswith(words[-1]) for t in toks)]
        if not ids and len(words[0]) >= 3 and words[0] != "the":  # "Corvina Inc": a customer called Corvina …
            ids = [cid for cid, _, toks in rows if toks and toks[0] == words[0]]
        if ids:
            found[name] = ids[:LIKE_LIMIT]
    by_id = {c.id: c for c in uow.session.scalars(
        select(Customer).where(Customer.id.in_({i for ids in found.values() for i in ids})))}
    return {name: [by_id[i] for i in ids] for name, ids in found.items()}


def by_name_as_typed(*, uow: UnitOfWork, workspace_id: int, name: str) -> Customer:
    """The customer a person means by `name`: the one with that name (any case), else the only one the search
    finds for it ("Vantara" for "Vantara Telecom"). None or several: refused, saying which."""
    found, hits = _as_typed(uow, workspace_id, name)
    if found is None:
        raise _not_one(name, hits)
    return found


def _as_typed(uow: UnitOfWork, workspace_id: int, name: str) -> tuple[Customer | None, list[Customer]]:
    """(the customer `name` means, or None; the search's hits when it means none: several, or nothing)."""
    found = by_names(uow=uow, workspace_id=workspace_id, names=[name]).get(name.strip().lower())
    if found is not None:
        return found, []
    hits = records.list_page(uow=uow, spec=SPEC, workspace_id=workspace_id, q=name, limit=2).items
    return (hits[0], []) if len(hits) == 1 else (None, hits)


def _not_one(name: str, hits: list[Customer]) -> InvalidInput:
    msg = (f"'{name}' matches several customers ({', '.join(c.name for c in hits)}, …): pick one from the list"
           if hits else f"no customer named '{name}' in this workspace; pick one from the list or add the customer first")
    return InvalidInput(msg, [FieldError(["body", "customer_id"], "unknown customer", name)])


def named_in(*, uow: UnitOfWork, workspace_id: int, texts: Sequence[str]) -> dict[str, Customer]:
    """text -> the customer whose whole name it contains (any case, at word boundaries: "Tue 1 Dec — Redfern
    Engineering (CFO)" names Redfern Engineering), the longest name when several do; else the one whose
    distinctive first word it contains ("Thu 3 Dec: Kessler-Brandt" names Kessler-Brandt Industrie AG) when it
    is the only such customer; a text naming none is left out. One read of the workspace's names for all texts."""
    wanted = [t for t in dict.fromkeys(texts) if t.strip()]
    if not wanted:
        return {}
    rows = list(uow.session.execute(select(Customer.id, Customer.name).where(
        Customer.workspace_id == workspace_id, Customer.archived_at.is_(None))))
    # short names: the first word of a name, when it is distinctive (5 characters or more) and starts no other
    # customer's name ("Kessler-Brandt" for Kessler-Brandt Industrie AG)
    firsts: dict[str, list[int]] = {}
    for cid, name in rows:
        first = name.strip().split(" ", 1)[0].lower() if name.strip() else ""
        if len(first) >= 5:
            firsts.setdefault(first, []).append(cid)
    short = {word: ids[0] for word, ids in firsts.items() if len(ids) == 1}
    found: dict[str, int] = {}
    for text in wanted:
        low = text.lower()
        best = max(((len(name), cid) for cid, name in rows
                    if name.strip() and re.search(rf"(?<!\w){re.escape(name.strip().lower())}(?!\w)", low)),
                   default=None)
        if best is None:  # no whole name: a distinctive short one, if the text names exactly one
            hits = {cid for word, cid in short.items() if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", low)}
            best = (0, hits.pop()) if len(hits) == 1 else None
        if best is not None:
            found[text] = best[1]
    by_id = {c.id: c for c in uow.session.scalars(select(Customer).where(Customer.id.in_(set(found.values()))))}
    return {t: by_id[cid] for t, cid in found.items()}


def main_currency(uow: UnitOfWork, workspace_id: int) -> str:
    """The currency totals are shown in: the one the workspace chose (money settings), else the one most of its
    customers pay in (USD when there are none); other currencies are converted at its rates or named beside."""
    chosen = uow.session.scalar(select(MoneySettings.currency).where(MoneySettings.workspace_id == workspace_id))
    return chosen or _most_used_currency(uow, workspace_id)


def _most_used_currency(uow: UnitOfWork, workspace_id: int) -> str:
    return uow.session.scalar(
        select(Customer.currency).where(Customer.workspace_id == workspace_id)
        .group_by(Customer.currency).order_by(func.count().desc(), Customer.currency).limit(1)) or "USD"


@dataclass(frozen=True)
class Money:
    """How a workspace totals amounts held in several currencies."""

    currency: str
    rates: dict[str, float]
    set: bool

    def total(self, amounts: Mapping[str, Decimal | float]) -> tuple[float, dict[str, float]]:
        """(the total in `currency`, the amounts left out for want of a rate)."""
        return total_in(amounts, self.currency, self.rates)

    def describe(self) -> str:
        """'USD' or 'USD; EUR at 1.08, GBP at 1.27': the words a total's source is given in."""
        at = ", ".join(f"{c} at {r:g}" for c, r in sorted(self.rates.items()))
        return f"{self.currency}; {at}" if at else self.currency


def total_of(uow: UnitOfWork, workspace_id: int, amounts: Mapping[str, Decimal | float]) -> dict[str, Any]:
    """Amounts in several currencies as one total in the workspace's currency: `amount`, `currency`, `how` (the
    rates used) and `left_out` (what had no rate, in words; "" when nothing)."""
    m = money(uow, workspace_id)
    total, left_out = m.total(amounts)
    return {"amount": total, "currency": m.currency, "how": m.describe(),
            "left_out": left_out_note(left_out).lstrip("; ")}


def left_out_note(left_out: Mapping[str, float]) -> str:
    """'; EUR 660,000 left out (no exchange rate)' or ''."""
    if not left_out:
        return ""
    amounts = ", ".join(f"{c} {v:,.0f}" for c, v in sorted(left_out.items()))
    return f"; {amounts} left out (no exchange rate: set one under Currencies)"


def money(uow: UnitOfWork, workspace_id: int) -> Money:
    row = uow.session.scalar(select(MoneySettings).where(MoneySettings.workspace_id == workspace_id))
    if row is None:
        return Money(_most_used_currency(uow, workspace_id), {}, False)
    return Money(row.currency, {c: float(r) for c, r in (row.rates or {}).items()}, True)


def money_out(uow: UnitOfWork, workspace_id: int) -> MoneySettingsOut:
    m = money(uow, workspace_id)
    used = uow.session.scalars(select(Customer.currency).where(Customer.workspace_id == workspace_id,
                                                               Customer.archived_at.is_(None)).distinct())
    unconverted = sorted(c for c in used if c != m.currency and c not in m.rates)
    return MoneySettingsOut(currency=m.currency, rates=m.rates, set=m.set, unconverted=unconverted)


def set_money(*, uow: UnitOfWork, workspace_id: int, actor: Actor, data: MoneySettingsIn) -> MoneySettingsOut:
    row = uow.session.scalar(select(MoneySettings).where(MoneySettings.workspace_id == workspace_id))
    before = {"currency": row.currency, "rates": dict(row.rates)} if row else {}
    if row is None:
        row = MoneySettings(workspace_id=workspace_id, currency=data.currency, rates=dict(data.rates))
        uow.session.add(row)
    else:
        row.currency, row.rates = data.currency, dict(data.rates)
    uow.session.flush()
    audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="update", record_type="money_settings",
                 record_id=workspace_id, before=before, after={"currency": data.currency, "rates": dict(data.rates)})
    return money_out(uow, workspace_id)
