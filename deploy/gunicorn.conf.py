"""gunicorn settings for Naboråd (`gunicorn -c deploy/gunicorn.conf.py --bind ... --workers N wsgi:app`).

The access log follows the app's log rule (naborad/ops/request_log.py): no path (some carry a token: a
calendar or reset link), no query string (search terms), no referrer, no user agent, no address; the request
id (X-Request-ID, set by the app) joins a line to the app's own line, which names the endpoint.
"""
accesslog = "-"
access_log_format = '%(t)s %(m)s %(s)s %(B)s %(M)sms rid=%({x-request-id}o)s'
errorlog = "-"
loglevel = "info"
# A request that runs longer than this is stopped (and logged with its traceback by gunicorn).
timeout = 60
# Workers are replaced now and then, so a slow leak can never grow without end.
max_requests = 5000
max_requests_jitter = 500
# The app logs through the root logger to stderr; gunicorn's own loggers stay as they are.
capture_output = False
