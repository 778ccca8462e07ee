import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from comptoir.inventory.models import StockLevel
from comptoir.inventory.tests.factories import make_store, make_variant

BEFORE_PRODUCT = ("inventory", "0003_snapshot_report_help_text")
PRODUCT_REQUIRED = ("inventory", "0005_stocklevel_product_required")


def migrate(target: tuple[str, str] | None = None) -> None:
    """To `target`, or (None) to every app's latest migration: where the tests after this
    one expect the schema."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target] if target else executor.loader.graph.leaf_nodes())


@pytest.fixture
def schema_put_back():
    yield
    migrate()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("schema_put_back")
def test_levels_from_before_the_product_column_get_their_variants_product():
    store = make_store()
    jacket = make_variant("JACKET-S", product_slug="veste-trail")
    socks = make_variant("SOCKS-42", product_slug="chaussettes-run")
    migrate(BEFORE_PRODUCT)
    with connection.cursor() as cursor:
        for variant in (socks, jacket):
            cursor.execute(
                "INSERT INTO inventory_stocklevel (variant_id, location_id, on_hand, held,"
                " updated_at) VALUES (%s, %s, 3, 0, CURRENT_TIMESTAMP)",
                [variant.pk, store.pk],
            )

    migrate(PRODUCT_REQUIRED)

    assert dict(StockLevel.objects.values_list("variant__sku", "product__slug")) == {
        "JACKET-S": "veste-trail",
        "SOCKS-42": "chaussettes-run",
    }
