"""Responses a worker keeps in memory, each with the version of the data it was made from.

Used for the public pages made from the publications (`reports.published_responses`) and the
signed-in pages made for one person (`oversight.personal_pages`): a kept response is served
while its version is the current one, and made again when it is not.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class KeptPages:
    """Responses a worker keeps, by host and full path (or the key the caller gives), each
    with the version it was made at; at most the number the setting `limit_setting` names,
    the least recently used dropped first. Safe to share between a worker's threads."""

    def __init__(self, limit_setting: str) -> None:
        self.limit_setting = limit_setting
        # key -> (version, content, headers)
        self.pages: OrderedDict[str, tuple[Hashable, bytes, dict[str, str]]] = OrderedDict()
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self.pages.clear()

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
        with self._lock:
            kept = self.pages.get(key)
            hit = kept is not None and kept[0] == version
            if hit:
                self.pages.move_to_end(key)
        if hit:
            return HttpResponse(kept[1], headers=kept[2])
        response = make()
        if hasattr(response, "render"):
            response = response.render()
        limit = getattr(settings, self.limit_setting)
        if (
            limit
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
        ):
            with self._lock:
                self.pages[key] = (version, response.content, dict(response.items()))
                self.pages.move_to_end(key)
                while len(self.pages) > limit:
                    self.pages.popitem(last=False)
        return response
