"""The data model: SQLAlchemy 2 typed models, one module per feature, all importable from here."""
from .agreement import AgreementChange, AgreementItem, AgreementStatus, Responsible  # noqa: F401
from .base import UTCDateTime, enum_column, utcnow  # noqa: F401
from .contact import ChairContact, ContactPoint, Guidance, RotaDays, RotaMember, RotaSlot  # noqa: F401
from .core import (  # noqa: F401
                   AuditEvent,
                   ChairSeat,
                   EmailChange,
                   Invitation,
                   LoginFailure,
                   MailStatus,
                   OutboxMail,
                   PasswordReset,
                   Role,
                   SessionSecret,
                   User,
                   UserSession,
                   audit,
                   role_from_choice,
                   user_by_login,
)
from .council import CouncilSetting  # noqa: F401
from .dialogue import PATTERN_AGENDA, PATTERN_DIALOGUE, DialogueInvitee, DialogueMeeting, ReportPatternMark  # noqa: F401
from .direct import SCOPE_CHAIR, SCOPE_COUNCIL, Conversation, DirectBlock, DirectConsent, DirectMessage  # noqa: F401
from .events import Event, Signup, SignupStatus, TaskSlot, VolunteerTask  # noqa: F401
from .issues import Issue, IssueCategory, IssueEvent, IssueEventKind, IssueFollow, IssueStatus, Reply, search_key  # noqa: F401
from .jobs import JobRun  # noqa: F401
from .meetings import (  # noqa: F401
                   STILL_UPCOMING,
                   ActionItem,
                   AgendaItem,
                   CycleResult,
                   ItemPhase,
                   ItemState,
                   Meeting,
                   MeetingResponse,
                   MeetingSeries,
                   MeetingStatus,
                   RsvpAnswer,
                   SeriesException,
                   SeriesRule,
                   StandingKind,
                   next_open_meeting,
                   open_meetings,
)
from .notifications import CalendarFeed, Notification, NotificationSetting, ReminderSent  # noqa: F401
from .premeeting import (  # noqa: F401
                   PreItemState,
                   PreMeeting,
                   PreMeetingComment,
                   PreMeetingItem,
                   PreMeetingPlan,
                   PreMeetingResponse,
)
from .pulse import PulseAnswer, PulseAnswered, PulseComment, PulseGroup, PulseRound  # noqa: F401
from .reports import (  # noqa: F401
                   ContactWay,
                   EscalationWait,
                   MessageKind,
                   ReportCategory,
                   ReportEscalation,
                   ReportMessage,
                   ReportStatus,
                   SituationReport,
                   StaffAlert,
)
from .start import GUEST_AFTER_APPROVAL, HouseholdCode, LetterRun, MeetingGuest  # noqa: F401
from .two_factor import RecoveryCode, SecondFactor  # noqa: F401
from .yearly import YearlyText  # noqa: F401
