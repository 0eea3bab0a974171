"""Server-side SVG for the roadmap timeline: one row per feature, grouped by team, the planned period as a
bar and the forecast as a confidence band (P50 marker, P50-P85 dark, P85-P95 light). Text is escaped."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from markupsafe import Markup, escape

ROW = 22
LABEL = 250
PAD = 24


def _x(d: date, start: date, days: int, width: int) -> float:
    return LABEL + (width - LABEL - PAD) * max(0.0, min(1.0, (d - start).days / days))


def timeline_svg(teams: list[dict[str, Any]], start: date, end: date, width: int = 960) -> Markup:
    """`teams`: [{name, rows: [{title, planned: (from, to) | None, p50, p85, p95 (dates) | None, tech: bool}]}]."""
    rows = sum(1 + len(t["rows"]) for t in teams)
    if not rows:
        return Markup('<p class="empty">Nothing planned or forecast yet.</p>')
    days = max(7, (end - start).days)
    height = 34 + rows * ROW + 10
    out = [f'<svg class="timeline" viewBox="0 0 {width} {height}" width="100%" role="img" '
           f'aria-label="Timeline per team with forecast confidence bands" xmlns="http://www.w3.org/2000/svg">']
    # month grid
    d = date(start.year, start.month, 1)
    while d <= end:
        if d >= start:
            x = _x(d, start, days, width)
            out.append(f'<line x1="{x:.1f}" y1="20" x2="{x:.1f}" y2="{height - 6}" stroke="#e3e6ec"/>'
                       f'<text x="{x + 3:.1f}" y="14" font-size="11" fill="#5b6475">{d:%b %Y}</text>')
        d = (d.replace(day=28) + timedelta(days=4)).replace(day=1)
    today_x = _x(start, start, days, width)
    out.append(f'<line x1="{today_x:.1f}" y1="20" x2="{today_x:.1f}" y2="{height - 6}" stroke="#c2410c" '
               'stroke-dasharray="3 3"/>')
    y = 30
    for t in teams:
        out.append(f'<text x="4" y="{y + 14}" font-size="12" font-weight="700" fill="#1c2230">{escape(t["name"])}'
                   '</text>')
        y += ROW
        for r in t["rows"]:
            title = str(r["title"])
            short = title if len(title) <= 38 else title[:37] + "…"
            out.append(f'<text x="12" y="{y + 14}" font-size="11.5" fill="#1c2230"><title>{escape(title)}</title>'
                       f'{escape(short)}{" ⚙" if r.get("tech") else ""}</text>')
            if r.get("planned"):
                a, b = r["planned"]
                x1, x2 = _x(a, start, days, width), _x(b + timedelta(days=1), start, days, width)
                out.append(f'<rect x="{x1:.1f}" y="{y + 4}" width="{max(2.0, x2 - x1):.1f}" height="{ROW - 8}" rx="3" '
                           'fill="none" stroke="#7c8799" stroke-dasharray="4 2"><title>planned '
                           f'{a} – {b}</title></rect>')
            if r.get("p50"):
                x50, x85, x95 = (_x(r[k], start, days, width) for k in ("p50", "p85", "p95"))
                label = escape(f"{title}: P50 {r['p50']}, P85 {r['p85']}, P95 {r['p95']}")
                out.append(f'<rect x="{x85:.1f}" y="{y + 7}" width="{max(1.0, x95 - x85):.1f}" height="{ROW - 14}" '
                           f'fill="#bcd3f5"><title>{label}</title></rect>')
                out.append(f'<rect x="{x50:.1f}" y="{y + 7}" width="{max(1.0, x85 - x50):.1f}" height="{ROW - 14}" '
                           f'fill="#3b6fd0"><title>{label}</title></rect>')
                out.append(f'<circle cx="{x50:.1f}" cy="{y + ROW / 2:.1f}" r="3.5" fill="#1c2230"><title>{label}'
                           '</title></circle>')
            y += ROW
    out.append("</svg>")
    return Markup("".join(out))
