"""Naboråd: the intranet of a neighbourhood council around a supported-housing facility."""
import logging
from pathlib import Path

from flask import Flask, g
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config as config_module

ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__, template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"),
                instance_path=str(ROOT / "instance"), instance_relative_config=True)
    app.config.from_mapping(config_module.load(app.instance_path, overrides))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    logging.basicConfig(level=logging.INFO)

    if app.config["TRUST_PROXY"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_prefix=1)

    from . import database  # noqa: F401  (engine event listeners)
    from .extensions import babel, csrf, db, limiter, login_manager, migrate
    from .i18n import ago_filter, datetime_filter, invitation_state, role_label, select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.session_protection = None  # sessions are checked server-side instead
    login_manager.login_view = None

    from . import auth, audit, members, pages
    from .auth import sessions  # noqa: F401  (user loader)
    for module in (auth, pages, members, audit):
        app.register_blueprint(module.bp)

    from .access import enforce_policy
    from .security import add_headers, check_csrf
    app.before_request(enforce_policy)
    app.before_request(check_csrf)
    app.after_request(add_headers)

    from .errors import register_error_handlers
    register_error_handlers(app)

    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters["datetime"] = datetime_filter
    app.jinja_env.filters["ago"] = ago_filter
    app.jinja_env.globals["csrf_token"] = generate_csrf
    app.jinja_env.globals["role_label"] = role_label
    app.jinja_env.globals["lang"] = lambda: str(get_locale() or app.config["DEFAULT_LANGUAGE"])
    app.jinja_env.globals["invitation_state"] = invitation_state

    @app.context_processor
    def inject():
        from .access import MODERATORS, STAFF
        from .models import Role
        return {"Role": Role, "MODERATORS": MODERATORS, "STAFF_ROLES": STAFF,
                "languages": app.config["LANGUAGES"], "csrf_failed": g.get("csrf_failed", False)}

    from .cli import register_cli
    register_cli(app)
    return app
