import pytest

from oversight.personal_pages import PERSONAL_PAGES


@pytest.fixture
def pages_kept(settings):
    """Signed-in pages kept per person, as in production (the suite makes them every time)."""
    settings.PERSONAL_PAGES_KEPT = 200
    PERSONAL_PAGES.clear()
    yield
    PERSONAL_PAGES.clear()
