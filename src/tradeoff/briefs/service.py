"""Build a brief for an audience and scope, render it in a format, save versions and show what changed."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from tradeoff.briefs import audiences, audiences_customers, audiences_sales, facts
from tradeoff.briefs.common import Scope
from tradeoff.briefs.document import AUDIENCE_TITLES, AUDIENCES, FORMATS, Brief, Missing, Section
from tradeoff.briefs.model import BriefVersion
from tradeoff.briefs.pdf import to_pdf
from tradeoff.briefs.render import to_html, to_html_fragment, to_markdown, to_text
from tradeoff.customers.model import Customer
from tradeoff.errors import FieldError, InvalidInput, NotFound
from tradeoff.storage.uow import Actor, UnitOfWork

MEDIA = {"md": ("text/markdown; charset=utf-8", "md"), "html": ("text/html; charset=utf-8", "html"),
         "pdf": ("application/pdf", "pdf"), "text": ("text/plain; charset=utf-8", "txt")}


def check_audience(audience: str, loc: str = "audience") -> str:
    if audience not in AUDIENCES:
        raise InvalidInput(f"unknown audience '{audience}'; use one of {', '.join(AUDIENCES)}",
                           [FieldError(["path" if loc == "audience" else "query", loc], "unknown audience", audience)])
    return audience


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise InvalidInput(f"unknown format '{fmt}'; use one of {', '.join(FORMATS)}",
                           [FieldError(["query", "format"], "unknown format", fmt)])
    return fmt


@dataclass(frozen=True)
class Request:
    audience: str
    product: str | int | None = None
    release: str | None = None
    customer_id: int | None = None


def _scope(uow: UnitOfWork, workspace_id: int, slug: str, req: Request, now: datetime) -> tuple[Scope, list[str]]:
    product = facts.product_by_ref(uow, workspace_id, req.product)
    notes: list[str] = []
    release_ids = None
    if req.release:
        release_ids, known = release_features(uow, workspace_id, req.release)
        if release_ids is None:
            if known:
                raise InvalidInput(f"no release '{req.release}' in the live plan; known releases: {', '.join(known)}",
                                   [FieldError(["query", "release"], "unknown release", req.release)])
            notes.append(f"No releases are defined yet, so release '{req.release}' cannot be briefed: add releases "
                         "to the live plan. This brief covers the whole scope instead.")
    sc = Scope(uow=uow, workspace_id=workspace_id, slug=slug, now=now, product=product,
               release=req.release if release_ids is not None else None, release_ids=release_ids,
               customer_id=req.customer_id)
    last = _latest(uow, workspace_id, req.audience, scope_key(req, product.id if product else None))
    sc.since = last.as_of if last else None
    return sc, notes


def release_features(uow: UnitOfWork, workspace_id: int, name: str) -> tuple[list[int] | None, list[str]]:
    """The feature ids of release `name` in the live plan, and the names of the releases that exist."""
    svc = facts.optional("tradeoff.plans.service")
    if svc is None or not hasattr(svc, "live_plan") or not facts.has_tables(uow, "plans"):
        return None, []
    plan = svc.live_plan(uow=uow, workspace_id=workspace_id)
    rels = list(plan.releases or []) if plan else []
    for r in rels:
        if str(r.get("name", "")).lower() == name.lower():
            return [int(x) for x in r.get("feature_ids", [])], [str(x.get("name")) for x in rels]
    return None, [str(x.get("name")) for x in rels]


def build(*, uow: UnitOfWork, workspace_id: int, slug: str, req: Request, now: datetime) -> Brief:
    """The brief for `req` with the data as it is now. `now`: the as-of moment (the only date not from records)."""
    check_audience(req.audience)
    if req.customer_id is not None and req.audience != "customers":  # never silently a brief for everyone
        raise InvalidInput(f"customer_id addresses the customers brief; the {req.audience} brief has no addressee",
                           [FieldError(["query", "customer_id"], "only with the customers brief", req.customer_id)])
    sc, notes = _scope(uow, workspace_id, slug, req, now)
    addressee = None
    if req.audience == "customers" and req.customer_id is not None:
        addressee = uow.session.get(Customer, req.customer_id)
        if addressee is None or addressee.workspace_id != workspace_id:
            raise InvalidInput(f"customer {req.customer_id} not found in this workspace",
                               [FieldError(["query", "customer_id"], "unknown customer", req.customer_id)])
    if req.audience == "exec":
        sections = audiences.executive(sc)
    elif req.audience == "engineering":
        sections = audiences.engineering(sc)
    elif req.audience == "sales":
        sections = audiences_sales.sales(sc)
    else:
        sections = audiences_customers.customers(sc, addressee)
    if notes:
        sections = [Section("Scope", tuple(Missing(n) for n in notes)), *sections]
    title = AUDIENCE_TITLES[req.audience]
    scope_label = sc.label if addressee is None else f"{sc.label}, for {addressee.name}"
    if req.audience == "customers":
        scope_label = (f"{sc.product.name}" if sc.product else "All products") + \
            (f", for {addressee.name}" if addressee else "")
    cited = {r for sec in sections for r in Brief("", "", "", "", (sec,)).refs()}
    sources = tuple(sorted(((r, t) for r, t in sc.titles.items() if r in cited), key=lambda rt: rt[0]))
    return Brief(req.audience, title, scope_label, now.date().isoformat(), tuple(sections),
                 public=req.audience == "customers", sources=sources)


def render(brief: Brief, fmt: str, slug: str, base_url: str = "") -> bytes:
    """The brief as a file. `base_url`: the server's address when the caller knows it (a web request), so the
    records' addresses in the file are absolute and open from a chat message, an e-mail or a disk."""
    check_format(fmt)
    if fmt == "md":
        return to_markdown(brief, slug, base_url).encode("utf-8")
    if fmt == "html":
        return to_html(brief, slug, base_url).encode("utf-8")
    if fmt == "text":
        return to_text(brief, slug, base_url).encode("utf-8")
    return to_pdf(brief, slug, base_url)


