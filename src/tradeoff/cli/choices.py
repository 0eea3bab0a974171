"""Values the command signatures show (choices, limits), copied from domain modules that are too heavy to import just
to build the command line (they import the ORM models, or every collection's service). A command turns a copied
enum into the domain's own before using it. tests/unit/test_cli_imports.py checks every copy against its source."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    """tradeoff.accounts.model.Role"""

    owner = "owner"
    pm = "pm"
    engineer = "engineer"
    stakeholder = "stakeholder"


class Source(enum.StrEnum):
    """tradeoff.feedback.model.Source"""

    sales_call = "sales_call"
    support = "support"
    survey = "survey"
    interview = "interview"
    usage = "usage"
    other = "other"


VIEW_LISTS = ("products", "customers", "feedback", "problems", "features")  # tradeoff.views.service.LISTS
SEARCH_MAX_PER_KIND = 20  # tradeoff.records.everywhere.MAX_PER_KIND
THEMES_PAGE = 25  # tradeoff.triage.service.THEMES_PAGE
THEME_MIN_SIZE = 2  # tradeoff.triage.service.THEME_MIN_SIZE
