"""Products and variants, categories, channel listings, prices and product relations."""

from django.db import models
from django.db.models import Q

from comptoir.core.channels import CHANNELS
from comptoir.core.models import LeasedJob


class Category(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=200)
    brand = models.CharField(max_length=80, blank=True)
    description = models.TextField(blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    is_active = models.BooleanField(default=True)
    attributes = models.JSONField(
        default=dict, blank=True, help_text="what every variant shares, e.g. material: polyester"
    )

    def __str__(self) -> str:
        return self.name


class Variant(models.Model):
    """A sellable unit: one SKU, one size/colour of a product."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField(max_length=40, unique=True)
    gtin = models.CharField(max_length=14, null=True, blank=True, unique=True)
    size = models.CharField(max_length=20, blank=True)
    colour = models.CharField(max_length=40, blank=True)
    attributes = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return self.sku


class ProductImage(models.Model):
    """One picture of a product: the original file and the smaller copies made from it
    (`services.images`), which a page offers the browser as a `srcset` (ADR 0034)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    position = models.PositiveSmallIntegerField(help_text="0 is the cover")
    alt_text = models.CharField(max_length=200)
    original = models.FileField(upload_to="products/", max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    renditions = models.JSONField(
        default=list, blank=True, help_text='smaller copies: [{"width", "height", "name"}]'
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["product", "position"], name="one_image_per_position"),
            models.CheckConstraint(condition=Q(width__gt=0, height__gt=0), name="image_has_a_size"),
        ]


class ChannelListing(models.Model):
    """Where a product is offered, with the presentation adapted to the channel."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="listings")
    channel = models.CharField(max_length=20, choices=CHANNELS)
    title = models.CharField(max_length=200, blank=True, help_text="blank: the product name")
    is_published = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["product", "channel"], name="one_listing_per_channel")
        ]


class Price(models.Model):
    """One price per SKU everywhere; a row with a channel and/or a store is an explicit override."""

    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="prices")
    channel = models.CharField(max_length=20, choices=CHANNELS, blank=True)
    location = models.ForeignKey(
        "locations.Location", null=True, blank=True, on_delete=models.CASCADE
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="EUR")
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="price_not_negative"),
            # One row per rule; spelled as four partial indexes because NULL (no store) is
            # never equal to NULL in a plain unique index, on SQLite as on PostgreSQL.
            models.UniqueConstraint(
                fields=["variant"],
                name="one_base_price",
                condition=Q(channel="", location__isnull=True),
            ),
            models.UniqueConstraint(
                fields=["variant", "channel"],
                name="one_channel_price",
                condition=~Q(channel="") & Q(location__isnull=True),
            ),
            models.UniqueConstraint(
                fields=["variant", "location"],
                name="one_store_price",
                condition=Q(channel="", location__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["variant", "channel", "location"],
                name="one_channel_store_price",
                condition=~Q(channel="") & Q(location__isnull=False),
            ),
        ]


class ProductRelation(models.Model):
    class Kind(models.TextChoices):
        ACCESSORY_OF = "accessory_of"
        REPLACEMENT_OF = "replacement_of"

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="relations")
    related = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="related_from")
    kind = models.CharField(max_length=20, choices=Kind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["product", "related", "kind"], name="one_relation"),
            models.CheckConstraint(condition=~Q(product=models.F("related")), name="not_self"),
        ]


class ImportJob(LeasedJob):
    """A CSV import of products and variants, run in batches by the worker."""

    csv_text = models.TextField()
    accepted = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(processed_rows__lte=models.F("total_rows")),
                name="import_progress_within_total",
            ),
            models.CheckConstraint(
                condition=Q(accepted=models.F("processed_rows") - models.F("rejected")),
                name="import_every_processed_row_counted_once",
            ),
        ]


class ProductSearchDocument(models.Model):
    """What a search reads of a product, one row per product, written by `services.search`.

    The database indexes it: an FTS5 table kept in step by triggers on SQLite, a generated
    `tsvector` column (French configuration with unaccent) on PostgreSQL (migration 0003).
    """

    product = models.OneToOneField(
        Product, primary_key=True, on_delete=models.CASCADE, related_name="search_document"
    )
    name = models.CharField(max_length=200)
    brand = models.CharField(max_length=80, blank=True)
    categories = models.CharField(max_length=400, blank=True, help_text="its category and parents")
    attributes = models.TextField(blank=True, help_text="sizes, colours, attributes, SKUs, GTINs")
    description = models.TextField(blank=True)
    # What the facets count, read with the match in one go: the lowest base price among the
    # variants, and their sizes and colours (one a line).
    price_from = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    sizes = models.TextField(blank=True)
    colours = models.TextField(blank=True)


class SearchTerm(models.Model):
    """A word of the catalogue (lower case, unaccented, singular): what a typo is corrected to.

    Words are added as products are written and never removed: a word no product has any more
    only corrects a typo into a search that finds nothing.
    """

    term = models.CharField(max_length=60, unique=True)
