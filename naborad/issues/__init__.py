"""Issues ("saker"): the council's threads, from challenge to solution."""
from flask import Blueprint

bp = Blueprint("issues", __name__, url_prefix="/saker")

from . import views  # noqa: E402,F401
