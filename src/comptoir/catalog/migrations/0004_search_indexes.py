"""The search indexes each database builds over `catalog_productsearchdocument` (ADR 0033).

SQLite: an FTS5 table with accents removed (`remove_diacritics 2`), kept in step with the
document table by triggers. PostgreSQL: `unaccent` and `pg_trgm`, a French text search
configuration that removes accents before stemming, a weighted `tsvector` generated from the
document's columns with a GIN index, and a trigram index on the catalogue's words for typos.
"""

from django.db import migrations

SQLITE = [
    """CREATE VIRTUAL TABLE catalog_search_fts USING fts5(
        name, brand, categories, attributes, description,
        content='catalog_productsearchdocument', content_rowid='product_id',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3 4')""",
    """CREATE TRIGGER catalog_search_fts_insert AFTER INSERT ON catalog_productsearchdocument
       BEGIN
         INSERT INTO catalog_search_fts(rowid, name, brand, categories, attributes, description)
         VALUES (new.product_id, new.name, new.brand, new.categories, new.attributes,
                 new.description);
       END""",
    """CREATE TRIGGER catalog_search_fts_delete AFTER DELETE ON catalog_productsearchdocument
       BEGIN
         INSERT INTO catalog_search_fts(catalog_search_fts, rowid, name, brand, categories,
                                        attributes, description)
         VALUES ('delete', old.product_id, old.name, old.brand, old.categories, old.attributes,
                 old.description);
       END""",
    """CREATE TRIGGER catalog_search_fts_update AFTER UPDATE ON catalog_productsearchdocument
       BEGIN
         INSERT INTO catalog_search_fts(catalog_search_fts, rowid, name, brand, categories,
                                        attributes, description)
         VALUES ('delete', old.product_id, old.name, old.brand, old.categories, old.attributes,
                 old.description);
         INSERT INTO catalog_search_fts(rowid, name, brand, categories, attributes, description)
         VALUES (new.product_id, new.name, new.brand, new.categories, new.attributes,
                 new.description);
       END""",
]
SQLITE_UNDO = [
    "DROP TRIGGER catalog_search_fts_update",
    "DROP TRIGGER catalog_search_fts_delete",
    "DROP TRIGGER catalog_search_fts_insert",
    "DROP TABLE catalog_search_fts",
]

POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE TEXT SEARCH CONFIGURATION comptoir_search (COPY = french)",
    """ALTER TEXT SEARCH CONFIGURATION comptoir_search
       ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem""",
    """ALTER TABLE catalog_productsearchdocument ADD COLUMN vector tsvector
       GENERATED ALWAYS AS (
         setweight(to_tsvector('comptoir_search'::regconfig, name), 'A')
         || setweight(to_tsvector('comptoir_search'::regconfig, brand || ' ' || categories), 'B')
         || setweight(to_tsvector('comptoir_search'::regconfig, attributes), 'C')
         || setweight(to_tsvector('comptoir_search'::regconfig, description), 'D')
       ) STORED""",
    """CREATE INDEX catalog_search_vector ON catalog_productsearchdocument
       USING gin (vector)""",
    """CREATE INDEX catalog_searchterm_trigram ON catalog_searchterm
       USING gin (term gin_trgm_ops)""",
]
POSTGRESQL_UNDO = [
    "DROP INDEX catalog_searchterm_trigram",
    "DROP INDEX catalog_search_vector",
    "ALTER TABLE catalog_productsearchdocument DROP COLUMN vector",
    "DROP TEXT SEARCH CONFIGURATION comptoir_search",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_search_documents")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_UNDO, "postgresql": POSTGRESQL_UNDO}),
        )
    ]
