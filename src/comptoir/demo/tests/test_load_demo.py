import pytest
from django.contrib.auth import get_user_model

from comptoir.accounts.models import StaffMember
from comptoir.core.models import OutboxEvent
from comptoir.customers.models import Customer
from comptoir.demo.retailer import load
from comptoir.demo.stores import DEFAULT_STORE_COUNT, WAREHOUSES
from comptoir.locations.models import Location


def counts() -> dict[str, int]:
    return {
        "locations": Location.objects.count(),
        "customers": Customer.objects.count(),
        "staff": StaffMember.objects.count(),
        "users": get_user_model().objects.count(),
        "events": OutboxEvent.objects.count(),
    }


@pytest.mark.django_db
def test_loading_the_demo_twice_adds_nothing():
    load(seed=7, customers=20, skus=60)
    first = counts()

    load(seed=7, customers=20, skus=60)

    assert counts() == first
    assert first["locations"] == DEFAULT_STORE_COUNT + len(WAREHOUSES) == 30 + 2
    assert first["customers"] == 20 + 1  # the crowd and Jean Martin


@pytest.mark.django_db
def test_the_demo_has_one_staff_member_of_each_role_and_jean_martin():
    logins = load(seed=7, customers=0, stores=2, skus=60)

    assert sorted(StaffMember.objects.values_list("role", flat=True)) == [
        "administrator",
        "agent",
        "associate",
        "operations",
    ]
    associate = StaffMember.objects.get(role="associate")
    assert list(associate.stores.values_list("code", flat=True)) == ["lyon-part-dieu"]
    jean = Customer.objects.get(email="jean.martin@example.fr")
    assert (jean.first_name, jean.last_name, jean.user is not None) == ("Jean", "Martin", True)
    assert [login.username for login in logins][-1] == "jean.martin@example.fr"


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_customers():
    load(seed=3, customers=5, stores=1, skus=30)
    names = list(Customer.objects.order_by("email").values_list("first_name", "last_name"))
    Customer.objects.exclude(email="jean.martin@example.fr").delete()

    load(seed=3, customers=5, stores=1, skus=30)

    assert list(Customer.objects.order_by("email").values_list("first_name", "last_name")) == names


@pytest.mark.django_db
def test_jeans_jacket_is_on_the_shelf_at_lyon_part_dieu_and_the_ledger_explains_it():
    from comptoir.inventory.models import StockLevel, StockMovement

    load(seed=7, customers=0, stores=2, skus=60)

    level = StockLevel.objects.get(variant__sku="JACKET-TRAIL-S", location__code="lyon-part-dieu")
    assert level.on_hand > 0
    receipts = StockMovement.objects.filter(
        variant__sku="JACKET-TRAIL-S", location__code="lyon-part-dieu"
    )
    assert sum(m.on_hand_delta for m in receipts) == level.on_hand


@pytest.mark.django_db
def test_every_level_the_demo_loads_names_its_variants_product():
    from django.db.models import F

    from comptoir.inventory.models import StockLevel

    load(seed=7, customers=0, stores=2, skus=60)

    levels = StockLevel.objects.all()
    assert levels.values("product_id").distinct().count() > 1
    assert not levels.exclude(product_id=F("variant__product_id")).exists()


@pytest.mark.django_db
def test_a_catalogue_of_sizes_gives_about_the_asked_number_of_skus():
    from comptoir.catalog.models import Variant

    load(seed=7, customers=0, stores=1, skus=300)

    assert 300 <= Variant.objects.count() < 300 + 20  # the last product's sizes round it up
