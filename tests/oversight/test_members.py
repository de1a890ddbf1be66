import pytest

from oversight.models import Member, Organisation


@pytest.mark.parametrize(
    ("member", "label"),
    [
        (Member(role="Home Secretary", is_chair=True), "Home Secretary, Chair"),
        (
            Member(role="Minister of State for Crime Prevention"),
            "Minister of State for Crime Prevention",
        ),
        (
            Member(name="Alex Marshall", organisation=Organisation(name="College of Policing")),
            "Alex Marshall – College of Policing",
        ),
        (
            Member(
                name="Louisa Rolfe",
                honorific="ACC",
                role="National Policing Lead on Domestic Abuse",
            ),
            "ACC Louisa Rolfe – National Policing Lead on Domestic Abuse",
        ),
        (
            Member(
                name="Vera Baird", represents="PCCs (Labour)", role="Police and Crime Commissioner"
            ),
            "Vera Baird – Representing PCCs (Labour)",
        ),
        (Member(name="Jo Todd"), "Jo Todd"),
    ],
    ids=[
        "chair by office",
        "office only",
        "organisation",
        "honorific and role",
        "represents",
        "name only",
    ],
)
def test_listing_label(member, label):
    assert member.listing_label == label
    assert str(member) == label
