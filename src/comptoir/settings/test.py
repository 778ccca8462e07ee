"""Test settings: the same as base, with the database chosen by COMPTOIR_DATABASE_URL.

On SQLite the test database is a file (not :memory:) so that a worker started as a real
subprocess by a test can open the same database.
"""

import os

from .base import *  # noqa: F403
from .base import DATABASES, VAR_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {
        "NAME": str(VAR_DIR / f"test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}.sqlite3")
    }
else:  # PostgreSQL: a flush by DELETE, seconds faster a test than TRUNCATE (see its module)
    DATABASES["default"]["ENGINE"] = "comptoir.core.postgresql.testing"
    # A commit does not wait for the disk: a test needs its rows seen, not kept through a
    # power cut. Fixtures that load the demo commit about a thousand times.
    DATABASES["default"]["OPTIONS"]["options"] += " -c synchronous_commit=off"
HUEY = {"huey_class": "huey.MemoryHuey", "name": "comptoir-test", "immediate": True}
OUTBOX_LEASE_SECONDS = 60
OUTBOX_WAKE_GAP_SECONDS = 0  # the immediate queue sweeps inside the test, not on a timer
# Tests run their webhook receivers on this machine.
WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8", "::1/128"]
# Pictures a test makes land beside its database, never in the demo's media folder.
MEDIA_ROOT = VAR_DIR / f"test-media-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
SERVE_MEDIA = True  # browser tests show the pictures
