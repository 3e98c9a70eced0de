"""Settings for the test suite: the normal settings with a test key and a fast hasher.

Everything a test process writes outside its database is its own, named by the process id, so
parallel runs and pytest-xdist's workers (one process each) never share a file: the SQLite test
database (pytest-django adds the worker to its name too), the import uploads and the media."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret-but-long-enough-0123456789")
os.environ.setdefault("DEBUG", "false")

from .settings import *  # noqa: E402,F401,F403

# A file, not SQLite's shared in-memory database: threads in the concurrency tests then take
# real locks (WAL, IMMEDIATE transactions) the way a served app does.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / f"kdkmp-test-{os.getpid()}.sqlite3")
    }

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405

# Tests change data behind the app's back (queryset.update) and reuse history ids after each
# rollback, so the dashboard cache is off; tests/dashboards/test_cache.py turns it on.
KDKMP_DASHBOARD_CACHE_SECONDS = 0
# A background thread's connection would not see a test's uncommitted data: in the request, except
# where tests/core/test_shared_cache.py turns it on (transactional tests).
KDKMP_DASHBOARD_RECOMPUTE_IN_BACKGROUND = False

# Stored files (evidence photos, import uploads, job results): this process's own directory in
# the temporary directory, never the project's media/ (tests/conftest.py removes it at the end).
MEDIA_ROOT = str(Path(tempfile.gettempdir()) / f"kdkmp-test-media-{os.getpid()}")

# Jobs run inside the test, at once; the tests through a real worker (tests/jobs) start
# `manage.py db_worker` with the database backend.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# The request log (one record per request) stays out of test and benchmark output; the tests of
# it raise its level themselves (tests/core/test_request_log.py).
LOGGING["loggers"] = {"kdkmp.request": {"level": "WARNING"}}  # noqa: F405
