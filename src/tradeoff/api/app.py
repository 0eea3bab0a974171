"""The REST API, mounted at /api/v1 with its own OpenAPI document."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy.exc import DataError, StatementError
from starlette.exceptions import HTTPException as StarletteHTTPException

from tradeoff import __version__
from tradeoff.api import problems
from tradeoff.api.briefs import router as briefs_router
from tradeoff.api.delivery import router as delivery_router
from tradeoff.api.deps import numbers_fit
from tradeoff.api.imports import router as imports_router
from tradeoff.api.insights import router as insights_router
from tradeoff.api.notifications import router as notifications_router
from tradeoff.api.publishing import router as publishing_router
from tradeoff.api.records import RecordApi, build_router
from tradeoff.api.routes import router as extra_router
from tradeoff.api.strategy import router as strategy_router
from tradeoff.api.triage import router as triage_router
from tradeoff.api.views import router as views_router
from tradeoff.bootstrap import Container
from tradeoff.commitments import schemas as cms
from tradeoff.commitments import service as commitment_service
from tradeoff.competitors import schemas as cos
from tradeoff.competitors import service as competitor_service
from tradeoff.components import schemas as cps
from tradeoff.components import service as component_service
from tradeoff.customers import schemas as cs
from tradeoff.customers import service as customer_service
from tradeoff.decisions import schemas as ds
from tradeoff.decisions import service as decision_service
from tradeoff.errors import TradeoffError
from tradeoff.features import schemas as fs
from tradeoff.features import service as feature_service
from tradeoff.feedback import schemas as fbs
from tradeoff.feedback import service as feedback_service
from tradeoff.plans import schemas as pls
from tradeoff.plans import service as plan_service
from tradeoff.problems import schemas as ps
from tradeoff.problems import service as problem_service
from tradeoff.products import schemas as prs
from tradeoff.products import service as product_service
from tradeoff.strategy import schemas as sts
from tradeoff.strategy import service as strategy_service
from tradeoff.teams import schemas as tms
from tradeoff.teams import service as team_service

RECORD_APIS = [
    RecordApi(product_service, prs.ProductCreate, prs.ProductUpdate, prs.ProductOut, prs.ProductFilters, "Product", "Products"),
    RecordApi(customer_service, cs.CustomerCreate, cs.CustomerUpdate, cs.CustomerOut, cs.CustomerFilters, "Customer", "Customers"),
    RecordApi(feedback_service, fbs.FeedbackCreate, fbs.FeedbackUpdate, fbs.FeedbackOut, fbs.FeedbackFilters,
              "Feedback", "Feedback", create_need="evidence"),
    RecordApi(problem_service, ps.ProblemCreate, ps.ProblemUpdate, ps.ProblemOut, ps.ProblemFilters, "Problem", "Problems"),
    RecordApi(feature_service, fs.FeatureCreate, fs.FeatureUpdate, fs.FeatureOut, fs.FeatureFilters, "Feature", "Features"),
    RecordApi(strategy_service, sts.ObjectiveCreate, sts.ObjectiveUpdate, sts.ObjectiveOut, sts.ObjectiveFilters,
              "Objective", "Objectives"),
    RecordApi(decision_service, ds.DecisionCreate, ds.DecisionUpdate, ds.DecisionOut, ds.DecisionFilters,
              "Decision", "Decisions"),
    RecordApi(competitor_service, cos.CompetitorCreate, cos.CompetitorUpdate, cos.CompetitorOut, cos.CompetitorFilters,
              "Competitor", "Competitors"),
    # delivery (issue 5): engineers may change teams and components ("technical"), PMs plans and commitments
    RecordApi(team_service, tms.TeamCreate, tms.TeamUpdate, tms.TeamOut, tms.TeamFilters, "Team", "Teams",
              create_need="technical", edit_need="technical"),
    RecordApi(component_service, cps.ComponentCreate, cps.ComponentUpdate, cps.ComponentOut, cps.ComponentFilters,
              "Component", "Components", create_need="technical", edit_need="technical"),
    RecordApi(plan_service, pls.PlanCreate, pls.PlanUpdate, pls.PlanOut, pls.PlanFilters, "Plan", "Plans"),
    RecordApi(commitment_service, cms.CommitmentCreate, cms.CommitmentUpdate, cms.CommitmentOut,
              cms.CommitmentFilters, "Commitment", "Commitments"),
]


def build_api(container: Container) -> FastAPI:
    api = FastAPI(
        title="Tradeoff API",
        version=__version__,
        description="Evidence → problems → features → priorities → plans → forecasts. "
        "Authenticate with `Authorization: Bearer <token>`; errors are RFC 9457 application/problem+json.",
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
        dependencies=[Depends(numbers_fit)],
    )
    api.state.container = container
    for rec in RECORD_APIS:
        api.include_router(build_router(rec))
    api.include_router(extra_router)
    api.include_router(imports_router)
    api.include_router(insights_router)
    api.include_router(briefs_router)
    api.include_router(delivery_router)
    api.include_router(strategy_router)
    api.include_router(triage_router)
    api.include_router(publishing_router)
    api.include_router(notifications_router)
    api.include_router(views_router)
    api.add_exception_handler(TradeoffError, problems.tradeoff_error)
    api.add_exception_handler(RequestValidationError, problems.validation_error)
    api.add_exception_handler(StarletteHTTPException, problems.http_error)
    api.add_exception_handler(OverflowError, problems.database_refused)
    api.add_exception_handler(DataError, problems.database_refused)
    api.add_exception_handler(StatementError, problems.statement_refused)
    api.add_exception_handler(PydanticValidationError, problems.model_validation_error)

    def openapi() -> dict[str, Any]:
        if api.openapi_schema is None:
            api.openapi_schema = problems.document(get_openapi(
                title=api.title, version=api.version, description=api.description, routes=api.routes))
        return api.openapi_schema

    api.openapi = openapi  # type: ignore[method-assign]
    return api
