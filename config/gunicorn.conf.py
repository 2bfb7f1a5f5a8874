"""Gunicorn, the production entry point: `gunicorn -c config/gunicorn.conf.py` (README.md, "Production").

Behind a reverse proxy that ends TLS: gunicorn listens on the loopback only and believes the proxy's
X-Forwarded-* headers from the addresses in FORWARDED_ALLOW_IPS only. Logs are JSON lines on stdout/stderr
(common/logging.py); an access line never has the query string, which may hold a searched name or ID number.
"""
import multiprocessing
import os

wsgi_app = "config.wsgi:application"
bind = [address.strip() for address in os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",") if address.strip()]
workers = int(os.environ.get("GUNICORN_WORKERS", str(min(2 * multiprocessing.cpu_count() + 1, 9))))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))  # a certificate PDF or a large export, not longer
graceful_timeout = 30
max_requests = 2000  # recycle workers now and then (memory held by large exports)
max_requests_jitter = 200
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Request size limits before Django sees anything (Django's own are in settings.py).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
logger_class = "common.logging.GunicornLogger"
# Never forward the app's output to syslog or elsewhere unstructured.
capture_output = False
