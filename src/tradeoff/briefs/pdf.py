"""Brief → PDF with fpdf2: text, tables with citations, the SVG charts drawn as vector graphics, a sources list.

The built-in Helvetica covers Latin-1 only, so text is folded to it (dashes, quotes, arrows to ASCII look-alikes,
anything else to '?'). The PDF's creation date is pinned to the brief's as-of date so the same brief gives the
same bytes.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

from fpdf import FPDF
from fpdf.fonts import FontFace

from tradeoff.briefs.document import Brief, Bullets, Chart, Line, Missing, Paragraph, Table
from tradeoff.briefs.render import source_titles, url

_FOLD = str.maketrans({"—": "-", "–": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "→": "->",
                       "←": "<-", "≥": ">=", "≤": "<=", "×": "x", "•": "-", "·": "-", "\u00a0": " ", "−": "-"})


_TITLE = re.compile(r"<title>.*?</title>", re.S)


def latin1(text: str) -> str:
    return text.translate(_FOLD).encode("latin-1", "replace").decode("latin-1")


def _line(line: Line, public: bool) -> str:
    out = []
    for span in line:
        text = span.text.replace("\n", " ")
        if span.strong:
            text = f"**{text}**"
        if span.refs and not public:
            text += " " + "".join(f"[{r.label}]" for r in span.refs)
        out.append(text)
    return latin1("".join(out))


class _Pdf(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.set_text_color(120, 120, 120)
        self.cell(0, 8, latin1(f"{self.footer_text} - page {self.page_no()}"), align="C")
        self.set_text_color(0, 0, 0)


def to_pdf(brief: Brief, slug: str, base_url: str = "") -> bytes:
    """A PDF of the brief (A4), deterministic for a given brief; record addresses absolute with `base_url`."""
    pdf = _Pdf(format="A4")
    pdf.footer_text = f"{brief.title} - {brief.scope} - data as of {brief.as_of}"
    pdf.set_creation_date(datetime.fromisoformat(brief.as_of).replace(tzinfo=UTC))
    pdf.set_title(latin1(brief.title))
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_page()
    width = pdf.epw
    pdf.set_font("Helvetica", "B", 18)
    pdf.multi_cell(width, 9, latin1(brief.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "I", 10)
    pdf.multi_cell(width, 6, latin1(f"{brief.scope} - data as of {brief.as_of}"), new_x="LMARGIN", new_y="NEXT")
    pub = brief.public
    for sec in brief.sections:
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 13)
        pdf.multi_cell(width, 7, latin1(sec.title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=10)
        for b in sec.blocks:
            if isinstance(b, Paragraph):
                pdf.multi_cell(width, 5, _line(b.spans, pub), markdown=True, new_x="LMARGIN", new_y="NEXT")
                pdf.ln(1)
            elif isinstance(b, Bullets):
                for item in b.items:
                    pdf.multi_cell(width, 5, "- " + _line(item, pub), markdown=True, new_x="LMARGIN", new_y="NEXT")
                pdf.ln(1)
            elif isinstance(b, Table):
                pdf.set_font("Helvetica", size=8)
                with pdf.table(headings_style=FontFace(emphasis="BOLD", fill_color=(240, 240, 240)),
                               line_height=4.5, padding=1) as table:
                    table.row([latin1(c) for c in b.columns])
                    for row in b.rows:
                        table.row([_line(c, pub).replace("**", "") for c in row])
                pdf.set_font("Helvetica", size=10)
                pdf.ln(2)
            elif isinstance(b, Chart):
                if pdf.will_page_break(70):
                    pdf.add_page()
                svg = _TITLE.sub("", b.svg)  # fpdf2 draws no <title>; its words are in the caption
                # the core PDF fonts are Latin-1: fold the chart's text the same way as the prose
                pdf.image(io.BytesIO(latin1(svg).encode("utf-8")), w=min(width, 170))
                pdf.set_font("Helvetica", "I", 9)
                pdf.multi_cell(width, 4.5, _line(b.alt, pub).replace("**", ""), new_x="LMARGIN", new_y="NEXT")
                pdf.set_font("Helvetica", size=10)
                pdf.ln(2)
            elif isinstance(b, Missing):
                pdf.set_fill_color(255, 247, 224)
                pdf.multi_cell(width, 5, latin1("Missing: " + b.message), fill=True, new_x="LMARGIN", new_y="NEXT")
                pdf.ln(1)
    titles = source_titles(brief)
    if titles and not pub:
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 13)
        pdf.multi_cell(width, 7, "Sources", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=8)
        for r, title in titles.items():
            pdf.multi_cell(width, 4, latin1(f"[{r.label}] {title}: {url(r.path(slug), base_url)}"),
                           new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
