"""The one wiring place: settings → engine → unit-of-work factory → services' collaborators."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from tradeoff.accounts.service import LoginGuard
from tradeoff.settings import Settings
from tradeoff.storage.db import make_engine, make_session_factory
from tradeoff.storage.uow import UnitOfWork, UowFactory

if TYPE_CHECKING:  # imported when first used: it loads numpy and the text models, which most commands never need
    from tradeoff.triage.engine import TriageEngine


@dataclass
class Container:
    settings: Settings
    engine: Engine
    uow: UowFactory
    login_guard: LoginGuard
    _triage: TriageEngine | None = None

    def unit_of_work(self) -> UnitOfWork:
        return self.uow()

    @property
    def triage(self) -> TriageEngine:
        """The triage engine, built on first use (loading the optional model can take seconds)."""
        if self._triage is None:
            from tradeoff.triage.engine import TriageEngine, default_engine

            self._triage = default_engine() if self.settings.triage_model else TriageEngine()
        return self._triage


def bootstrap(settings: Settings, engine: Engine | None = None) -> Container:
    engine = engine or make_engine(settings.resolved_database_url, echo=settings.log_sql)
    return Container(
        settings=settings,
        engine=engine,
        uow=UowFactory(make_session_factory(engine)),
        login_guard=LoginGuard(settings.login_attempts_per_minute, engine),
    )
