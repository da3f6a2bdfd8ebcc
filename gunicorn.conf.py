"""gunicorn settings for the web process (see deploy/ and the Procfile)."""

import multiprocessing
import os

bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
# Sync workers: the pages are short database-bound requests. 2 per core + 1, capped so a
# large host does not open more database connections than PostgreSQL allows by default.
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 9)))
timeout = int(os.environ.get("WEB_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow without bound; the
# app is loaded once in the master, so a new worker is a fork, not a second of
# imports (at 2,000 requests the API's p99 was a worker restart: 1.6 s).
preload_app = True
max_requests = 20000
max_requests_jitter = 2000
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms request_id=%({x-request-id}o)s'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
