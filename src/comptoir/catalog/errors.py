from comptoir.core.errors import Conflict, NotFound, ValidationFailed


class InvalidPicture(ValidationFailed):
    code = "invalid-picture"
    title = "The file is not a picture we can read"


class InvalidGtin(ValidationFailed):
    code = "invalid-gtin"
    title = "A GTIN is not valid"


class InvalidPrice(ValidationFailed):
    code = "invalid-price"
    title = "A price is not valid"


class UnknownCategory(ValidationFailed):
    code = "unknown-category"


class UnknownStore(ValidationFailed):
    code = "unknown-store"


class UnknownProduct(ValidationFailed):
    code = "unknown-product"


class InvalidCsv(ValidationFailed):
    code = "invalid-csv"
    title = "The CSV file cannot be imported"


class SkuTaken(Conflict):
    code = "sku-taken"


class GtinTaken(Conflict):
    code = "gtin-taken"


class ProductSlugTaken(Conflict):
    code = "product-slug-taken"


class CategorySlugTaken(Conflict):
    code = "category-slug-taken"


class RelationExists(Conflict):
    code = "relation-exists"


class ImportInProgress(Conflict):
    code = "import-in-progress"
    title = "Another worker is running this import"


class ProductNotFound(NotFound):
    code = "product-not-found"


class VariantNotFound(NotFound):
    code = "variant-not-found"


class PriceNotFound(NotFound):
    code = "price-not-found"
    title = "This SKU has no price here"


class ImportJobNotFound(NotFound):
    code = "import-job-not-found"


class UnknownChannel(ValidationFailed):
    code = "unknown-channel"
