"""Import every mapped class so metadata is complete (Alembic, create_all, relationship strings)."""

from tradeoff.accounts.model import ApiToken, Invitation, Membership, User, Workspace
from tradeoff.audit.model import AuditEvent
from tradeoff.blockers.model import Blocker
from tradeoff.briefs.model import BriefVersion
from tradeoff.comments.model import Comment
from tradeoff.commitments.model import Commitment, CommitmentEvent, DeliverySettings
from tradeoff.competitors.model import Capability, Competitor
from tradeoff.components.model import Component
from tradeoff.customers.model import Customer, MoneySettings
from tradeoff.decisions.model import Decision, decision_features, decision_feedback, decision_problems
from tradeoff.estimates.model import Estimate
from tradeoff.features.model import Feature, feature_problems
from tradeoff.feedback.model import Embedding, Feedback, SuggestionDismissal
from tradeoff.links.model import Link
from tradeoff.notifications.model import (
    Delivery,
    DeliveryAttempt,
    DigestRun,
    Event,
    Notification,
    Subscription,
    Webhook,
)
from tradeoff.plans.model import Plan, SavedWhatIf
from tradeoff.problems.model import Problem
from tradeoff.products.model import Product
from tradeoff.publishing.model import PublicSubmission, Share
from tradeoff.records.model import IdempotencyRecord
from tradeoff.scoring.model import ScoringFormula, ScoringInput, ScoringSettings
from tradeoff.sizing.model import BusinessCase, ProblemSize
from tradeoff.stakeholders.model import Vote
from tradeoff.storage.base import Base
from tradeoff.strategy.model import Objective, objective_features, objective_problems
from tradeoff.teams.model import Team, TeamMember
from tradeoff.triage.model import KindModel
from tradeoff.views.model import SavedView
from tradeoff.workitems.model import WorkItem

__all__ = [
    "ApiToken", "AuditEvent", "Base", "Comment", "Customer", "MoneySettings", "Embedding", "KindModel", "SuggestionDismissal", "Feature", "Feedback", "IdempotencyRecord",
    "Link", "Membership", "Problem", "Product", "User", "Workspace", "feature_problems",
    # strategy, sizing, scoring, stakeholders, decisions, competitors (issue 4)
    "BusinessCase", "Capability", "Competitor", "Decision", "Objective", "ProblemSize", "ScoringFormula",
    "ScoringInput", "ScoringSettings", "Vote", "decision_features", "decision_feedback", "decision_problems",
    "objective_features", "objective_problems",
    # publishing, notifications and webhooks (issue 6)
    "Delivery", "DeliveryAttempt", "DigestRun", "Event", "Notification", "PublicSubmission", "Share", "Subscription",
    "Webhook",
    # teams, components, estimates, work history, plans, commitments (issue 5)
    "Commitment", "CommitmentEvent", "Component", "DeliverySettings", "Estimate", "Plan", "SavedWhatIf", "Team",
    "TeamMember",
    "WorkItem",
    # briefs and blockers (issue 6)
    "Blocker", "BriefVersion",
    # saved views of lists
    "SavedView",
    # invitations into a workspace
    "Invitation",
]