def fragment(brief: Brief, slug: str) -> str:
    return to_html_fragment(brief, slug)


# --- versions ----------------------------------------------------------------------------------------------


def scope_key(req: Request, product_id: int | None) -> str:
    parts = [f"product:{product_id}" if product_id else "all"]
    if req.release:
        parts.append(f"release:{req.release.lower()}")
    if req.customer_id is not None and req.audience == "customers":
        parts.append(f"customer:{req.customer_id}")
    return "|".join(parts)


def _latest(uow: UnitOfWork, workspace_id: int, audience: str, key: str) -> BriefVersion | None:
    if not facts.has_tables(uow, "briefs"):
        return None
    return uow.session.scalars(select(BriefVersion).where(
        BriefVersion.workspace_id == workspace_id, BriefVersion.audience == audience, BriefVersion.scope_key == key)
        .order_by(BriefVersion.number.desc()).limit(1)).first()


def save(*, uow: UnitOfWork, workspace_id: int, slug: str, actor: Actor, req: Request, now: datetime,
         note: str = "") -> tuple[BriefVersion, bool]:
    """Save the brief as it reads now. Returns (version, changed): `changed` is False when its content is the
    same as the last saved version of this audience and scope (a version is saved anyway, as a record of sending)."""
    brief = build(uow=uow, workspace_id=workspace_id, slug=slug, req=req, now=now)
    product = facts.product_by_ref(uow, workspace_id, req.product)
    key = scope_key(req, product.id if product else None)
    last = _latest(uow, workspace_id, req.audience, key)
    number = (uow.session.scalar(select(func.max(BriefVersion.number)).where(
        BriefVersion.workspace_id == workspace_id, BriefVersion.audience == req.audience,
        BriefVersion.scope_key == key)) or 0) + 1
    v = BriefVersion(workspace_id=workspace_id, audience=req.audience, scope_key=key, number=number,
                     product_id=product.id if product else None, release=req.release,
                     customer_id=req.customer_id if req.audience == "customers" else None,
                     as_of=now.date(), markdown=to_markdown(brief, slug), fingerprint=brief.fingerprint(),
                     saved_by=actor.label, note=note)
    uow.session.add(v)
    uow.session.flush()
    from tradeoff.notifications import service as notifications

    notifications.publish(uow, workspace_id, "brief.published",
                          {"brief_id": v.id, "audience": v.audience, "number": v.number, "scope": key},
                          subject=f"brief:{v.id}", summary=f"{v.audience} brief #{v.number} saved by {actor.label}",
                          link=f"/w/{slug}/briefs?audience={v.audience}", by=actor.user_id)
    return v, last is None or last.fingerprint != v.fingerprint


