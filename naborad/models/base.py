"""Shared column types and helpers for the models."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy.types import DateTime, TypeDecorator

from ..extensions import db


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Stores aware UTC datetimes; SQLite hands back naive ones, made aware here (the one place)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given to a UTC column")
            value = value.astimezone(timezone.utc)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


def enum_column(cls, name, length=20):
    """A string column for a StrEnum (no native enum type, so migrations stay simple)."""
    return db.Enum(cls, name=name, native_enum=False, length=length,
                   values_callable=lambda e: [m.value for m in e], validate_strings=True)
