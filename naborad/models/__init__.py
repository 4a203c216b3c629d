"""The data model: SQLAlchemy 2 typed models, one module per feature, all importable from here."""
from .base import UTCDateTime, enum_column, utcnow  # noqa: F401
from .contact import ContactPoint  # noqa: F401
from .core import (AuditEvent, ChairSeat, Invitation, LoginFailure, MailStatus, OutboxMail,  # noqa: F401
                   PasswordReset, Role, User, UserSession, audit, user_by_login)
from .issues import (Issue, IssueCategory, IssueEvent, IssueFollow, IssueStatus, Reply,  # noqa: F401
                     search_key)
