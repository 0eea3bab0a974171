"""`tradeoff currencies show|set`: the currency ARR is totalled in and the exchange rates other currencies count at
(scores, rankings, top requested and plan values)."""

from __future__ import annotations

from typing import Annotated

import typer

from tradeoff.cli.context import ErrorMappingGroup, cli_state, emit_json, emit_table
from tradeoff.cli.records import Json, Workspace, workspace_id
from tradeoff.errors import InvalidInput

app = typer.Typer(cls=ErrorMappingGroup, no_args_is_help=True,
                  help="The currency ARR is totalled in, and the exchange rates of the others.")


@app.command("show", help="The currency totals are in, each rate, and the currencies without one (left out).")
def show(workspace: Workspace, as_json: Json = False) -> None:
    from tradeoff.customers import service as customer_service

    with cli_state().container.unit_of_work() as uow:
        out = customer_service.money_out(uow, workspace_id(uow, workspace)).model_dump(mode="json")
    if as_json:
        emit_json(out)
        return
    rows = [{"currency": c, f"1 unit in {out['currency']}": f"{r:g}"} for c, r in sorted(out["rates"].items())]
    rows += [{"currency": c, f"1 unit in {out['currency']}": "no rate: left out"} for c in out["unconverted"]]
    emit_table(rows, ["currency", f"1 unit in {out['currency']}"],
               title=f"totals in {out['currency']}{'' if out['set'] else ' (not set: the most used currency)'}")


def _rates(pairs: list[str] | None) -> dict[str, str]:
    out = {}
    for pair in pairs or []:
        code, sep, rate = pair.partition("=")
        if not sep or not code.strip() or not rate.strip():
            raise InvalidInput(f"--rate '{pair}' must look like CODE=RATE, e.g. EUR=1.08")
        out[code.strip().upper()] = rate.strip()
    return out


@app.command("set", help="Set the currency totals are in and the rates (replaces every rate).")
def set_rates(
    workspace: Workspace,
    currency: Annotated[str, typer.Option("--currency", help="The currency totals are in, e.g. USD.")],
    rate: Annotated[list[str] | None, typer.Option("--rate", help="CODE=RATE: one unit of CODE in --currency, "
                                                                  "e.g. EUR=1.08 (repeatable).")] = None,
    as_json: Json = False,
) -> None:
    from tradeoff.customers import service as customer_service
    from tradeoff.customers.schemas import MoneySettingsIn

    state = cli_state()
    body = MoneySettingsIn.model_validate({"currency": currency, "rates": _rates(rate)})
    with state.container.unit_of_work() as uow:
        out = customer_service.set_money(uow=uow, workspace_id=workspace_id(uow, workspace), actor=state.actor,
                                         data=body).model_dump(mode="json")
    if as_json:
        emit_json(out)
        return
    left = f"; no rate for {', '.join(out['unconverted'])} (left out)" if out["unconverted"] else ""
    typer.echo(f"totals in {out['currency']}" + "".join(f", {c} at {r:g}" for c, r in sorted(out["rates"].items()))
               + left)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="currencies")
