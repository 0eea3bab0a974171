"""The record collections the API serves with the same routes (list, get, create, update, archive, batch) and the
CLI with the same commands: each one's service, schemas and permissions. Apart from the API app so that the CLI
can read it without building the API."""

from __future__ import annotations

from tradeoff.api.records import RecordApi
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
              cms.CommitmentFilters, "Commitment", "Commitments", create_need="promise", edit_need="promise"),
]
