"""Brief → Markdown (citations like [F12] and a sources list), HTML (every claim links to its record's page)
and plain text for Slack or Teams. Pure functions of the document: the same brief gives the same bytes.

`base_url`: the server's address (e.g. "https://tradeoff.example.com/"). Given, record addresses are absolute, so
they open from a file, a chat message or an e-mail; empty, they stay relative to the server (the web preview, and
exports from the command line, which does not know the server's address).
"""

from __future__ import annotations

from html import escape

from tradeoff.briefs.document import (
    Brief,
    Bullets,
    Chart,
    Line,
    Missing,
    Paragraph,
    Ref,
    Section,
    Span,
    Table,
)


def url(path: str, base_url: str = "") -> str:
    """`path` (an address on the server, "/w/...") made absolute when the server's address is known."""
    return base_url.rstrip("/") + path if base_url else path


# --- Markdown ----------------------------------------------------------------------------------------------

_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|#"})


def md_escape(text: str) -> str:
    return text.translate(_MD_SPECIAL).replace("\n", " ")


def _md_line(line: Line, public: bool) -> str:
    out = []
    for span in line:
        text = md_escape(span.text)
        if span.strong:
            text = f"**{text}**"
        if span.refs and not public:
            text += " " + "".join(f"[{r.label}]" for r in span.refs)
        out.append(text)
    return "".join(out)


def source_titles(brief: Brief) -> dict[Ref, str]:
    """Each cited record's title for the sources list (a record without one is named by its kind and id): made
    once per rendering, as a brief can cite thousands of records."""
    titles = dict(brief.sources)
    return {r: titles.get(r, f"{r.kind} {r.id}") for r in brief.refs()}


def to_markdown(brief: Brief, slug: str, base_url: str = "") -> str:
    """The brief as Markdown; each claim cites its records as [F12] and the sources list gives their addresses."""
    pub = brief.public
    out = [f"# {md_escape(brief.title)}", "", f"_{md_escape(brief.scope)} · data as of {brief.as_of}_", ""]
    for sec in brief.sections:
        out += [f"## {md_escape(sec.title)}", ""]
        for b in sec.blocks:
            if isinstance(b, Paragraph):
                out += [_md_line(b.spans, pub), ""]
            elif isinstance(b, Bullets):
                out += [f"- {_md_line(item, pub)}" for item in b.items] + [""]
            elif isinstance(b, Table):
                out.append("| " + " | ".join(md_escape(c) for c in b.columns) + " |")
                out.append("|" + "---|" * len(b.columns))
                out += ["| " + " | ".join(_md_line(cell, pub) for cell in row) + " |" for row in b.rows]
                out.append("")
            elif isinstance(b, Chart):
                out += [f"_Chart: {md_escape(b.title)}._ {_md_line(b.alt, pub)}", ""]
            elif isinstance(b, Missing):
                out += [f"> **Missing:** {md_escape(b.message)}", ""]
    titles = source_titles(brief)
    if titles and not pub:
        out += ["## Sources", ""]
        out += [f"- [{r.label}] {md_escape(title)}: {url(r.path(slug), base_url)}" for r, title in titles.items()]
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


# --- HTML --------------------------------------------------------------------------------------------------

CSS = """
body{font-family:Helvetica,Arial,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}
.brief h1{font-size:1.6rem;margin-bottom:.2rem}.brief .scope{color:#666;margin-top:0}
.brief h2{font-size:1.2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem;margin-top:1.8rem}
.brief table{border-collapse:collapse;width:100%;margin:.6rem 0;font-size:.92rem}
.brief th,.brief td{border:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
.brief th{background:#f4f4f4}.brief a.ref{color:inherit;text-decoration:underline dotted}
.brief sup a{font-size:.7rem;color:#3b6ea5;text-decoration:none}
.brief .missing{background:#fff7e0;border-left:4px solid #e0a800;padding:.5rem .8rem}
.brief figure{margin:1rem 0}.brief figcaption{color:#555;font-size:.9rem}
.brief svg{max-width:100%;height:auto}
""".strip()


def _sup(refs: tuple[Ref, ...], slug: str, base_url: str) -> str:
    return "<sup>" + " ".join(f'<a href="{escape(url(r.path(slug), base_url))}" data-ref="{r.label}">{r.label}</a>'
                              for r in refs) + "</sup>"


def _html_span(span: Span, slug: str, public: bool, base_url: str) -> str:
    """One record: the words link to its page. Several (a count, a total): every one is cited as a superscript
    link, and the words link to the list of exactly those records when the builder named one; else they link
    nowhere rather than to one of them."""
    text = escape(span.text)
    if span.strong:
        text = f"<strong>{text}</strong>"
    if not span.refs or public:
        return text
    if len(span.refs) == 1:
        r = span.refs[0]
        return (f'<a class="ref" href="{escape(url(r.path(slug), base_url))}" data-ref="{r.label}" '
                f'title="{r.kind} {r.id}">{text}</a>')
    if span.listing is not None:
        text = (f'<a class="ref" href="{escape(url(span.listing.path(slug), base_url))}" '
                f'data-refs="{" ".join(r.label for r in span.refs)}">{text}</a>')
    else:
        text = f'<span class="cited" data-refs="{" ".join(r.label for r in span.refs)}">{text}</span>'
    return text + _sup(span.refs, slug, base_url)


