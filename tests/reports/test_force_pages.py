"""/forces/ and /forces/<slug>/: the forces as the latest publication had them (issue 11)."""

import datetime

import pytest

from forces.models import Force
from tests.forces.factories import ActionPlanFactory, ForceFactory, ProvidedActionPlanFactory
from tests.reports.factories import ReadyToPublishQuarterlyUpdateFactory
from tests.reports.publishing import publish_for_test

pytestmark = pytest.mark.django_db


@pytest.fixture
def published_forces(db) -> None:
    ProvidedActionPlanFactory(
        force=ForceFactory(name="Gwent Police", slug="gwent", nation=Force.Nation.WALES),
        provided_on=datetime.date(2014, 9, 19),
        published_url="https://www.gwent.police.uk/action-plan",
    )
    ActionPlanFactory(force=ForceFactory(name="Kent Police", slug="kent"))
    publish_for_test(ReadyToPublishQuarterlyUpdateFactory(), by=None)


def test_the_list_shows_the_forces_by_nation(published_forces, anonymous_client):
    html = anonymous_client.get("/forces/").content.decode()

    assert html.index(">England</h2>") < html.index(">Kent Police</a>") < html.index(">Wales</h2>")
    assert html.index(">Wales</h2>") < html.index(">Gwent Police</a>")
    assert "19 September 2014" in html
    assert 'href="https://www.gwent.police.uk/action-plan"' in html
    assert "Not yet provided" in html


def test_one_force_page(published_forces, anonymous_client):
    html = anonymous_client.get("/forces/gwent/").content.decode()

    assert '<h1 class="govuk-heading-xl">Gwent Police</h1>' in html
    assert "19 September 2014" in html
    assert 'href="https://www.gwent.police.uk/action-plan"' in html


def test_an_unknown_force_is_a_govuk_404(published_forces, anonymous_client):
    response = anonymous_client.get("/forces/no-such-force/")

    assert response.status_code == 404
    assert "govuk-template" in response.content.decode()


def test_the_plans_pages_stay_with_the_forces_app(published_forces, anonymous_client):
    assert anonymous_client.get("/forces/plans/").status_code == 302  # sign in first


def test_the_secretariat_enters_the_address_of_a_forces_published_plan(secretariat_client):
    from tests.forces.factories import ActionPlanFactory

    plan = ActionPlanFactory()

    page = secretariat_client.get(f"/admin/forces/actionplan/{plan.pk}/change/").content.decode()

    assert 'name="published_url"' in page
