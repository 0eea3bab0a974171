"""`tradeoff demand`, `top`, `close-the-loop`, `nps`, `attention`."""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Annotated

import typer

from tradeoff.cli.choices import SEARCH_MAX_PER_KIND
from tradeoff.cli.context import CsvOut, cli_state, emit_csv, emit_json, emit_table
from tradeoff.cli.evidence import Kind
from tradeoff.cli.records import Json, Workspace, workspace_id


def demand(kind: Kind, record_id: int, workspace: Workspace, as_json: Json = False) -> None:
    """Demand behind a problem or feature: customers, ARR by segment, new vs existing, trend, sources, quotes."""
    from tradeoff.comments import service as comment_service
    from tradeoff.insights import service as insights
    from tradeoff.insights.schemas import demand_out, encode
    from tradeoff.records import service as records
    from tradeoff.storage.base import utcnow

    with cli_state().container.unit_of_work() as uow:
        wid = workspace_id(uow, workspace)
        records.get(uow=uow, spec=comment_service.TARGETS[kind.value], workspace_id=wid, record_id=record_id)
        d = insights.demand(uow=uow, workspace_id=wid, kind=kind.value, target_id=record_id, now=utcnow())
        totals = insights.demand_totals(uow=uow, workspace_id=wid, d=d)
    if as_json:
        emit_json(encode(demand_out(d) | totals))
        return
    arr = ", ".join(f"{c} {a:,.0f}" for c, a in d.arr_by_currency.items()) or "none"
    t = totals["arr_total"]
    if len(d.arr_by_currency) > 1 or (d.arr_by_currency and t["currency"] not in d.arr_by_currency):
        arr += f" (≈ {t['currency']} {t['amount']:,.0f} in all{'; ' + t['left_out'] if t['left_out'] else ''})"
    prospects = f", {d.prospects} prospect{'s' if d.prospects != 1 else ''}" if d.prospects else ""
    unknown = f", {d.unknown_tenure} tenure unknown" if d.unknown_tenure else ""
    typer.echo(f"{d.feedback_count} pieces of evidence, {d.customer_count} customers ({d.new_customers} new, "
               f"{d.existing_customers} existing{unknown}{prospects}), ARR {arr}")
    if d.deals:
        deals = totals["deal_value_total"]
        typer.echo(f"open deals: {d.deals}, expected ARR {deals['currency']} {deals['amount']:,.0f}"
                   + (f" ({deals['left_out']})" if deals["left_out"] else "")
                   + (f", soonest expected close {d.next_close}" if d.next_close else ""))
    if totals["arr_by_segment_total"]:
        typer.echo(f"ARR by segment ({t['currency']}): " + ", ".join(
            f"{seg} {amount:,.0f}" for seg, amount in sorted(totals["arr_by_segment_total"].items(),
                                                             key=lambda kv: -kv[1])))
    typer.echo("trend: " + "; ".join(f"last {t.days} days {t.recent} vs {t.previous} before ({t.direction})"
                                      for t in d.trends)
               + (f"; {d.undated} of unknown date in no trend" if d.undated else ""))
    typer.echo("sources: " + ", ".join(f"{k} {v}" for k, v in sorted(d.sources.items(), key=lambda kv: -kv[1])))
    emit_table([{"customer": q.customer_name or "", "words": q.words,
                 "why": q.why + (f"; said {q.echoes + 1} times" if q.echoes else "")
                 + (f", also by {', '.join(q.also_said_by)}" if q.also_said_by else "")} for q in d.quotes],
               ["customer", "words", "why"], title="strongest quotes")