def _html_line(line: Line, slug: str, public: bool, base_url: str = "") -> str:
    return "".join(_html_span(span, slug, public, base_url) for span in line)


def _html_section(sec: Section, slug: str, public: bool, base_url: str) -> list[str]:
    out = [f"<section><h2>{escape(sec.title)}</h2>"]
    for b in sec.blocks:
        if isinstance(b, Paragraph):
            out.append(f"<p>{_html_line(b.spans, slug, public, base_url)}</p>")
        elif isinstance(b, Bullets):
            out.append("<ul>" + "".join(f"<li>{_html_line(i, slug, public, base_url)}</li>" for i in b.items) + "</ul>")
        elif isinstance(b, Table):
            head = "".join(f"<th>{escape(c)}</th>" for c in b.columns)
            body = "".join("<tr>" + "".join(f"<td>{_html_line(c, slug, public, base_url)}</td>" for c in row) + "</tr>"
                           for row in b.rows)
            out.append(f'<table class="data"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>')
        elif isinstance(b, Chart):
            out.append(f'<figure class="chart">{b.svg}<figcaption>{_html_line(b.alt, slug, public, base_url)}</figcaption>'
                       "</figure>")
        elif isinstance(b, Missing):
            out.append(f'<p class="missing"><strong>Missing:</strong> {escape(b.message)}</p>')
    out.append("</section>")
    return out


def to_html_fragment(brief: Brief, slug: str, base_url: str = "") -> str:
    """The brief as an HTML fragment (a <article class="brief">) for the web UI's preview."""
    out = [f'<article class="brief" data-audience="{escape(brief.audience)}">',
           f"<h1>{escape(brief.title)}</h1>",
           f'<p class="scope">{escape(brief.scope)} · data as of {escape(brief.as_of)}</p>']
    for sec in brief.sections:
        out += _html_section(sec, slug, brief.public, base_url)
    titles = source_titles(brief)
    if titles and not brief.public:
        out.append('<section class="sources"><h2>Sources</h2><ul>')
        out += [f'<li><a href="{escape(url(r.path(slug), base_url))}" data-ref="{r.label}">[{r.label}]</a> '
                f"{escape(title)}</li>" for r, title in titles.items()]
        out.append("</ul></section>")
    out.append("</article>")
    return "\n".join(out) + "\n"


def to_html(brief: Brief, slug: str, base_url: str = "") -> str:
    """A standalone HTML document (inline CSS, no scripts)."""
    return ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(brief.title)} · {escape(brief.scope)}</title><style>{CSS}</style></head>\n<body>\n"
            + to_html_fragment(brief, slug, base_url) + "</body></html>\n")


# --- plain text (Slack, Teams) -----------------------------------------------------------------------------


def _text_line(line: Line, public: bool) -> str:
    out = []
    for span in line:
        text = span.text.replace("\n", " ")
        if span.strong:
            text = f"*{text}*"
        if span.refs and not public:
            text += " " + "".join(f"[{r.label}]" for r in span.refs)
        out.append(text)
    return "".join(out)


def to_text(brief: Brief, slug: str, base_url: str = "") -> str:
    """Plain text that pastes cleanly into Slack or Teams: *bold* headings, • bullets, one line per table row, and
    the sources one a line, each address alone at its end (so the chat app links it, and only it)."""
    pub = brief.public
    out = [f"*{brief.title}* ({brief.scope}, data as of {brief.as_of})", ""]
    for sec in brief.sections:
        out += [f"*{sec.title}*"]
        for b in sec.blocks:
            if isinstance(b, Paragraph):
                out.append(_text_line(b.spans, pub))
            elif isinstance(b, Bullets):
                out += [f"• {_text_line(i, pub)}" for i in b.items]
            elif isinstance(b, Table):
                for row in b.rows:  # each source named once, at the end of its row
                    cells = [f"{c}: {_text_line(v, True)}" for c, v in zip(b.columns, row, strict=True)
                             if _text_line(v, True)]
                    refs = [] if pub else list(dict.fromkeys(r for line in row for span in line for r in span.refs))
                    out.append("• " + "; ".join(cells) + ("".join(f" [{r.label}]" for r in refs[:1])
                                                          + "".join(f"[{r.label}]" for r in refs[1:])))
            elif isinstance(b, Chart):
                out.append(f"({b.title}) {_text_line(b.alt, pub)}")
            elif isinstance(b, Missing):
                out.append(f"Missing: {b.message}")
        out.append("")
    titles = source_titles(brief)
    if titles and not pub:
        out.append("*Sources*")
        out += [f"[{r.label}] {title}: {url(r.path(slug), base_url)}" for r, title in titles.items()]
    return "\n".join(out).rstrip("\n") + "\n"
