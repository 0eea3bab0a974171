"""Hand-written problems of the Ledgerly demo workspace, each in the words of the person who has it."""

from __future__ import annotations

# (key, statement, persona, segment, product_key)
PROBLEMS: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "chasing-late-payments",
        "I spend the first two days of every month chasing late payments by hand.",
        "AR clerk", "mid_market", "invoicing",
    ),
    (
        "netsuite-sync-breaks",
        "Every time the NetSuite sync fails I re-key invoices by hand and hope the totals match.",
        "Finance controller", "enterprise", "invoicing",
    ),
    (
        "slow-month-end-close",
        "Month-end close takes us four days because I can't see which invoices were actually paid.",
        "Finance controller", "mid_market", "payments",
    ),
    (
        "usage-billing-spreadsheets",
        "We bill on usage, and I rebuild every invoice from a spreadsheet export.",
        "Billing operations", "startup", "invoicing",
    ),
    (
        "multi-entity-invoicing",
        "We run several legal entities and I have to log out and back in to invoice each one.",
        "Finance controller", "enterprise", "invoicing",
    ),
    (
        "vat-on-cross-border",
        "I don't trust the VAT on cross-border invoices, so I check every EU one by hand.",
        "AR clerk", "mid_market", "invoicing",
    ),
    (
        "no-invoice-approval",
        "Anyone can send an invoice without a second pair of eyes, and we've sent wrong amounts to big accounts.",
        "Finance controller", "enterprise", "invoicing",
    ),
    (
        "ap-portal-rejections",
        "Our customers' AP teams reject invoices because the PO number and their vendor fields aren't on them.",
        "AR clerk", "enterprise", "invoicing",
    ),
    (
        "generic-looking-invoices",
        "Our invoices look like they came from a template shop, not from us.",
        "Business owner", "smb", "invoicing",
    ),
    (
        "duplicate-invoices-on-retry",
        "When an API call times out I can't tell whether the invoice was created, so we end up with duplicates.",
        "Developer integrating the API", "startup", "invoicing",
    ),
    (
        "unreliable-webhooks",
        "Webhooks arrive late or out of order, and our system marks paid invoices as overdue.",
        "Developer integrating the API", "mid_market", "payments",
    ),
    (
        "api-docs-guesswork",
        "I lose hours guessing field formats because the API docs don't show real requests and responses.",
        "Developer integrating the API", "startup", "invoicing",
    ),
    (
        "partial-refunds-need-voids",
        "Giving a customer a partial credit means voiding the whole invoice and starting again.",
        "AR clerk", "smb", "invoicing",
    ),
    (
        "cash-forecast-in-excel",
        "I can't tell the board what cash is coming in over the next 60 days without an afternoon in Excel.",
        "CFO", "mid_market", "payments",
    ),
    (
        "card-fees-on-large-invoices",
        "Card fees eat our margin on big invoices, and customers keep asking to pay by bank transfer.",
        "CFO", "mid_market", "payments",
    ),
    (
        "unmatched-bank-transfers",
        "Bank transfers arrive without an invoice reference and I match them by guessing.",
        "AR clerk", "mid_market", "payments",
    ),
    (
        "silent-failed-card-payments",
        "When a card payment fails we find out weeks later, sometimes after the customer has already left.",
        "Billing operations", "startup", "payments",
    ),
    (
        "customers-ask-for-copies",
        "Customers email us for copies of old invoices because they can't get them themselves.",
        "AR clerk", "smb", "invoicing",
    ),
    (
        "multi-currency-reporting",
        "We invoice in euros and pounds, but every report converts to dollars at today's rate.",
        "Finance controller", "enterprise", "payments",
    ),
    (
        "everyone-sees-everything",
        "Our sales reps can see every customer's billing details; they should only see their own accounts.",
        "Finance controller", "enterprise", "invoicing",
    ),
    (
        "no-audit-trail",
        "Auditors ask who changed an invoice and when, and I have nothing to show them.",
        "Finance controller", "enterprise", "invoicing",
    ),
    (
        "accounting-sync-duplicates",
        "Our bookkeeper cleans up duplicate customers in QuickBooks after every sync.",
        "Bookkeeper", "smb", "invoicing",
    ),
    (
        "retyping-deals-from-crm",
        "Sales closes the deal in Salesforce, then someone retypes it into an invoice and gets it wrong.",
        "Revenue operations", "mid_market", "invoicing",
    ),
    (
        "manual-proration",
        "Changing a subscription mid-cycle means working out the proration on a calculator.",
        "Billing operations", "mid_market", "invoicing",
    ),
    (
        "opaque-payouts",
        "I can't see which payments make up a payout, so reconciling deposits is guesswork.",
        "Finance controller", "smb", "payments",
    ),
    (
        "one-by-one-sending",
        "Sending 300 invoices on the first of the month means clicking send 300 times.",
        "AR clerk", "mid_market", "invoicing",
    ),
    (
        "reports-end-in-excel",
        "Every report I need ends up as a CSV export that I rebuild in Excel.",
        "CFO", "mid_market", "invoicing",
    ),
    (
        "no-sepa-debit",
        "Our European customers want to pay by SEPA Direct Debit and we can only take cards.",
        "CFO", "mid_market", "payments",
    ),
    (
        "no-sso",
        "IT won't approve tools without single sign-on, and we add and remove users by hand.",
        "IT administrator", "enterprise", "invoicing",
    ),
    (
        "chargeback-evidence-scramble",
        "A chargeback arrives as an email and I piece the evidence together from three tools before the deadline.",
        "Billing operations", "smb", "payments",
    ),
    (
        "slow-invoice-list",
        "The invoice list takes forever to load for our biggest customers with thousands of invoices.",
        "AR clerk", "enterprise", "invoicing",
    ),
)
