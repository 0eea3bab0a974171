"""What customers say about Ledgerly's integrations, API, security and scale, in their own words.

Same shape as `themes_invoicing`.
"""

from __future__ import annotations

from typing import Any

THEMES_PLATFORM: tuple[dict[str, Any], ...] = (
    {
        "key": "netsuite-sync",
        "problem": "netsuite-sync-breaks",
        "features": ("netsuite-sync-health", "netsuite-two-way-sync"),
        "kind": "bug",
        "tags": ("integration", "netsuite", "sync"),
        "segments": ("enterprise", "mid_market"),
        "ledgers": ("NetSuite",),
        "cores": (
            "The NetSuite sync failed again overnight and there was no alert, we only noticed when the AR aging didn't tie out.",
            "Every time the NetSuite sync breaks I have to re-key the invoices by hand and hope the totals match.",
            "We need to see which records failed to sync and why, not a generic 'sync error' banner.",
            "Sync to NetSuite silently skips invoices when the subsidiary isn't mapped. Took us a week to find out.",
            "is there a way to retry just the failed invoices in the netsuite sync? we had {n} stuck yesterday",
            "The NetSuite connector is the single biggest reason our controller wants to look at other tools.",
        ),
        "details": (
            "It happened on {weekday}, right in the middle of close.",
            "Our NetSuite admin spent {hours} hours on it with your support.",
            "Error just says 'INVALID_KEY_OR_REF' which means nothing to my team.",
            "{competitor} showed us a sync dashboard in their demo last month.",
            "Closed periods in NetSuite seem to be the trigger every time.",
        ),
        "signals": (
            "NetSuite sync: {n_big} records failed in the last 30 days across {n} workspaces; {pct}% of them are 'subsidiary not mapped' or 'period closed'.",
        ),
    },
    {
        "key": "usage-billing",
        "problem": "usage-billing-spreadsheets",
        "features": ("usage-metering-api", "usage-csv-import"),
        "kind": "request",
        "tags": ("usage-based-billing", "api"),
        "segments": ("startup", "mid_market"),
        "cores": (
            "We bill on usage and every month I rebuild each invoice from a spreadsheet export of our database.",
            "Can we just send you usage events through the API and have the invoice built from them?",
            "The CSV usage import helps, but it's still a manual step I forget every other month.",
            "We moved to per-seat-plus-usage pricing and Ledgerly can't express it without {n_small} line items per customer.",
            "Usage based billing is basically the only reason we're looking at {competitor}.",
            "We push usage to Stripe today and copy the totals into Ledgerly by hand at month end.",
        ),
        "details": (
            "We have {n} customers on metered plans now, up from {n_small} last year.",
            "Our CTO wrote a script that posts lines to draft invoices but it breaks whenever we add a price.",
            "Month-end takes {first} about {hours} hours just for the usage customers.",
            "We'd want tiers: first 10k calls included, then a price per thousand.",
        ),
        "signals": (
            "Usage CSV imports: {n_big} rows imported last month; {pct}% of imports had at least one rejected row (unknown customer id is the top reason).",
            "{n} API clients create draft invoices and then PATCH line quantities at month end, which looks like home-made metering.",
        ),
    },
    {
        "key": "idempotency",
        "problem": "duplicate-invoices-on-retry",
        "features": ("api-idempotency-keys",),
        "kind": "bug",
        "tags": ("api", "duplicates"),
        "segments": ("startup", "mid_market"),
        "cores": (
            "When the create-invoice call times out, our retry creates a second invoice and the customer gets billed twice.",
            "Is there an idempotency key on POST /invoices? We got duplicate invoices after a deploy.",
            "We had {n_small} customers double-billed because a request timed out at your end but still went through.",
            "Need a safe way to retry API calls without creating duplicates.",
        ),
        "details": (
            "Requests take over {n_small} seconds during your morning peak.",
            "We now search for an existing invoice before every create, which doubles our API calls.",
            "Refunding the duplicates cost us card fees on top.",
        ),
        "signals": (
            "{n} pairs of invoices created via API within 60 seconds with the same customer, lines and amount in the last quarter, most from {n_small} workspaces.",
        ),
    },
    {
        "key": "api-docs",
        "problem": "api-docs-guesswork",
        "features": ("api-reference-examples", "sandbox-test-clock"),
        "kind": "pain",
        "tags": ("api", "docs", "developer-experience"),
        "segments": ("startup", "mid_market"),
        "cores": (
            "The API docs list the fields but not the formats. Is the amount in cents or a decimal string?",
            "I lost an afternoon guessing how to send tax lines because there's no example request.",
            "Please add example responses for errors. I had to trigger each one to see what it returns.",
            "docs say `due_date` is optional but the API returns 422 without it",
            "A sandbox where we can fast-forward time would save us days of testing renewals.",
        ),
        "details": (
            "We're building the integration in {language}.",
            "Our engineer ended up reading the JS SDK source to find out.",
            "The {competitor} docs have copy-paste examples for every endpoint.",
            "I opened {n_small} support tickets just to ask about field formats.",
        ),
    },
    {
        "key": "roles",
        "problem": "everyone-sees-everything",
        "features": ("account-scoped-roles",),
        "kind": "request",
        "tags": ("permissions", "security"),
        "segments": ("enterprise", "mid_market"),
        "cores": (
            "Our sales reps can see every customer's billing details. They should only see their own accounts.",
            "We need a role that can view invoice status but not bank details or other accounts.",
            "Security review flagged that all users see all customers. That's a blocker for rolling out to sales.",
            "can we restrict what the sales team sees? right now its all or nothing",
        ),
        "details": (
            "We'd add about {n} sales users if this existed.",
            "Our infosec questionnaire has a line for role-based access and we had to answer no.",
            "The API keys have the same problem: one key sees everything.",
        ),
    },
    {
        "key": "audit",
        "problem": "no-audit-trail",
        "features": ("invoice-audit-log",),
        "kind": "request",
        "tags": ("audit", "compliance"),
        "segments": ("enterprise", "mid_market"),
        "cores": (
            "Our auditors asked who changed an invoice and when, and I had nothing to show them.",
            "We need an audit log of every change to invoices and customers, exportable.",
            "Somebody changed the due date on a {amount} invoice and we can't tell who.",
            "Is there any history of edits on an invoice? Can't find it anywhere.",
        ),
        "details": (
            "Audit season starts in {month}.",
            "Our SOC 2 auditor wants evidence for change management on billing.",
            "We're screenshotting invoices before editing them as a workaround.",
        ),
    },
    {
        "key": "accounting-duplicates",
        "problem": "accounting-sync-duplicates",
        "features": ("accounting-customer-matching", "xero-sync"),
        "kind": "bug",
        "tags": ("integration", "sync", "duplicates"),
        "segments": ("smb", "startup"),
        "ledgers": ("QuickBooks", "Xero", "FreshBooks"),
        "cores": (
            "Every sync creates duplicate customers in {ledger} and our bookkeeper cleans them up by hand.",
            "Your {ledger} integration doesn't match existing customers, it just creates new ones.",
            "After connecting {ledger} we had {n} duplicate customers. Is there a way to merge them?",
            "the {ledger} sync made a mess of our books, we had to disconnect it",
            "Our bookkeeper charges us extra every month to fix the {ledger} sync.",
            "The Xero sync ignores tracking categories, so every invoice lands in the wrong department.",
            "Is a proper Xero integration coming? Our accountant only works in Xero.",
        ),
        "details": (
            "It seems to happen when the name has 'Ltd' vs 'Limited'.",
            "We already had {n_big} customers in {ledger} before signing up.",
            "The bookkeeper's bill went up by {amount_small} a month.",
        ),
        "signals": (
            "{pct}% of new {ledger} connections in the last 90 days created more than 20 customers on the first sync, most of which already existed by email.",
        ),
    },
    {
        "key": "crm-retyping",
        "problem": "retyping-deals-from-crm",
        "features": ("salesforce-quote-to-invoice",),
        "kind": "request",
        "tags": ("integration", "salesforce", "crm"),
        "segments": ("mid_market", "enterprise"),
        "cores": (
            "Sales closes the deal in {crm}, then someone retypes it into an invoice and gets the price wrong.",
            "Can a won opportunity in {crm} create the invoice automatically?",
            "We need the quote-to-invoice handoff to stop being copy and paste.",
            "Every quarter-end we find a couple of deals that never got invoiced because nobody copied them over.",
        ),
        "details": (
            "Last quarter {n_small} deals were invoiced with the wrong discount.",
            "{first} in RevOps spends {hours} hours a month on it.",
            "We looked at a {crm} app for this but it doesn't talk to Ledgerly.",
        ),
    },
    {
        "key": "sso",
        "problem": "no-sso",
        "features": ("saml-sso-scim",),
        "kind": "request",
        "tags": ("sso", "security", "enterprise"),
        "segments": ("enterprise",),
        "cores": (
            "IT won't approve another tool without SSO, so we can't roll Ledgerly out past finance.",
            "Do you support SAML with Okta? It's a hard requirement from our security team.",
            "We had a leaver who still had Ledgerly access three weeks later. We need SCIM.",
            "SSO is on our vendor checklist and we're the only finance tool without it.",
        ),
        "details": (
            "We use Entra ID for everything else.",
            "That's about {n} more seats if we can get it approved.",
            "Procurement blocked the renewal until we have an answer.",
        ),
    },
    {
        "key": "slow-list",
        "problem": "slow-invoice-list",
        "features": ("fast-invoice-list",),
        "kind": "bug",
        "tags": ("performance", "bug"),
        "segments": ("enterprise",),
        "cores": (
            "The invoice list takes over {n_small}0 seconds to load for our biggest customer.",
            "Opening the customer page for our largest account times out more often than not.",
            "The app is really slow for customers with lots of invoices. Filtering takes ages.",
            "invoice search is unusable for accounts over a few thousand invoices",
        ),
        "details": (
            "That customer has about {n_big}0 invoices with us.",
            "It's worse on Monday mornings.",
            "Our team keeps {n_small} tabs open so they don't have to reload it.",
        ),
        "signals": (
            "P95 load time of the customer page is {n_small}.{digit}s for customers with more than 10,000 invoices, against 0.4s overall.",
        ),
    },
)
