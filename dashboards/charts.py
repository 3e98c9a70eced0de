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

    @property
    def y(self):
        return self.index * ROW_HEIGHT

    @property
    def text_x(self):
        return LABEL_WIDTH + self.length + 6


def bar_chart(items, maximum=None):
    """items: [(label, value, text, href)] → bars scaled to the largest value (or `maximum`)."""
    items = list(items)
    top = maximum if maximum is not None else max([value for _l, value, _t, _h in items] + [0])
    bars = [
        Bar(
            label=label,
            value=value,
            text=text,
            href=href,
            index=index,
            length=round(BAR_SPACE * value / top) if top else 0,
        )
        for index, (label, value, text, href) in enumerate(items)
    ]
    return {"bars": bars, "height": ROW_HEIGHT * len(bars) + 8, "label_width": LABEL_WIDTH}
