"""Import every mapped class so metadata is complete (Alembic, create_all, relationship strings)."""

from tradeoff.accounts.model import ApiToken, Membership, User, Workspace
from tradeoff.audit.model import AuditEvent
from tradeoff.comments.model import Comment
from tradeoff.customers.model import Customer
from tradeoff.features.model import Feature, feature_problems
from tradeoff.feedback.model import Embedding, Feedback, SuggestionDismissal
from tradeoff.links.model import Link
from tradeoff.problems.model import Problem
from tradeoff.products.model import Product
from tradeoff.records.model import IdempotencyRecord
from tradeoff.storage.base import Base

__all__ = [
    "ApiToken", "AuditEvent", "Base", "Comment", "Customer", "Embedding", "SuggestionDismissal", "Feature", "Feedback", "IdempotencyRecord",
    "Link", "Membership", "Problem", "Product", "User", "Workspace", "feature_problems",
]
