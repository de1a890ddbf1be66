"""Facts that apps above `reports` add to an edition's snapshot when it is published.

`reports` builds the snapshot but may not import `forces` (docs/architecture.md: neither imports
the other). So `forces` registers here, in its `AppConfig.ready()`, a function giving what the
public may read about the forces; `reports.snapshot` asks for it by name. A name nobody
registered gives an empty list.
"""

from collections.abc import Callable
from typing import Any

_sources: dict[str, Callable[[], list[dict[str, Any]]]] = {}


def published_facts_register(name: str, source: Callable[[], list[dict[str, Any]]]) -> None:
    _sources[name] = source


def published_facts(name: str) -> list[dict[str, Any]]:
    """What the source registered under `name` gives now (JSON-ready), or [] if none is."""
    source = _sources.get(name)
    return source() if source is not None else []
