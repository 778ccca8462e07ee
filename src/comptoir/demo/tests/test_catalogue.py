import pytest

from comptoir.catalog.domain import gtin13_of
from comptoir.catalog.models import Variant
from comptoir.demo.catalogue import load_catalogue, plan_products


@pytest.mark.django_db
def test_every_demo_variant_has_its_own_valid_gtin13():
    load_catalogue(skus=200, seed=7)

    gtins = list(Variant.objects.values_list("gtin", flat=True))

    assert len(gtins) >= 200
    assert all(gtin13_of(gtin) for gtin in gtins), [g for g in gtins if not gtin13_of(g)][:3]
    assert len(set(gtins)) == len(gtins)


def test_the_same_seed_gives_the_same_gtins():
    def first_gtins(seed):
        plans = list(plan_products(60, seed=seed))
        return [plan.gtin(position) for plan in plans for position in range(len(plan.skus))]

    assert first_gtins(7) == first_gtins(7)
    assert first_gtins(7)[0] == "03700000000006"  # Jean's jacket, size S
