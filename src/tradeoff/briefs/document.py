"""The structured brief: sections of blocks (paragraphs, bullet lists, tables, charts, notices of missing data),
made of spans that carry the records they come from. Renderers turn it into Markdown, HTML, text and PDF.

Nothing here reads the database or the clock: builders fill it from provider facts, renderers only format.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Literal
from urllib.parse import urlencode

AUDIENCES = ("exec", "engineering", "sales", "customers")
FORMATS = ("md", "html", "pdf", "text")
AUDIENCE_TITLES = {"exec": "Executive brief", "engineering": "Engineering brief",
                   "sales": "Sales and customer success brief", "customers": "What's new"}

# record kind → (citation letter, plural used in web addresses)
KINDS: dict[str, tuple[str, str]] = {
    "feature": ("F", "features"), "problem": ("P", "problems"), "customer": ("C", "customers"),
    "feedback": ("E", "feedback"), "product": ("PR", "products"), "objective": ("O", "objectives"),
    "decision": ("D", "decisions"), "estimate": ("ES", "features"), "component": ("K", "components"),
    "blocker": ("B", "blockers"), "commitment": ("CM", "commitments"), "team": ("T", "teams"),
    "plan": ("PL", "plans"), "money": ("FX", "currencies"),
}

LISTED_ONLY = {"commitment", "component", "team"}  # kinds shown on a list page rather than a page of their own
ONE_PER_WORKSPACE = {"money"}  # settings a workspace has one of (its exchange rates): a page, no id


@dataclass(frozen=True, order=True)
class Ref:
    """A record a statement comes from, e.g. Ref("feature", 12)."""

    kind: str
    id: int

    @property
    def label(self) -> str:
        letter = KINDS.get(self.kind, (self.kind[:1].upper(), ""))[0]
        return letter if self.kind in ONE_PER_WORKSPACE else f"{letter}{self.id}"

    def path(self, slug: str) -> str:
        """The record's web page. Estimates live on their feature's page; commitments, components and teams on their
        list, at their row; the exchange rates on the Currencies page."""
        plural = KINDS.get(self.kind, ("", self.kind + "s"))[1]
        if self.kind in ONE_PER_WORKSPACE:
            return f"/w/{slug}/{plural}"
        if self.kind in LISTED_ONLY:
            return f"/w/{slug}/{plural}#{self.kind}-{self.id}"
        return f"/w/{slug}/{plural}/{self.id}"


@dataclass(frozen=True)
class Listing:
    """A list page that shows exactly the records a count cites, e.g. the features list filtered by status:
    `Listing("features", (("status", "planned"),))`. Only a builder that knows the filter gives exactly those
    records (no more, no fewer) sets one."""

    kind: str  # the plural used in web addresses: "features", "commitments"
    query: tuple[tuple[str, str], ...] = ()

    def path(self, slug: str) -> str:
        return f"/w/{slug}/{self.kind}" + (f"?{urlencode(self.query)}" if self.query else "")


@dataclass(frozen=True)
class Span:
    """A piece of text; with `refs` it is a claim or number that links to (HTML) or cites (Markdown, PDF,
    text) those records. `strong`: shown in bold. `listing`: for a count of several records, the list page of
    exactly those records, which the count links to in HTML."""

    text: str
    refs: tuple[Ref, ...] = ()
    strong: bool = False
    listing: Listing | None = None


def s(text: str, *refs: Ref, strong: bool = False, listing: Listing | None = None) -> Span:
    return Span(text, tuple(refs), strong, listing)


Line = tuple[Span, ...]


@dataclass(frozen=True)
class Paragraph:
    spans: Line
    kind: Literal["paragraph"] = "paragraph"


@dataclass(frozen=True)
class Bullets:
    items: tuple[Line, ...]
    kind: Literal["bullets"] = "bullets"


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[Line, ...], ...]
    kind: Literal["table"] = "table"


@dataclass(frozen=True)
class Chart:
    """An SVG chart; `alt` describes it in words (and is what Markdown and text show)."""

    title: str
    svg: str
    alt: Line
    kind: Literal["chart"] = "chart"


@dataclass(frozen=True)
class Missing:
    """Data this section needs and does not have yet, and how to get it."""

    message: str
    kind: Literal["missing"] = "missing"


Block = Paragraph | Bullets | Table | Chart | Missing


@dataclass(frozen=True)
class Section:
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Brief:
    """A whole brief. `as_of`: the date the data was read (ISO), the only date not taken from records.
    `public`: for people outside the company (customers): rendered without citations or record links."""

    audience: str
    title: str
    scope: str
    as_of: str
    sections: tuple[Section, ...]
    public: bool = False
    sources: tuple[tuple[Ref, str], ...] = field(default=())  # (record, its title) for the sources list

    def refs(self) -> list[Ref]:
        """Every record cited, in order of first appearance."""
        seen: dict[Ref, None] = {}
        for sec in self.sections:
            for line in lines_of_blocks(sec.blocks):
                for span in line:
                    for r in span.refs:
                        seen.setdefault(r, None)
        return list(seen)

    def fingerprint(self) -> str:
        """SHA-256 of the brief's content without its as-of date: the same data gives the same fingerprint."""
        data = asdict(self)
        data.pop("as_of")
        for sec in data["sections"]:
            for b in sec["blocks"]:
                b.pop("svg", None)  # the chart's numbers are in its alt text and tables
        raw = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def lines_of_blocks(blocks: tuple[Block, ...]) -> list[Line]:
    out: list[Line] = []
    for b in blocks:
        if isinstance(b, Paragraph):
            out.append(b.spans)
        elif isinstance(b, Bullets):
            out.extend(b.items)
        elif isinstance(b, Table):
            out.extend(cell for row in b.rows for cell in row)
        elif isinstance(b, Chart):
            out.append(b.alt)
    return out
