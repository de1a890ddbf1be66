"""Reading a page the way a person does: its text, block by block, in order."""

import re
from html.parser import HTMLParser

BLOCK_TAGS = {
    "p", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "div", "section", "dt", "dd",
    "br", "main", "nav", "header", "footer", "table", "tr", "td", "th", "caption", "span",
}  # fmt: skip


class _BlockText(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[str] = []
        self._current: list[str] = []
        self._skipping = 0

    def _flush(self) -> None:
        text = " ".join("".join(self._current).split())
        if text:
            self.blocks.append(text)
        self._current = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag in {"script", "style", "svg"}:
            self._skipping += 1
        if tag in BLOCK_TAGS:
            self._flush()

    def handle_endtag(self, tag) -> None:
        if tag in {"script", "style", "svg"}:
            self._skipping -= 1
        if tag in BLOCK_TAGS:
            self._flush()

    def handle_data(self, data) -> None:
        if not self._skipping:
            self._current.append(data)


def page_blocks(html: str) -> list[str]:
    """The text of each block of the page (paragraph, list item, heading...), in order."""
    parser = _BlockText()
    parser.feed(html)
    parser.close()
    parser._flush()
    return parser.blocks


SECTION_LINE = re.compile(r"^(Recommendations? [\d, ]+(?:and \d+)?): (.+)$")


def seed_blocks(seed_text: str) -> list[str]:
    """The seed report's paragraphs and bullets, in order, as plain text.

    A section line such as “Recommendation 4: Data collected...” is its heading and the
    recommendation's text, which the page shows as a heading and a paragraph.
    """
    blocks = []
    for line in seed_text.splitlines():
        text = " ".join(line.replace("**", "").split())
        text = text.removeprefix("- ")
        if not text:
            continue
        section = SECTION_LINE.match(text)
        blocks.extend(section.groups() if section else [text])
    return blocks


def missing_in_order(expected: list[str], actual: list[str]) -> list[str]:
    """The expected blocks not found in `actual` in the same order (empty when all are)."""
    position = 0
    missing = []
    for block in expected:
        try:
            position = actual.index(block, position) + 1
        except ValueError:
            missing.append(block)
    return missing
