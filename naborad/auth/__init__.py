"""Accounts: login, logout, password reset, invitations and the own profile."""
from flask import Blueprint

bp = Blueprint("auth", __name__)

from . import views  # noqa: E402,F401
