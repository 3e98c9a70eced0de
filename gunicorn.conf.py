# gunicorn -c gunicorn.conf.py  (settings from the environment, see .env.example)
import multiprocessing
import os

wsgi_app = "kdkmp.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", str(multiprocessing.cpu_count() * 2 + 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
accesslog = "-"
errorlog = "-"
# The served app's longest database statement, in seconds (PostgreSQL): a request then fails with
# the maintenance page instead of hanging. Only here, not in the settings' default, because
# manage.py commands (migrations, import_roster, seed_scale) may legitimately run longer ones.
os.environ.setdefault("DB_STATEMENT_TIMEOUT", "30")
