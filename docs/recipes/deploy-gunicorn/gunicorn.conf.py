"""gunicorn's settings for the deployment recipe (gunicorn -c gunicorn.conf.py)."""

import os

from deploy_gunicorn_app import worker_count

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", worker_count()))
# Threads let one worker wait on a slow client or database while others run.
worker_class = "gthread"
threads = 4
# A request taking longer than this is killed and its worker restarted.
timeout = 30
accesslog = "-"