def top(
    workspace: Workspace,
    kind: Annotated[Kind, typer.Option(help="Rank problems or features.")] = Kind.feature,
    sort: Annotated[str, typer.Option(help="count, customers, arr or deals (the open deals' expected ARR).")] = "arr",
    currency: Annotated[str | None, typer.Option(help="Currency for the ARR ranking.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=500)] = 20,
    as_json: Json = False,
    csv_file: CsvOut = None,
) -> None:
    """Top requested problems or features, by evidence count, distinct customers, ARR or open deals."""
    from tradeoff.exports import views as export_views
    from tradeoff.insights import service as insights
    from tradeoff.insights.schemas import encode

    with cli_state().container.unit_of_work() as uow:
        res = insights.top_requested(uow=uow, workspace_id=workspace_id(uow, workspace), kind=kind.value, sort=sort,
                                     currency=currency.upper() if currency else None,
                                     limit=500 if csv_file else limit)
    if csv_file is not None:
        emit_csv(export_views.top_requested(encode(res)), csv_file)
        return
    if as_json:
        emit_json(encode(res))
        return
    emit_table([r | {"arr": f"{r['arr']:,.0f}", "deal_value": f"{r['deal_value']:,.0f}" if r["deals"] else "",
                     "deals": r["deals"] or ""} for r in res["items"]],
               ["id", "title", "status", "feedback_count", "customer_count", "arr", "deals", "deal_value"],
               title=f"top requested {kind.value}s by {sort} (ARR in {res['currency']})")


def close_the_loop(
    feature_id: int, workspace: Workspace, as_json: Json = False, csv_file: CsvOut = None,
    told: Annotated[list[int] | None, typer.Option("--told", help="Mark this customer id as told (repeatable)")] = None,
    told_feedback: Annotated[list[int] | None, typer.Option(
        "--told-feedback", help="Mark the asker of this feedback id (one with no customer) as told (repeatable)")] = None,
    undo: Annotated[bool, typer.Option("--undo", help="With --told/--told-feedback: they are to be told again")] = False,
    by: Annotated[str | None, typer.Option("--by", help="Who told them (an email or name; default: the CLI's user)")]
    = None,
) -> None:
    """Who to tell that a feature shipped: customers, account owners, who heard it, what they said, whether told."""
    from tradeoff.exports import views as export_views
    from tradeoff.features import service as feature_service
    from tradeoff.insights import service as insights
    from tradeoff.insights.schemas import encode
    from tradeoff.records import service as records
    from tradeoff.storage.base import utcnow

    state = cli_state()
    with state.container.unit_of_work() as uow:
        wid = workspace_id(uow, workspace)
        f = records.get(uow=uow, spec=feature_service.SPEC, workspace_id=wid, record_id=feature_id)
        if told or told_feedback:
            actor = replace(state.actor, label=by.strip()[:254]) if by and by.strip() else state.actor
            res = insights.mark_told(uow=uow, workspace_id=wid, actor=actor, feature=f, customer_ids=told or [],
                                     feedback_ids=told_feedback or [], told=not undo, now=utcnow())
        else:
            res = insights.close_the_loop(uow=uow, workspace_id=wid, feature=f)
    if csv_file is not None:
        emit_csv(export_views.close_the_loop(encode(res)), csv_file)
        return
    if as_json:
        emit_json(encode(res))
        return
    if not res["shipped"]:
        typer.echo(f"note: '{res['title']}' is {res['status']}, not shipped yet")
    emit_table([{"customer": c["customer"] or f"(no customer: feedback {c['said'][0]['feedback_id']})",
                 "id": c["customer_id"] or "", "account owner": c["account_owner"] or "",
                 "heard by": ", ".join(c["reporters"]), "said": c["said"][0]["words"],
                 "told": f"{c['told_at']:%Y-%m-%d} {c['told_by']}" if c["told"] else "not yet"}
                for c in res["customers"]],
               ["customer", "id", "account owner", "heard by", "said", "told"],
               title=f"close the loop: {res['title']} ({res['to_tell_count']} to tell, {res['told_count']} told)")


def nps(workspace: Workspace, as_json: Json = False) -> None:
    """NPS and CSAT per customer segment, from survey responses."""
    from tradeoff.core.demand import csat_by_segment, nps_by_segment
    from tradeoff.insights import service as insights
    from tradeoff.insights.schemas import nps_out

    with cli_state().container.unit_of_work() as uow:
        scores = insights.survey_scores(uow=uow, workspace_id=workspace_id(uow, workspace))
    res = nps_out(nps_by_segment(scores), csat_by_segment(scores))
    if as_json:
        emit_json(res)
        return
    emit_table(res["nps"], ["segment", "responses", "promoters", "passives", "detractors", "nps", "low", "high"],
               title="NPS (low-high: its 90% range)")


def attention(workspace: Workspace, as_json: Json = False) -> None:
    """What needs acting on this week, most urgent first: commitments at risk, stale plans, unestimated work,
    open blockers, feedback waiting to be linked."""
    from tradeoff.attention import service as attention_service
    from tradeoff.storage.base import utcnow

    now = utcnow()
    with cli_state().container.unit_of_work() as uow:
        wid = workspace_id(uow, workspace)
        items = attention_service.attention(uow=uow, workspace_id=wid, now=now)
        calm = None if items or as_json else attention_service.calm(uow=uow, workspace_id=wid, now=now)
    if as_json:
        emit_json(attention_service.out(items))
        return
    if calm is not None:
        typer.echo(" ".join(calm.said()))
        return
    emit_table([{"severity": i.severity, "what": i.title, "detail": i.detail} for i in items],
               ["severity", "what", "detail"], title="needs attention")


def search(
    q: Annotated[str, typer.Argument(help="Words to look for: every one must match (the last as a prefix).")],
    workspace: Workspace,
    per_kind: Annotated[int, typer.Option(min=1, max=SEARCH_MAX_PER_KIND, help="Hits shown per kind.")] = 5,
    as_json: Json = False,
) -> None:
    """Search features, problems, feedback, customers, products and decisions at once."""
    from tradeoff.records import everywhere

    with cli_state().container.unit_of_work() as uow:
        groups = everywhere.search_everywhere(uow=uow, workspace_id=workspace_id(uow, workspace), q=q,
                                              per_kind=per_kind)
    if as_json:
        emit_json({"q": q, "groups": [asdict(g) for g in groups]})
        return
    if not groups:
        typer.echo(f"nothing matches '{q}'")
    for g in groups:
        emit_table([{"id": h["id"], "title": h["title"], "detail": h["detail"]} for h in g.items],
                   ["id", "title", "detail"], title=g.label)
        if g.more:
            typer.echo(f"more: tradeoff {g.kind} list -w {workspace} --q \"{q}\"")


def register(root: typer.Typer) -> None:
    root.command("search")(search)
    root.command("demand")(demand)
    root.command("top")(top)
    root.command("close-the-loop")(close_the_loop)
    root.command("nps")(nps)
    root.command("attention")(attention)
