"""The summary's bar charts, drawn on the server as SVG: no JavaScript, no inline styles."""

from django import template

from forces.selectors import BarChart

register = template.Library()

LABEL_WIDTH = 170
COUNT_WIDTH = 40
BAR_HEIGHT = 24
ROW_HEIGHT = 34


@register.inclusion_tag("forces/includes/bar_chart.svg.html")
def bar_chart(chart: BarChart, width: int = 300) -> dict:
    """`{% bar_chart chart 300 %}`: one horizontal bar per rating, its count beside it.

    The chart is an image with an accessible name and description; the same figures follow
    it in a table for anyone who cannot see it.
    """
    bars = []
    for index, (_value, label, count) in enumerate(chart.bars):
        top = index * ROW_HEIGHT
        length = round(width * count / chart.maximum)
        bars.append(
            {
                "label": label,
                "count": count,
                "y": top,
                "text_y": top + BAR_HEIGHT - 7,
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
        "height": len(bars) * ROW_HEIGHT,
    }
