"""Flask extensions, created unbound and initialised in create_app."""
from flask import request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from .compression import Compression
from .csrf_mask import MaskedCSRFProtect

# Named constraints so Alembic migrations are stable on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def client_ip() -> str:
    # With NABORAD_TRUST_PROXY, ProxyFix has already put the client's address here.
    return request.remote_addr or "unknown"


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = MaskedCSRFProtect()  # Flask-WTF's, with the token masked per response (naborad/csrf_mask.py)
babel = Babel()
limiter = Limiter(key_func=client_ip, default_limits=[], headers_enabled=True)
# Flask-Compress keeps its settings on this object, not per app: every app of a process shares them (as they do).
compress = Compression()
