"""`manage.py check --deploy` warns when password-reset mail would come from a fake sender."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError


def deploy_check_ids() -> set[str]:
    from django.core.checks import run_checks

    return {message.id for message in run_checks(include_deployment_checks=True)}


@pytest.mark.parametrize(
    "sender",
    [
        "webmaster@localhost",  # Django's default, and ours when DEFAULT_FROM_EMAIL is unset
        "",
        "not an address",
        "noreply@example.com",
        "National Oversight Group <oversight@example.gov.uk>",
        "oversight@service.test",
        "oversight@mail.invalid",
    ],
)
def test_a_placeholder_sender_is_warned_about(settings, sender) -> None:
    settings.DEFAULT_FROM_EMAIL = sender
    assert "oversight.W002" in deploy_check_ids()


@pytest.mark.parametrize(
    "sender",
    [
        "oversight-noreply@homeoffice.gov.uk",
        "National Oversight Group <oversight-noreply@homeoffice.gov.uk>",
    ],
)
def test_a_real_sender_passes(settings, sender) -> None:
    settings.DEFAULT_FROM_EMAIL = sender
    assert "oversight.W002" not in deploy_check_ids()


def test_the_warning_fails_the_ci_check(settings) -> None:
    """`make check` runs `check --deploy --fail-level WARNING`: the default sender stops it."""
    settings.DEFAULT_FROM_EMAIL = "webmaster@localhost"
    with pytest.raises(SystemCheckError, match="DEFAULT_FROM_EMAIL"):
        call_command(
            "check", deploy=True, fail_level="WARNING", tags=["security"], stdout=io.StringIO()
        )
