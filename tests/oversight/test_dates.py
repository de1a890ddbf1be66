"""`oversight.dates` writes every date and time as Django's own `date_format` and `localize`
write it: in each month, at every kind of hour, in the languages Django translates."""

import datetime
import zoneinfo

import pytest
from django.utils import formats, timezone, translation

from oversight import dates

LONDON = zoneinfo.ZoneInfo("Europe/London")
# Midnight, a minute past, a.m., noon, p.m. with and without minutes, the last minute.
TIMES = [(0, 0), (0, 1), (9, 5), (11, 59), (12, 0), (12, 30), (13, 0), (23, 59)]
MOMENTS = [
    datetime.datetime(year, month, 1 + month, hour, minute, 7, tzinfo=LONDON)
    for year in (2014, 2026)
    for month in range(1, 13)
    for hour, minute in TIMES
]
FORMATS = [
    "DATE_FORMAT",
    "DATETIME_FORMAT",
    "SHORT_DATE_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "j M Y",
    "j F Y, H:i",
    "d/m/y G:i:s a A f g h P",
    r"\a\t j\t\h n \o\f Y",  # escaped letters are themselves
    "l jS F Y",  # letters left to Django: the day's name, the English suffix
]


@pytest.mark.parametrize("language", ["en-gb", "en", "cy", "fr", "de"])
@pytest.mark.parametrize("format_name_or_string", FORMATS)
def test_dates_and_times_are_written_as_django_writes_them(language, format_name_or_string) -> None:
    with translation.override(language):
        for moment in MOMENTS:
            local = timezone.localtime(moment)
            assert dates.date_format(local, format_name_or_string) == formats.date_format(
                local, format_name_or_string
            ), (moment, format_name_or_string)


@pytest.mark.parametrize("language", ["en-gb", "fr"])
def test_the_admins_dates_are_written_as_django_localizes_them(language) -> None:
    with translation.override(language), timezone.override(LONDON):
        for moment in MOMENTS:
            # Stored in UTC, shown in London's time: an hour apart in summer.
            stored = moment.astimezone(datetime.UTC)
            assert dates.localize(stored) == formats.localize(timezone.template_localtime(stored))
            assert dates.localize(moment.date()) == formats.localize(moment.date())
            assert dates.localize(moment.time()) == formats.localize(moment.time())


def test_a_date_without_a_time_is_refused_a_time_format_as_django_refuses_it() -> None:
    with pytest.raises(TypeError, match="time-related format specifiers"):
        dates.date_format(datetime.date(2014, 12, 1), "j M Y, H:i")


def test_a_language_reads_its_own_month_names() -> None:
    december = datetime.date(2014, 12, 1)

    with translation.override("fr"):
        french = dates.date_format(december, "j F Y")
    with translation.override("en-gb"):
        english = dates.date_format(december, "j F Y")

    assert (french, english) == ("1 décembre 2014", "1 December 2014")
