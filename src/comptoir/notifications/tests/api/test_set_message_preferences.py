"""PUT /api/v1/customers/{id}/message-preferences and GET …/messages."""

import pytest

from comptoir.customers.tests.factories import make_shopper
from comptoir.notifications.models import ChannelPreference

pytestmark = pytest.mark.django_db


def test_a_shopper_sets_their_own_channels_and_not_another_shoppers(client):
    jean = make_shopper()
    marie = make_shopper("marie@example.fr", first_name="Marie")
    client.force_login(jean.user)

    mine = client.put(
        f"/api/v1/customers/{jean.pk}/message-preferences",
        {"email": False, "sms": True},
        content_type="application/json",
    )
    theirs = client.put(
        f"/api/v1/customers/{marie.pk}/message-preferences",
        {"email": False, "sms": True},
        content_type="application/json",
    )

    assert mine.json() == {"email": False, "sms": True}
    assert theirs.status_code == 404
    assert list(ChannelPreference.objects.values_list("customer_id", "sms")) == [(jean.pk, True)]
    assert client.get(f"/api/v1/customers/{jean.pk}/messages").json()["items"] == []
