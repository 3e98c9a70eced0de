"""Server-rendered bar charts (SVG in the template): no JavaScript, no network, print-friendly.

Geometry is computed here in SVG units (a 600-wide viewBox: labels, then bars, then the value),
so the template only places the numbers.
"""

from dataclasses import dataclass

LABEL_WIDTH = 190
BAR_SPACE = 280
ROW_HEIGHT = 24


@dataclass
class Bar:
    label: str
    value: float
    text: str
    href: str
    index: int
    length: int  # bar length in SVG units
    label_width: int = LABEL_WIDTH
    tone: str = ""  # a CSS class colouring the bar by what its value means

    @property
    def y(self):
        return self.index * ROW_HEIGHT

    @property
    def text_x(self):
        return self.label_width + self.length + 6


VALUE_SPACE = 130  # after the bar: "1.234 (56%)"


def coverage_tone(value: float) -> str:
    """Coverage colours: green from 95%, amber from 80%, red below (the map's coverage band limits)."""
    return "chart-bar-good" if value >= 95 else "chart-bar-fair" if value >= 80 else ""


def short_region_name(name: str) -> str:
    """ "Kabupaten Tanjung Jabung Barat" -> "Kab. Tanjung Jabung Barat": chart labels stay apart."""
    return "Kab. " + name.removeprefix("Kabupaten ") if name.startswith("Kabupaten ") else name


def bar_chart(items, maximum=None, label_width=LABEL_WIDTH, bar_space=BAR_SPACE, compact=False, tone=None):
    """items: [(label, value, text, href)] → bars scaled to the largest value (or `maximum`).
    A compact chart (short labels, e.g. months) is narrower, so its text stays readable on a
    phone instead of shrinking with a 600-wide drawing."""
    items = list(items)
    top = maximum if maximum is not None else max([value for _l, value, _t, _h in items] + [0])
    bars = [
        Bar(
            label=label,
            value=value,
            text=text,
            href=href,
            index=index,
            length=round(bar_space * value / top) if top else 0,
            label_width=label_width,
            tone=tone(value) if tone else "",
        )
        for index, (label, value, text, href) in enumerate(items)
    ]
    return {
        "bars": bars,
        "height": ROW_HEIGHT * len(bars) + 8,
        "label_width": label_width,
        "width": label_width + bar_space + VALUE_SPACE,
        "css": "chart chart-compact" if compact else "chart",
    }
