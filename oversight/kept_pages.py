"""What a worker keeps in memory, each with the version of the data it was made from.

`KeptByVersion` is the store: values by key, each served while its version is the current
one. `KeptPages` keeps responses in one, for the public pages made from the publications
(`reports.published_responses`) and the signed-in pages made for one person
(`oversight.personal_pages`); `oversight.signed_in` keeps who is signed in in another.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class KeptByVersion:
    """Values by key, each with the version it was made at; at most the number the setting
    `limit_setting` names (0: none kept), the least recently used dropped first. Safe to
    share between a worker's threads."""

    def __init__(self, limit_setting: str) -> None:
        self.limit_setting = limit_setting
        # key -> (version, value)
        self.entries: OrderedDict[Hashable, tuple[Hashable, Any]] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def limit(self) -> int:
        return getattr(settings, self.limit_setting)

    def clear(self) -> None:
        with self._lock:
            self.entries.clear()

    def get(self, key: Hashable, version: Hashable) -> Any | None:
        """The value kept under `key` at `version`, or None."""
        with self._lock:
            kept = self.entries.get(key)
            if kept is None or kept[0] != version:
                return None
            self.entries.move_to_end(key)
            return kept[1]

    def put(self, key: Hashable, version: Hashable, value: Any) -> None:
        limit = self.limit
        if not limit:
            return
        with self._lock:
            self.entries[key] = (version, value)
            self.entries.move_to_end(key)
            while len(self.entries) > limit:
                self.entries.popitem(last=False)


class KeptPages:
    """Responses a worker keeps (a `KeptByVersion` under `limit_setting`), by host and full
    path or the key the caller gives, each with the version it was made at."""

    def __init__(self, limit_setting: str) -> None:
        self.store = KeptByVersion(limit_setting)
        # key -> (version, (content, headers))
        self.pages = self.store.entries

    def clear(self) -> None:
        self.store.clear()

    def response(
        self,
        request: HttpRequest,
        version: Hashable,
        make: Callable[[], HttpResponse],
        *,
        key: str | None = None,
    ) -> HttpResponse:
        if key is None:
            key = request.get_host() + request.get_full_path()  # pages may hold absolute links
        kept = self.store.get(key, version)
        if kept is not None:
            content, headers = kept
            return HttpResponse(content, headers=headers)
        response = make()
        if hasattr(response, "render"):
            response = response.render()
        if response.status_code == 200 and not response.streaming and not response.cookies:
            self.store.put(key, version, (response.content, dict(response.items())))
        return response
