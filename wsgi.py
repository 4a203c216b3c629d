"""WSGI entry point: `gunicorn wsgi:app`."""
from naborad import create_app

app = create_app()
