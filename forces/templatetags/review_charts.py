"""The summary's bar charts, drawn on the server as SVG: no JavaScript, no inline styles."""

from django import template

from forces.selectors import BarChart

register = template.Library()

# Each rating's label above its bar, so that the chart is at most 290 pixels wide and is
# never scaled down (its text with it) on a 320-pixel screen.
LABEL_HEIGHT = 22
COUNT_WIDTH = 50
BAR_HEIGHT = 24
ROW_GAP = 12
ROW_HEIGHT = LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
LABEL_WIDTH = 0  # the bars start at the left edge, under their labels


@register.inclusion_tag("forces/includes/bar_chart.svg.html")
def bar_chart(chart: BarChart, width: int = 240) -> dict:
    """`{% bar_chart chart 240 %}`: one horizontal bar per rating, its label above it and its
    count beside it; `width` is the longest bar's length in pixels.

    The chart is an image with an accessible name and description; the same figures follow
    it in a table for anyone who cannot see it.
    """
    bars = []
    for index, (_value, label, count) in enumerate(chart.bars):
        top = index * ROW_HEIGHT
        length = round(width * count / chart.maximum)
        bar_top = top + LABEL_HEIGHT
        bars.append(
            {
                "label": label,
                "count": count,
                "label_y": top + LABEL_HEIGHT - 6,
                "y": bar_top,
                "text_y": bar_top + BAR_HEIGHT - 6,
                "length": length,
                "count_x": LABEL_WIDTH + length + 6,
            }
        )
    description = "; ".join(f"{bar['label']}: {bar['count']}" for bar in bars)
    return {
        "chart": chart,
        "bars": bars,
        "description": description,
        "label_width": LABEL_WIDTH,
        "bar_height": BAR_HEIGHT,
        "width": LABEL_WIDTH + width + COUNT_WIDTH,
        "height": len(bars) * ROW_HEIGHT - ROW_GAP,
    }
