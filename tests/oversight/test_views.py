import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", ["anonymous_client", "member_client", "secretariat_client"])
def test_home_page_is_public_and_points_to_the_sign_in(persona, request):
    client = request.getfixturevalue(persona)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert b"National Oversight Group on the police response to domestic abuse" in response.content
    assert reverse("admin:login").encode() in response.content


def test_favicon_requests_go_to_the_govuk_icon(anonymous_client):
    response = anonymous_client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"].endswith("govuk/assets/images/favicon.ico")