def versions(*, uow: UnitOfWork, workspace_id: int, audience: str, limit: int = 100) -> list[BriefVersion]:
    check_audience(audience)
    return list(uow.session.scalars(select(BriefVersion).where(
        BriefVersion.workspace_id == workspace_id, BriefVersion.audience == audience)
        .order_by(BriefVersion.id.desc()).limit(limit)))


def get_version(*, uow: UnitOfWork, workspace_id: int, version_id: int, audience: str | None = None) -> BriefVersion:
    """A saved version; with `audience`, only one saved for that audience (as its address says)."""
    v = uow.session.get(BriefVersion, version_id)
    if v is None or v.workspace_id != workspace_id or (audience is not None and v.audience != audience):
        raise NotFound(f"{audience + ' ' if audience else ''}brief version {version_id} not found in this workspace")
    return v


def diff(*, uow: UnitOfWork, workspace_id: int, slug: str, req: Request, now: datetime,
         from_id: int | None = None, to_id: int | None = None) -> dict[str, Any]:
    """Unified diff of the Markdown: from a saved version (default: the latest of this scope) to another saved
    version (default: the brief as it reads now)."""
    check_audience(req.audience)
    product = facts.product_by_ref(uow, workspace_id, req.product)
    if from_id is not None:
        old = get_version(uow=uow, workspace_id=workspace_id, version_id=from_id)
    else:
        found = _latest(uow, workspace_id, req.audience, scope_key(req, product.id if product else None))
        if found is None:
            raise NotFound(f"no saved {req.audience} brief for this scope yet; save one first to compare against it")
        old = found
    if old.audience != req.audience:
        raise InvalidInput(f"version {old.id} is a {old.audience} brief, not {req.audience}",
                           [FieldError(["query", "from_version"], "other audience", old.id)])
    if to_id is not None:
        new_v = get_version(uow=uow, workspace_id=workspace_id, version_id=to_id)
        new_text, new_label, new_fp = new_v.markdown, f"version {new_v.number} ({new_v.as_of})", new_v.fingerprint
    else:
        brief = build(uow=uow, workspace_id=workspace_id, slug=slug, req=req, now=now)
        new_text, new_label, new_fp = to_markdown(brief, slug), f"now ({brief.as_of})", brief.fingerprint()
    lines = list(difflib.unified_diff(old.markdown.splitlines(), new_text.splitlines(),
                                      fromfile=f"version {old.number} ({old.as_of})", tofile=new_label,
                                      lineterm="", n=1))
    return {"from": {"id": old.id, "number": old.number, "as_of": old.as_of.isoformat()}, "to": new_label,
            "changed": old.fingerprint != new_fp, "diff": "\n".join(lines) + ("\n" if lines else ""),
            "added": sum(1 for x in lines if x.startswith("+") and not x.startswith("+++")),
            "removed": sum(1 for x in lines if x.startswith("-") and not x.startswith("---"))}
