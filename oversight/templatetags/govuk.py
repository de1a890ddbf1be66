"""GOV.UK Design System components used on many pages."""

from django import template
from django.urls import reverse
from django.utils.html import format_html

from oversight.pagination import page_href

register = template.Library()


@register.inclusion_tag("includes/breadcrumbs.html")
def breadcrumbs(*labels_and_links: str) -> dict:
    """The GOV.UK breadcrumbs: `{% breadcrumbs "Home" "home" "Updates" "reports:edition-list" %}`.

    Each label is followed by a URL name to reverse, or by a path already made (starting "/").
    """
    if len(labels_and_links) % 2:
        raise template.TemplateSyntaxError("breadcrumbs takes pairs: a label, then its link")
    pairs = zip(labels_and_links[::2], labels_and_links[1::2], strict=True)
    return {
        "crumbs": [
            (label, link if link.startswith("/") else reverse(link)) for label, link in pairs
        ]
    }


@register.tag
def scroll_region(parser: template.base.Parser, token: template.base.Token) -> "ScrollRegionNode":
    """A wide table's own labelled, keyboard-focusable scroll region (WCAG 1.4.10 reflow).

    `{% scroll_region labelledby="plans-caption" %}<table>...</table>{% endscroll_region %}`
    (or `label="..."`): on a narrow screen the table scrolls inside the region, every column
    kept, and the page itself never scrolls sideways. Styled by `.app-table-scroll` (site.css).
    """
    bits = token.split_contents()[1:]
    kwargs = template.base.token_kwargs(bits, parser)
    if bits or set(kwargs) - {"label", "labelledby"} or len(kwargs) != 1:
        raise template.TemplateSyntaxError(
            'scroll_region takes one argument: labelledby="an id" or label="a name"'
        )
    nodelist = parser.parse(("endscroll_region",))
    parser.delete_first_token()
    return ScrollRegionNode(nodelist, kwargs)


class ScrollRegionNode(template.Node):
    def __init__(self, nodelist: template.NodeList, kwargs: dict) -> None:
        self.nodelist = nodelist
        self.kwargs = kwargs

    def render(self, context: template.Context) -> str:
        ((name, value),) = self.kwargs.items()
        attribute = "aria-labelledby" if name == "labelledby" else "aria-label"
        return format_html(
            '<div class="app-table-scroll" role="region" {}="{}" tabindex="0">{}</div>',
            attribute,
            value.resolve(context),
            self.nodelist.render(context),
        )


@register.inclusion_tag("includes/pagination.html", takes_context=True)
def pagination(context: template.Context, page, label: str = "Pages") -> dict:
    """The GOV.UK pagination component for a page from `oversight.pagination.page_of`: previous,
    next and the page numbers around this one, keeping the address's other parameters (filters).

    Nothing is shown when everything fits on one page.
    """
    request = context["request"]

    def link(number: int) -> str:
        return page_href(request, page, number)

    numbers = page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    items = [
        {"ellipsis": True}
        if number == page.paginator.ELLIPSIS
        else {"number": number, "href": link(number), "current": number == page.number}
        for number in numbers
    ]
    return {
        "page": page,
        "label": label,
        "items": items,
        "previous_href": link(page.previous_page_number()) if page.has_previous() else "",
        "next_href": link(page.next_page_number()) if page.has_next() else "",
    }
