"""Sessions read from the shared cache in front of the database, the database the record.

Django's `cached_db`, made to treat the cache as a help and never a need (ADR 9): when the
cache cannot be reached, a session is read from and written to the database alone, and the
request goes on (Django's own raises, and the visitor gets an error page). A session stays in
the cache for at most `SESSION_CACHE_SECONDS`, so a session ended while some server could not
reach the cache to delete it is read again from the database within that time.
"""

import logging

from django.conf import settings
from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore

logger = logging.getLogger(__name__)


class SessionStore(cached_db.SessionStore):
    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception:  # unreachable, or a key it refuses: the database has the session
            logger.warning("session cache unreachable; reading the database", exc_info=True)
            data = None
        if data is not None:
            return data
        stored = self._get_session_from_db()
        if not stored:
            return {}
        data = self.decode(stored.session_data)
        self._cache_set(data, self.get_expiry_age(expiry=stored.expire_date))
        return data

    def exists(self, session_key):
        try:
            if session_key and (self.cache_key_prefix + session_key) in self._cache:
                return True
        except Exception:
            logger.warning("session cache unreachable; asking the database", exc_info=True)
        return DatabaseStore.exists(self, session_key)

    def save(self, must_create=False):
        DatabaseStore.save(self, must_create)
        self._cache_set(self._session, self.get_expiry_age())

    def delete(self, session_key=None):
        DatabaseStore.delete(self, session_key)
        session_key = session_key or self.session_key
        if session_key is None:
            return
        try:
            self._cache.delete(self.cache_key_prefix + session_key)
        except Exception:
            # Ended in the database; the cache's copy lapses within SESSION_CACHE_SECONDS.
            logger.warning("session cache unreachable; session ended in the database only")

    def _cache_set(self, data, expiry_age: int) -> None:
        try:
            self._cache.set(self.cache_key, data, min(expiry_age, settings.SESSION_CACHE_SECONDS))
        except Exception:
            logger.warning("session cache unreachable; session kept in the database only")
