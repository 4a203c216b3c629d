"""The data model: SQLAlchemy 2 typed models, one module per feature, all importable from here."""
from .base import UTCDateTime, enum_column, utcnow  # noqa: F401
from .contact import ChairContact, ContactPoint, Guidance  # noqa: F401
from .core import (AuditEvent, ChairSeat, EmailChange, Invitation, LoginFailure, MailStatus, OutboxMail,  # noqa: F401
                   PasswordReset, Role, SessionSecret, User, UserSession, audit, role_from_choice,
                   user_by_login)
from .issues import (Issue, IssueCategory, IssueEvent, IssueEventKind, IssueFollow, IssueStatus, Reply,  # noqa: F401
                     search_key)
from .meetings import (STILL_UPCOMING, ActionItem, AgendaItem, ItemPhase, ItemState, Meeting,  # noqa: F401
                       MeetingResponse, MeetingStatus, RsvpAnswer, StandingKind, next_open_meeting, open_meetings)
from .reports import ContactWay, ReportCategory, ReportStatus, SituationReport, StaffAlert  # noqa: F401
from .events import Event, Signup, SignupStatus, TaskSlot, VolunteerTask  # noqa: F401
from .premeeting import (PreItemState, PreMeeting, PreMeetingComment, PreMeetingItem,  # noqa: F401
                         PreMeetingResponse)
from .notifications import CalendarFeed, Notification, NotificationSetting, ReminderSent  # noqa: F401
from .two_factor import RecoveryCode, SecondFactor  # noqa: F401
