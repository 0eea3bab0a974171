"""Demo content for strategy and prioritisation: business stages, objectives, money sizes, business cases,
scoring inputs, a custom formula, stakeholder votes, competitors and a dozen decisions — loaded through the
services, like everything else in the demo."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tradeoff.competitors import service as competitor_service
from tradeoff.competitors.schemas import CapabilityIn, CompetitorCreate
from tradeoff.customers import service as customer_service
from tradeoff.customers.schemas import MoneySettingsIn
from tradeoff.decisions import service as decision_service
from tradeoff.decisions.schemas import DecisionCreate
from tradeoff.products import service as product_service
from tradeoff.products.schemas import ProductUpdate
from tradeoff.scoring import inputs as scoring_inputs
from tradeoff.scoring import service as scoring_service
from tradeoff.scoring.schemas import FormulaIn, ScoringInputsIn, SettingsIn
from tradeoff.sizing import service as sizing_service
from tradeoff.sizing.schemas import BusinessCaseIn, ProblemSizeIn
from tradeoff.stakeholders import service as stakeholder_service
from tradeoff.stakeholders.schemas import VoteIn
from tradeoff.storage.uow import Actor, UnitOfWork
from tradeoff.strategy import service as strategy_service
from tradeoff.strategy.schemas import ObjectiveCreate

DEMO_RATES = {"EUR": 1.08, "GBP": 1.27}


def R(low: float, likely: float, high: float) -> dict[str, float]:  # noqa: N802 - a range, short on purpose
    return {"low": low, "likely": likely, "high": high}


STAGES = {"invoicing": "retention", "payments": "growth"}

OBJECTIVES: list[tuple[str, str, str, list[tuple[str, float, float, float, str, int]], list[str], list[str]]] = [
    ("invoicing", "Keep our biggest accounts through renewal", "Enterprise churn came from sync failures and "
     "missing controls, not price.",
     [("gross revenue retention, enterprise", 86, 95, 88, "%", 180)],
     ["netsuite-sync-breaks", "no-invoice-approval", "no-sso"],
     ["netsuite-sync-health", "invoice-approval-rules", "saml-sso-scim", "invoice-audit-log"]),
    ("invoicing", "Make month-end close a one-day job", "Controllers judge us on close day.",
     [("median days to close, surveyed customers", 4, 1, 3, "days", 270)],
     ["slow-month-end-close", "chasing-late-payments"],
     ["reconciliation-workspace", "reminder-escalation", "bulk-send-and-schedule"]),
    ("payments", "Move big invoices off cards", "Card fees on large invoices push customers to cheques.",
     [("share of invoice value paid by bank", 22, 50, 27, "%", 365),
      ("card fees refunded as credits per quarter", 48_000, 10_000, 41_000, "USD", 365)],
     ["card-fees-on-large-invoices", "no-sepa-debit"], ["ach-bank-payments", "sepa-direct-debit"]),
    ("payments", "Win self-serve developers", "Startups evaluate us through the API in an afternoon.",
     [("trial-to-paid conversion, API sign-ups", 8, 15, 9, "%", 240)],
     ["api-docs-guesswork", "usage-billing-spreadsheets"],
     ["api-reference-examples", "sandbox-test-clock", "usage-metering-api"]),
]

# problem -> customers (range or segment rule), cost per customer per year (USD), capture
SIZES: dict[str, dict[str, Any]] = {
    "chasing-late-payments": {"customers_segment": "mid_market", "cost_per_customer": R(6_000, 14_000, 30_000),
                              "capture": R(0.2, 0.35, 0.5)},
    "netsuite-sync-breaks": {"customers": R(4, 8, 14), "cost_per_customer": R(20_000, 45_000, 90_000),
                             "capture": R(0.3, 0.5, 0.7)},
    "slow-month-end-close": {"customers": R(15, 30, 50), "revenue_share": R(0.001, 0.002, 0.004),
                             "revenue_per_customer": R(5e6, 20e6, 60e6), "capture": R(0.2, 0.3, 0.5)},
    "card-fees-on-large-invoices": {"customers": R(10, 22, 35), "cost_per_customer": R(8_000, 18_000, 40_000),
                                    "capture": R(0.4, 0.6, 0.8)},
    "accounting-sync-duplicates": {"customers_segment": "smb", "cost_per_customer": R(3_000, 7_000, 12_000),
                                   "capture": R(0.3, 0.5, 0.7)},
    "no-sso": {"customers_segment": "enterprise", "cost_per_customer": R(10_000, 25_000, 60_000),
               "capture": R(0.1, 0.2, 0.35)},
    "cash-forecast-in-excel": {"customers": R(8, 18, 30), "cost_per_customer": R(2_000, 6_000, 15_000),
                               "capture": R(0.2, 0.3, 0.5)},
    "unmatched-bank-transfers": {"customers": R(12, 25, 40), "cost_per_customer": R(5_000, 12_000, 25_000),
                                 "capture": R(0.3, 0.45, 0.6)},
}

LOADED_WEEK = R(3_200, 3_800, 4_500)
# feature -> (effort person-weeks, run cost per year, alternative (name, cost per customer per year) or None)
CASES: dict[str, tuple[dict[str, float], dict[str, float], tuple[str, dict[str, float], bool] | None]] = {
    "reminder-escalation": (R(3, 5, 9), R(0, 1_000, 3_000), ("a shared inbox and a weekly reminder macro",
                                                               R(200, 600, 1_500), False)),
    "netsuite-sync-health": (R(6, 10, 18), R(2_000, 5_000, 10_000), None),
    "netsuite-two-way-sync": (R(14, 24, 45), R(5_000, 12_000, 25_000), ("Celigo's NetSuite connector",
                                                                       R(6_000, 9_000, 14_000), False)),
    "reconciliation-workspace": (R(12, 20, 36), R(3_000, 8_000, 15_000), None),
    "bank-transfer-matching": (R(8, 14, 26), R(2_000, 6_000, 12_000), None),
    "ach-bank-payments": (R(10, 16, 30), R(10_000, 20_000, 40_000), None),
    "xero-sync": (R(8, 12, 22), R(1_000, 3_000, 6_000), ("an off-the-shelf Xero connector app",
                                                         R(240, 360, 600), False)),
    "saml-sso-scim": (R(6, 9, 16), R(6_000, 12_000, 20_000), None),
    "cash-forecast": (R(10, 18, 34), R(2_000, 4_000, 8_000), ("Float, a cash-forecasting add-on",
                                                              R(600, 900, 1_500), False)),
}
CASE_PROBLEM = {"netsuite-two-way-sync": "netsuite-sync-breaks", "bank-transfer-matching": "unmatched-bank-transfers"}

# feature -> scoring inputs (RICE, ICE, WSJF and weighted criteria); ranges where the team is unsure
INPUTS: dict[str, dict[str, Any]] = {
    "reminder-escalation": {"impact": 2, "confidence": 0.8, "ease": 7, "business_value": 8, "time_criticality": 5,
                            "risk_reduction": 3, "arr_at_risk": 6, "existing_customer_demand": 8, "strategic_fit": 6},
    "netsuite-sync-health": {"impact": 3, "confidence": 0.9, "ease": 6, "business_value": 13, "time_criticality": 13,
                             "risk_reduction": 8, "arr_at_risk": 9, "existing_customer_demand": 7, "strategic_fit": 8},
    "netsuite-two-way-sync": {"impact": 3, "confidence": [0.3, 0.5, 0.7], "ease": 2, "business_value": 13,
                              "time_criticality": 5, "risk_reduction": 5, "arr_at_risk": 7, "strategic_fit": 7,
                              "existing_customer_demand": 6},
    "reconciliation-workspace": {"impact": 3, "confidence": 0.7, "ease": 3, "business_value": 13,
                                 "time_criticality": 8, "risk_reduction": 5, "existing_customer_demand": 8,
                                 "strategic_fit": 9, "arr_at_risk": 5},
    "bank-transfer-matching": {"impact": 2, "confidence": [0.5, 0.7, 0.8], "ease": 5, "business_value": 8,
                               "time_criticality": 5, "risk_reduction": 3},
    "ach-bank-payments": {"impact": 2, "confidence": 0.8, "ease": 4, "business_value": 13, "time_criticality": 8,
                          "risk_reduction": 5, "new_customer_demand": 8, "margin": 7, "strategic_fit": 9},
    "sepa-direct-debit": {"reach": [8, 14, 25], "impact": 2, "confidence": 0.6, "effort": [8, 12, 20], "ease": 4,
                          "business_value": 8, "time_criticality": 3, "risk_reduction": 2, "job_size": 13,
                          "new_customer_demand": 7, "margin": 6},
    "xero-sync": {"impact": 1, "confidence": 0.6, "ease": 5, "business_value": 5, "time_criticality": 2,
                  "risk_reduction": 1, "new_customer_demand": 5},
    "saml-sso-scim": {"impact": 2, "confidence": 0.9, "ease": 6, "business_value": 8, "time_criticality": 13,
                      "risk_reduction": 8, "arr_at_risk": 8, "new_customer_demand": 7, "strategic_fit": 7},
    "cash-forecast": {"impact": 1, "confidence": 0.4, "ease": 3, "business_value": 5, "time_criticality": 2,
                      "risk_reduction": 1, "new_customer_demand": 4},
    "api-reference-examples": {"reach": [20, 40, 80], "impact": 1, "confidence": 0.8, "effort": [3, 4, 6],
                               "ease": 8, "business_value": 5, "time_criticality": 3, "risk_reduction": 2,
                               "job_size": 3, "new_customer_demand": 8},
    "sandbox-test-clock": {"reach": [10, 25, 50], "impact": 1, "confidence": 0.5, "effort": [6, 9, 16], "ease": 4,
                           "business_value": 3, "time_criticality": 2, "risk_reduction": 1, "job_size": 8},
    "invoice-approval-rules": {"impact": 2, "confidence": 0.9, "effort": [4, 6, 9], "ease": 6,
                               "business_value": 8, "time_criticality": 8, "risk_reduction": 8, "job_size": 5,
                               "arr_at_risk": 7, "strategic_fit": 7},
    "bulk-send-and-schedule": {"impact": 1, "confidence": 0.9, "effort": [2, 3, 5], "ease": 8,
                               "business_value": 5, "time_criticality": 3, "risk_reduction": 1, "job_size": 3},
    "report-builder": {"impact": 1, "confidence": 0.5, "effort": [12, 20, 40], "ease": 2, "business_value": 5,
                       "time_criticality": 2, "risk_reduction": 1, "job_size": 20},
    "dispute-evidence-pack": {"reach": 6, "impact": 0.5, "confidence": 0.5, "effort": 5, "ease": 6,
                              "business_value": 2, "time_criticality": 1, "risk_reduction": 2, "job_size": 5},
    # the rest of the open backlog, scored more roughly (one value where nobody argued about it)
    "multi-entity": {"impact": 3, "confidence": [0.4, 0.6, 0.8], "ease": 2, "business_value": 13,
                     "time_criticality": 5, "risk_reduction": 3, "new_customer_demand": 8, "strategic_fit": 8},
    "vat-validation": {"impact": 2, "confidence": 0.9, "ease": 6, "business_value": 8, "time_criticality": 8,
                       "risk_reduction": 8, "arr_at_risk": 5},
    "custom-invoice-fields": {"impact": 1, "confidence": 0.9, "ease": 7, "business_value": 5, "time_criticality": 3,
                              "risk_reduction": 1, "existing_customer_demand": 7},
    "ap-portal-submission": {"impact": 2, "confidence": 0.4, "ease": 2, "business_value": 8, "time_criticality": 2,
                             "risk_reduction": 1, "new_customer_demand": 6},
    "credit-notes": {"impact": 2, "confidence": 0.9, "ease": 5, "business_value": 8, "time_criticality": 13,
                     "risk_reduction": 5, "arr_at_risk": 8},
    "customer-billing-portal": {"impact": 2, "confidence": [0.5, 0.6, 0.8], "ease": 3, "business_value": 8,
                                "time_criticality": 3, "risk_reduction": 2},
    "proration-preview": {"impact": 0.5, "confidence": 0.6, "ease": 6, "business_value": 3, "time_criticality": 1,
                          "risk_reduction": 1},
    "webhook-ordering-and-replay": {"impact": 1, "confidence": 0.9, "ease": 5, "business_value": 5,
                                    "time_criticality": 5, "risk_reduction": 8},
    "virtual-account-numbers": {"impact": 2, "confidence": 0.5, "ease": 3, "business_value": 8,
                                "time_criticality": 2, "risk_reduction": 3},
    "smart-card-retries": {"impact": 2, "confidence": 0.8, "ease": 6, "business_value": 8, "time_criticality": 5,
                           "risk_reduction": 5, "arr_at_risk": 6},
    "card-account-updater": {"impact": 1, "confidence": 0.7, "ease": 5, "business_value": 5, "time_criticality": 2,
                             "risk_reduction": 3},
    "multi-currency-reports": {"impact": 1, "confidence": 0.5, "ease": 4, "business_value": 3,
                               "time_criticality": 1, "risk_reduction": 1},
    "usage-metering-api": {"impact": 2, "confidence": 0.7, "ease": 4, "business_value": 8, "time_criticality": 5,
                           "risk_reduction": 2, "new_customer_demand": 7},
    "tax-engine-integration": {"impact": 2, "confidence": [0.3, 0.5, 0.7], "ease": 3, "business_value": 8,
                               "time_criticality": 3, "risk_reduction": 5},
    "account-scoped-roles": {"impact": 1, "confidence": 0.8, "ease": 6, "business_value": 5, "time_criticality": 5,
                             "risk_reduction": 5},
    "invoice-audit-log": {"impact": 1, "confidence": 0.9, "ease": 7, "business_value": 5, "time_criticality": 8,
                          "risk_reduction": 8},
    "accounting-customer-matching": {"impact": 1, "confidence": 0.7, "ease": 5, "business_value": 5,
                                     "time_criticality": 3, "risk_reduction": 3},
    "salesforce-quote-to-invoice": {"impact": 2, "confidence": 0.5, "ease": 3, "business_value": 8,
                                    "time_criticality": 3, "risk_reduction": 1, "new_customer_demand": 7},
    "fast-invoice-list": {"impact": 1, "confidence": 0.9, "ease": 6, "business_value": 5, "time_criticality": 8,
                          "risk_reduction": 5, "arr_at_risk": 7},
}

FORMULAS = {
    "rice_arr": ("reach * impact * confidence / effort * (1 + log(1 + arr / 10000))",
                 "RICE, nudged up by the ARR of the customers asking (log scale, so one whale does not decide)"),
    "money_per_week": ("if(effort > 0, value / effort, 0)", "Annual value (or ARR) per person-week of effort"),
}

# member email -> group; votes: (feature, score 0–10, reason)
VOTERS = {
    "grace.lindqvist@ledgerly.example": ("sales", [
        ("saml-sso-scim", 10, "Three enterprise deals are stuck in security review without SSO"),
        ("ach-bank-payments", 8, "Prospects with big invoices ask for ACH on every call"),
        ("netsuite-two-way-sync", 7, "NetSuite shops compare us with Bill.com on exactly this"),
        ("reconciliation-workspace", 3, "Nobody buys on reconciliation; they buy on integrations"),
        ("xero-sync", 6, "Small accounting firms bring Xero clients in batches")]),
    "jonah.price@ledgerly.example": ("support", [
        ("netsuite-sync-health", 10, "Sync failures are our top ticket driver every month-end"),
        ("reconciliation-workspace", 8, "Half the close-week tickets are 'which transfer was this?'"),
        ("saml-sso-scim", 3, "SSO rarely comes up in support"),
        ("bulk-send-and-schedule", 7, "First-of-month sending generates a spike of tickets"),
        ("xero-sync", 4, "The connector apps work well enough for most Xero users")]),
    "samir.haddad@ledgerly.example": ("marketing", [
        ("api-reference-examples", 9, "Docs are our best channel for developers"),
        ("ach-bank-payments", 7, "'Pay by bank, no card fees' is a headline we can run"),
        ("cash-forecast", 6, "Forecasting demos well to finance leaders"),
        ("reconciliation-workspace", 5, "Good story, hard to show in a screenshot")]),
    "lena.fischer@ledgerly.example": ("executive", [
        ("reconciliation-workspace", 10, "Close in a day is the strategy for this year"),
        ("netsuite-sync-health", 8, "Renewals at risk are the first priority"),
        ("saml-sso-scim", 6, "Needed, but it wins deals we would mostly win later anyway"),
        ("cash-forecast", 2, "A distraction until reconciliation ships"),
        ("ach-bank-payments", 7, "Margin and retention both improve")]),
    "priya.natarajan@ledgerly.example": ("engineering", [
        ("netsuite-sync-health", 9, "Cheap to build and it takes pressure off on-call"),
        ("netsuite-two-way-sync", 2, "Two-way sync doubles the failure modes we already cannot see"),
        ("saml-sso-scim", 7, "Well understood, off-the-shelf libraries"),
        ("reconciliation-workspace", 6, "Big, but it reuses the matching engine")]),
    "tomasz.kowalczyk@ledgerly.example": ("engineering", [
        ("ach-bank-payments", 5, "The bank partner's API is slow to certify"),
        ("api-reference-examples", 8, "We can generate most of it from the OpenAPI document"),
        ("cash-forecast", 3, "Forecasts need history we do not have for most accounts")]),
}

COMPETITORS = {
    "Chargebee": ("https://www.chargebee.com", {"usage-metering-api": "have", "customer-billing-portal": "have",
                                               "netsuite-two-way-sync": "have", "reconciliation-workspace": "gap",
                                               "ach-bank-payments": "have", "cash-forecast": "gap"}),
    "Bill.com": ("https://www.bill.com", {"netsuite-two-way-sync": "have", "invoice-approval-rules": "have",
                                         "ach-bank-payments": "have", "reconciliation-workspace": "planned",
                                         "usage-metering-api": "gap"}),
    "Stripe": ("https://stripe.com/billing", {"usage-metering-api": "have", "api-reference-examples": "have",
                                             "sandbox-test-clock": "have", "ach-bank-payments": "have",
                                             "netsuite-two-way-sync": "planned", "invoice-approval-rules": "gap"}),
    "Xero": ("https://www.xero.com", {"xero-sync": "have", "cash-forecast": "planned",
                                     "reconciliation-workspace": "have", "saml-sso-scim": "gap"}),
}

# title, days before the anchor, product, context, options (name, pros, cons, cost, value), choice, rationale,
# disappointed (who, why), features, problems
DECISIONS: list[tuple[Any, ...]] = [
    ("Fix NetSuite sync health before building two-way sync", 160, "invoicing",
     "Eight enterprise accounts re-key invoices when the one-way sync fails; two-way sync is the louder request.",
     [("Sync health first", ["Cheap (about 10 person-weeks)", "Protects renewals now"], ["Sales has no new story"],
       "$40k", "Protects ~$380k ARR at renewal"),
      ("Two-way sync first", ["Matches Bill.com"], ["Doubles failure modes", "24+ weeks"], "$90k", "New deals, later"),
      ("Buy Celigo for customers", ["No build"], ["$9k a year per customer", "We lose the integration"], "$0",
       "Customers pay")],
     "Sync health first", "The failures we cannot see cost more than the feature we lack.",
     [("Sales (Grace)", "Loses the two-way sync comparison for another two quarters")],
     ["netsuite-sync-health", "netsuite-two-way-sync"], ["netsuite-sync-breaks"]),
    ("Won't pass card fees on to customers", 140, "payments",
     "Customers with big invoices asked to surcharge card payments; surcharging is restricted in several states "
     "and the EU.",
     [("Surcharge cards", ["Protects margin"], ["Legal exposure", "Payers hate it"], "$15k", "Margin on cards"),
      ("Offer ACH instead", ["Cheaper rails", "No legal risk"], ["16 weeks"], "$60k", "Fees drop for everyone")],
     "Offer ACH instead", "Solve the fee problem with cheaper rails, not a penalty on payers.",
     [("Finance leads at two mid-market customers", "Wanted to recover fees this quarter")],
     ["card-fee-surcharge", "ach-bank-payments"], ["card-fees-on-large-invoices"]),
    ("Stop in-app customer chat", 130, "invoicing",
     "Chat inside invoices was requested by two SMB customers; support volume would move into a tool we'd have to "
     "staff.",
     [("Build chat", ["Requested"], ["Staffing", "Not our job"], "$50k + support", "Low"),
      ("Billing portal with copies of invoices", ["Solves the real ask"], ["Slower"], "$45k", "Fewer emails")],
     "Billing portal with copies of invoices", "The ask behind chat was 'send me a copy', which a portal answers.",
     [("Two SMB customers", "Wanted chat specifically")], ["in-app-customer-chat", "customer-billing-portal"],
     ["customers-ask-for-copies"]),
    ("SSO in the Business plan, not only Enterprise", 110, "invoicing",
     "Security reviews block mid-market deals; the 'SSO tax' is a common complaint.",
     [("Enterprise only", ["Upsell lever"], ["Blocks mid-market deals"], "$0", "Upsell revenue"),
      ("Business and up", ["Unblocks deals"], ["Loses an upsell reason"], "$0", "Faster security reviews")],
     "Business and up", "Deals stuck in review cost more than the upsell.",
     [("Finance (Lena)", "One fewer reason to upgrade to Enterprise")], ["saml-sso-scim"], ["no-sso"]),
    ("Build reconciliation in-house; don't acquire a matching startup", 95, "payments",
     "A small bank-matching startup offered itself for sale.",
     [("Acquire", ["Fast", "Team comes with it"], ["Integration risk", "Different stack"], "$1.2m", "6 months sooner"),
      ("Build", ["Fits our data model"], ["20 weeks"], "$300k", "Owned roadmap")],
     "Build", "Their matcher assumes one bank per customer; ours must handle many.",
     [("Executive team (Lena)", "Wanted to announce the close-in-a-day story sooner")],
     ["reconciliation-workspace", "bank-transfer-matching"], ["slow-month-end-close", "unmatched-bank-transfers"]),
    ("Don't build our own Xero sync this year", 80, "invoicing",
     "An off-the-shelf connector app solves the sync for about $360 a year per customer; our sizing said "
     "about $70k a year across our smb customers.",
     [("Build Xero sync", ["Owned experience"], ["12 weeks", "Displacement risk"], "$45k", "Small once the "
       "connector's cost is counted"),
      ("Recommend the connector", ["Free for us", "Works today"], ["Less control"], "$0", "Most of the value")],
     "Recommend the connector", "The alternative makes the problem worth its price, not our sizing.",
     [("Sales (Grace)", "Accounting firms ask for a native integration"),
      ("Two smb customers", "Pay for the connector themselves")], ["xero-sync"], ["accounting-sync-duplicates"]),
    ("Usage metering API before the CSV importer's v2", 70, "invoicing",
     "Usage-billing startups rebuild invoices from spreadsheets; the CSV importer helps, an API ends it.",
     [("CSV importer v2", ["Quick"], ["Still manual"], "$15k", "Small"),
      ("Metering API", ["Removes the spreadsheet"], ["Needs docs and a sandbox"], "$70k", "Developer segment")],
     "Metering API", "We are winning developers; the API is what they evaluate.",
     [("Support (Jonah)", "CSV import bugs keep generating tickets meanwhile")], ["usage-metering-api"],
     ["usage-billing-spreadsheets"]),
    ("Cash forecast waits until reconciliation ships", 55, "payments",
     "Forecasts built on unmatched transfers would be wrong; Float already serves the few who need it.",
     [("Build now", ["Demos well"], ["Built on unreliable data"], "$70k", "Marketing story"),
      ("After reconciliation", ["Right data first"], ["Slower"], "$70k later", "Trustworthy forecasts")],
     "After reconciliation", "A forecast on unmatched cash is a guess with a chart.",
     [("Marketing (Samir)", "Loses a demo-friendly feature for the spring launch")], ["cash-forecast"],
     ["cash-forecast-in-excel"]),
    ("Approval rules ship before the audit log", 40, "invoicing",
     "Both are enterprise asks; approval rules prevent mistakes, the audit log explains them afterwards.",
     [("Audit log first", ["Auditors ask for it"], ["Mistakes still happen"], "$35k", "Audit readiness"),
      ("Approval rules first", ["Prevents wrong invoices"], ["Auditors wait"], "$30k", "Fewer credit notes")],
     "Approval rules first", "Preventing a wrong invoice beats explaining it.",
     [("Two enterprise controllers", "Year-end audits start in January")],
     ["invoice-approval-rules", "invoice-audit-log"], ["no-invoice-approval", "no-audit-trail"]),
    ("SEPA Direct Debit after ACH, not in parallel", 30, "payments",
     "One payments team; both rails need a bank partner certification.",
     [("Parallel", ["Both markets at once"], ["Two certifications at once", "Quality risk"], "$140k", "EU sooner"),
      ("ACH then SEPA", ["Learn once"], ["EU customers wait a quarter"], "$120k", "Lower risk")],
     "ACH then SEPA", "The second certification goes faster with the first done.",
     [("European customers", "Keep paying card fees another quarter")], ["sepa-direct-debit", "ach-bank-payments"],
     ["no-sepa-debit"]),
    ("Bulk send: schedule, don't just batch", 20, "invoicing",
     "Sending 300 invoices on the first of the month is a support spike.",
     [("Batch send button", ["Two weeks"], ["Still a manual ritual"], "$8k", "Some relief"),
      ("Scheduled sending", ["Removes the ritual"], ["Three weeks"], "$12k", "The spike goes away")],
     "Scheduled sending", "One more week removes the chore entirely.", [],
     ["bulk-send-and-schedule"], ["one-by-one-sending"]),
    ("Dispute evidence pack stays an idea", 10, "payments",
     "Six SMB customers handle a few chargebacks a year each.",
     [("Build now", ["Nice for those six"], ["Small value"], "$20k", "~$5k a year"),
      ("Keep as idea", ["Focus"], ["The six keep scrambling"], "$0", "—")],
     "Keep as idea", "Small value, and the card networks are changing the evidence rules next year.",
     [("Support (Jonah)", "Chargeback tickets are painful to handle")], ["dispute-evidence-pack"],
     ["chargeback-evidence-scramble"]),
    # still open: options written down, no choice yet (the home page asks for one)
    ("Connect a tax engine, or keep our own VAT rules?", 3, "invoicing",
     "EU customers ask for reverse charge and validated VAT numbers; US customers for sales tax by state.",
     [("Connect Avalara / Vertex", ["Every jurisdiction covered", "Their liability"], ["Per-call fees", "12+ weeks"],
       "$60k + fees", "Unblocks US mid-market deals"),
      ("Extend our VAT rules", ["No fees", "6 weeks"], ["EU only", "We own every rule change"], "$25k",
       "Keeps EU customers happy")],
     "", "", [], ["tax-engine-integration", "vat-validation"], []),
]


def load_strategy(*, uow: UnitOfWork, workspace_id: int, actor: Actor, anchor: date, users: dict[str, Any],
                  products: dict[str, Any], problems: dict[str, Any], features: dict[str, Any]) -> dict[str, int]:
    """Load the prioritisation content into the demo workspace; returns counts."""
    w = workspace_id
    for key, stage in STAGES.items():
        p = products[key]
        product_service.update(uow=uow, workspace_id=w, actor=actor, record_id=p.id,
                               data=ProductUpdate(stage=stage), if_match=None)  # type: ignore[arg-type]
    for pkey, title, desc, krs, pkeys, fkeys in OBJECTIVES:
        strategy_service.create(uow=uow, workspace_id=w, actor=actor, data=ObjectiveCreate.model_validate({
            "title": title, "description": desc, "product_id": products[pkey].id,
            "key_results": [{"metric": m, "baseline": b, "target": t, "current": c, "unit": u,
                             "due": (anchor + timedelta(days=d)).isoformat()} for m, b, t, c, u, d in krs],
            "problem_ids": [problems[k].id for k in pkeys], "feature_ids": [features[k].id for k in fkeys]}))
    for key, size in SIZES.items():
        body = dict(size)
        for money in ("cost_per_customer", "revenue_per_customer"):
            if money in body:
                body[money] = {**body[money], "currency": "USD"}
        sizing_service.set_size(uow=uow, workspace_id=w, actor=actor, problem_id=problems[key].id,
                                data=ProblemSizeIn.model_validate(body))
    for key, (effort, run, alt) in CASES.items():
        body = {"effort_person_weeks": effort, "cost_per_person_week": {**LOADED_WEEK, "currency": "USD"},
                "run_cost_per_year": {**run, "currency": "USD"}}
        if key in CASE_PROBLEM:
            body["problem_id"] = problems[CASE_PROBLEM[key]].id
        if alt is not None:
            body |= {"alternative_name": alt[0], "alternative_cost": {**alt[1], "currency": "USD"},
                     "alternative_one_off": alt[2]}
        sizing_service.set_case(uow=uow, workspace_id=w, actor=actor, feature_id=features[key].id,
                                data=BusinessCaseIn.model_validate(body))
    for key, values in INPUTS.items():
        clean = {k: v for k, v in values.items() if k in scoring_service.ENTERED and v is not None}
        for criterion in scoring_service.CRITERIA:  # a criterion the team left blank does not apply: 0 points
            if criterion != "reach":
                clean.setdefault(criterion, 0)
        scoring_inputs.set_inputs(uow=uow, workspace_id=w, actor=actor, feature_id=features[key].id,
                                   data=ScoringInputsIn.model_validate({"values": clean}))
    for name, (text, description) in FORMULAS.items():
        scoring_service.save_formula(uow=uow, workspace_id=w, actor=actor, name=name,
                                     data=FormulaIn(text=text, description=description))
    scoring_service.set_default_framework(uow=uow, workspace_id=w, actor=actor,
                                          data=SettingsIn(default_framework="rice"))
    # Ledgerly reports in USD; its European customers pay in EUR and GBP (approximate rates of late 2026)
    customer_service.set_money(uow=uow, workspace_id=w, actor=actor, data=MoneySettingsIn(
        currency="USD", rates=DEMO_RATES))
    votes = 0
    for email, (group, items) in VOTERS.items():
        user = users[email]
        voter = Actor(user.id, email, "web")
        for key, score, reason in items:
            stakeholder_service.vote(uow=uow, workspace_id=w, actor=voter, user_id=user.id,
                                     feature_id=features[key].id, data=VoteIn.model_validate({"group": group, "score": score,
                                                                               "reason": reason}))
            votes += 1
    for name, (site, caps) in COMPETITORS.items():
        comp = competitor_service.create(uow=uow, workspace_id=w, actor=actor,
                                         data=CompetitorCreate(name=name, website=site))
        for key, status in caps.items():
            competitor_service.set_capability(uow=uow, workspace_id=w, actor=actor, competitor_id=comp.id,
                                              feature_id=features[key].id, data=CapabilityIn(status=status))  # type: ignore[arg-type]
    for title, days, pkey, context, options, choice, rationale, disappointed, fkeys, pkeys in DECISIONS:
        decision_service.create(uow=uow, workspace_id=w, actor=actor, data=DecisionCreate.model_validate({
            "title": title, "context": context, "product_id": products[pkey].id,
            "options": [{"name": n, "pros": pros, "cons": cons, "cost": cost, "value": value}
                        for n, pros, cons, cost, value in options],
            "choice": choice, "rationale": rationale,
            "decided_by": "Daniel Reyes (PM) with Maya Okafor" if choice else "",
            "decided_on": (anchor - timedelta(days=days)).isoformat() if choice else None,
            "disappointed": [{"who": who, "why": why} for who, why in disappointed],
            "feature_ids": [features[k].id for k in fkeys], "problem_ids": [problems[k].id for k in pkeys]}))
    return {"objectives": len(OBJECTIVES), "problem_sizes": len(SIZES), "business_cases": len(CASES),
            "scored_features": len(INPUTS), "votes": votes, "competitors": len(COMPETITORS),
            "decisions": len(DECISIONS)}
