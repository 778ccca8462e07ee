"""open_location: the codes the API's own paths use are not location codes."""

from decimal import Decimal

import pytest

from comptoir.core.errors import ValidationFailed
from comptoir.locations.models import Location
from comptoir.locations.services import open_location

pytestmark = pytest.mark.django_db


def test_nearest_cannot_be_a_location_code_since_it_names_the_store_locator():
    with pytest.raises(ValidationFailed) as refused:
        open_location(
            code="nearest",
            name="Élan Nearest",
            city="Lyon",
            latitude=Decimal("45.76070"),
            longitude=Decimal("4.85950"),
        )

    assert refused.value.errors == [{"field": "code", "message": "reserved word"}]
    assert not Location.objects.exists()
