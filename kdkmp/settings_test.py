"""Settings for the test suite: the normal settings with a test key and a fast hasher."""
import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")
os.environ.setdefault("DEBUG", "false")

from .settings import *  # noqa: E402,F401,F403

# A file, not SQLite's shared in-memory database: threads in the concurrency tests then take
# real locks (WAL, IMMEDIATE transactions) the way a served app does.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import tempfile
    from pathlib import Path

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / f"kdkmp-test-{os.getpid()}.sqlite3")
    }

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
