"""Guests for one meeting (issue 22): a personal link, without an account, to one meeting's published agenda
and approved minutes, members named only by their group."""
from flask import Blueprint

bp = Blueprint("guests", __name__)

from . import views  # noqa: E402,F401
