"""Pure shipping rules: no Django, no other app. Tested without a database."""
