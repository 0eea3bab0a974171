"""A tiny SVG builder: elements as escaped strings, numbers rounded so output is byte-for-byte deterministic."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

FONT = "Helvetica, Arial, sans-serif"


def num(x: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros ('12', '12.5', '-0' never)."""
    text = f"{round(float(x), 2):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _attrs(attrs: dict[str, object]) -> str:
    parts = []
    for key, value in attrs.items():
        if value is None:
            continue
        name = key.rstrip("_").replace("_", "-")
        text = num(value) if isinstance(value, float | int) and not isinstance(value, bool) else str(value)
        parts.append(f" {name}={quoteattr(text)}")
    return "".join(parts)


class Svg:
    """Collects elements in order; `text()` gives the finished document."""

    def __init__(self, width: float, height: float, title: str) -> None:
        self.width = width
        self.height = height
        self.title = title
        self.parts: list[str] = []

    def _element(self, tag: str, attrs: dict[str, object], tip: str | None, content: str = "") -> None:
        """`tip` becomes the element's tooltip (an SVG <title> child)."""
        inner = (f"<title>{escape(tip)}</title>" if tip else "") + content
        self.parts.append(f"<{tag}{_attrs(attrs)}>{inner}</{tag}>" if inner else f"<{tag}{_attrs(attrs)}/>")

    def rect(self, x: float, y: float, w: float, h: float, tip: str | None = None, **attrs: object) -> None:
        self._element("rect", {"x": x, "y": y, "width": max(w, 0.0), "height": max(h, 0.0), **attrs}, tip)

    def line(self, x1: float, y1: float, x2: float, y2: float, **attrs: object) -> None:
        self._element("line", {"x1": x1, "y1": y1, "x2": x2, "y2": y2, **attrs}, None)

    def circle(self, cx: float, cy: float, r: float, tip: str | None = None, **attrs: object) -> None:
        self._element("circle", {"cx": cx, "cy": cy, "r": r, **attrs}, tip)

    def text(self, x: float, y: float, content: str, size: float = 11, tip: str | None = None,
             **attrs: object) -> None:
        base: dict[str, object] = {"x": x, "y": y, "font_size": size, "font_family": FONT, "fill": "#222"}
        base.update(attrs)
        self._element("text", base, tip, escape(content))

    def open_group(self, **attrs: object) -> None:
        self.parts.append(f"<g{_attrs(attrs)}>")

    def close_group(self) -> None:
        self.parts.append("</g>")

    def render(self) -> str:
        head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{num(self.width)}" height="{num(self.height)}" '
                f'viewBox="0 0 {num(self.width)} {num(self.height)}" role="img">')
        return "\n".join([head, f"<title>{escape(self.title)}</title>", *self.parts, "</svg>"]) + "\n"
