"""The one wiring place: settings → engine → unit-of-work factory → services' collaborators."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from tradeoff.accounts.service import LoginGuard
from tradeoff.settings import Settings
from tradeoff.storage.db import make_engine, make_session_factory
from tradeoff.storage.uow import UnitOfWork, UowFactory


@dataclass
class Container:
    settings: Settings
    engine: Engine
    uow: UowFactory
    login_guard: LoginGuard

    def unit_of_work(self) -> UnitOfWork:
        return self.uow()


def bootstrap(settings: Settings, engine: Engine | None = None) -> Container:
    engine = engine or make_engine(settings.resolved_database_url, echo=settings.log_sql)
    return Container(
        settings=settings,
        engine=engine,
        uow=UowFactory(make_session_factory(engine)),
        login_guard=LoginGuard(settings.login_attempts_per_minute),
    )
