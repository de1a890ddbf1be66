"""Comparison of two editions' snapshots. (Stub: being written.)"""

from typing import Any


def editions_compare(previous: dict[str, Any], current: dict[str, Any]) -> Any:
    raise NotImplementedError
