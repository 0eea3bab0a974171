"""Unit of work: one transaction per use case. Services receive it and never commit on their own."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType

from sqlalchemy.orm import Session, sessionmaker


@dataclass
class Actor:
    """Who is acting: a user (web, API token) or the local operator (CLI)."""

    user_id: int | None
    label: str
    via: str = "api"


class UnitOfWork:
    def __init__(self, session_factory: sessionmaker[Session] | Callable[[], Session]) -> None:
        self._factory = session_factory
        self.session: Session

    def __enter__(self) -> UnitOfWork:
        self.session = self._factory()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if exc_type is None:
                self.session.commit()
            else:
                self.session.rollback()
        finally:
            self.session.close()

    def flush(self) -> None:
        self.session.flush()


@dataclass
class UowFactory:
    session_factory: sessionmaker[Session]
    hooks: list[Callable[[], None]] = field(default_factory=list)

    def __call__(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory)
