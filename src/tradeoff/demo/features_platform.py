"""Hand-written features of Ledgerly Invoicing's platform side: integrations, API, security, scale.

Same shape as `features_invoicing`.
"""

from __future__ import annotations

from typing import Any

FEATURES_PLATFORM: tuple[dict[str, Any], ...] = (
    {
        "key": "netsuite-sync-health",
        "title": "NetSuite sync health and one-click retry",
        "status": "planned",
        "owner": "maya.okafor",
        "persona": "Finance controller",
        "problems": ("netsuite-sync-breaks",),
        "description": "A page listing every record that failed to sync, with the NetSuite error in plain "
        "words and a retry button, instead of a silent failure found at month end.",
        "flow": (
            "Get an email the same day a record fails to sync",
            "Open Integrations > NetSuite > Sync health",
            "Read the failed records grouped by cause (missing subsidiary, closed period, tax code)",
            "Fix the cause in NetSuite or Ledgerly",
            "Retry one record or the whole group",
        ),
        "ac": (
            "Given a sync failure, when the controller opens sync health, then the record, the NetSuite "
            "error and a suggested fix are shown",
            "Given a fixed cause, when 'retry group' is pressed, then every record in the group is retried "
            "once and the results are shown",
            "No record is retried automatically more than 3 times",
        ),
    },
    {
        "key": "netsuite-two-way-sync",
        "title": "Two-way NetSuite sync of payments",
        "status": "discovery",
        "owner": "maya.okafor",
        "persona": "Finance controller",
        "problems": ("netsuite-sync-breaks", "slow-month-end-close"),
        "description": "Bring payments recorded in NetSuite back into Ledgerly so both systems agree on "
        "what is paid without manual matching.",
        "flow": (
            "Turn on 'import payments from NetSuite'",
            "Map NetSuite payment methods to Ledgerly ones",
            "See imported payments applied to invoices",
            "Review conflicts where both systems recorded a payment",
        ),
        "ac": (
            "Given a payment applied in NetSuite, when the next sync runs, then the Ledgerly invoice shows it as paid",
            "Given the same payment in both systems, when the sync runs, then it is not counted twice",
        ),
    },
    {
        "key": "usage-metering-api",
        "title": "Usage metering API",
        "status": "planned",
        "owner": "priya.natarajan",
        "persona": "Developer integrating the API",
        "problems": ("usage-billing-spreadsheets",),
        "description": "Post usage events as they happen; Ledgerly aggregates them per price and puts "
        "them on the next invoice.",
        "flow": (
            "Define a metered price (e.g. per API call, tiered)",
            "Send usage events with an idempotency key",
            "See running usage per customer in the dashboard",
            "At period end, the invoice is drafted with aggregated usage lines",
        ),
        "ac": (
            "Given 1,000 events for a customer in a period, when the invoice is drafted, then the usage "
            "line shows 1,000 units at the tier prices",
            "Given the same event sent twice with one idempotency key, then it is counted once",
            "Events arriving up to 24 hours after period end are billed in that period",
        ),
    },
    {
        "key": "tax-engine-integration",
        "title": "Connect an external tax engine",
        "status": "idea",
        "owner": "maya.okafor",
        "persona": "Finance controller",
        "problems": ("vat-on-cross-border",),
        "description": "Let larger customers calculate tax through the tax engine they already pay for.",
        "flow": (
            "Connect the tax engine with an API key",
            "Map products to tax codes",
            "Tax is calculated by the engine on every draft",
        ),
        "ac": (
            "Given a connected engine, when a draft is saved, then tax lines come from the engine's answer",
        ),
    },
    {
        "key": "api-idempotency-keys",
        "title": "Idempotency keys on every POST",
        "status": "shipped",
        "owner": "priya.natarajan",
        "persona": "Developer integrating the API",
        "problems": ("duplicate-invoices-on-retry",),
        "description": "Clients send an Idempotency-Key header; a repeated request returns the first "
        "result instead of creating a second invoice.",
        "flow": (
            "Send POST /invoices with an Idempotency-Key header",
            "The call times out on the client side",
            "Retry with the same key",
            "Receive the invoice created by the first call",
        ),
        "ac": (
            "Given two POSTs with the same key and body within 24 hours, then exactly one invoice exists "
            "and both responses carry its id",
            "Given the same key with a different body, then the second call fails with 409 and says why",
        ),
    },
    {
        "key": "api-reference-examples",
        "title": "API reference with runnable examples",
        "status": "planned",
        "owner": "priya.natarajan",
        "persona": "Developer integrating the API",
        "problems": ("api-docs-guesswork",),
        "description": "Every endpoint documented with a real request, a real response and every error, "
        "copyable as curl, Python and Node.",
        "flow": (
            "Open the reference for an endpoint",
            "Copy the example in the chosen language with the sandbox key filled in",
            "Run it and compare with the documented response",
        ),
        "ac": (
            "Every public endpoint has at least one request and response example generated from the test suite",
            "Every documented error code has an example body",
        ),
    },
    {
        "key": "sandbox-test-clock",
        "title": "Sandbox with a test clock",
        "status": "idea",
        "owner": "priya.natarajan",
        "persona": "Developer integrating the API",
        "problems": ("api-docs-guesswork", "usage-billing-spreadsheets"),
        "description": "Move time forward in the sandbox to see renewals, reminders and usage invoices "
        "without waiting a month.",
        "flow": (
            "Create a sandbox customer on a monthly plan",
            "Advance the test clock by 35 days",
            "Inspect the invoices and webhooks that fired",
        ),
        "ac": (
            "Given a monthly plan, when the clock advances 35 days, then one renewal invoice and its "
            "webhooks are produced",
        ),
    },
    {
        "key": "account-scoped-roles",
        "title": "Roles limited to a user's own accounts",
        "status": "planned",
        "owner": "maya.okafor",
        "persona": "Finance controller",
        "problems": ("everyone-sees-everything",),
        "description": "A 'sales' role that sees invoices and payment status only for accounts they own, "
        "without bank details.",
        "flow": (
            "Assign a user the 'sales' role",
            "They see their accounts' invoices and statuses",
            "Bank details and other accounts are hidden in the UI, exports and API",
        ),
        "ac": (
            "Given a sales user, when they list invoices, then only invoices of accounts they own appear",
            "Given a sales user, when they call the API for another account's invoice, then they get 404",
            "Exports respect the same scope",
        ),
    },
    {
        "key": "invoice-audit-log",
        "title": "Audit log of invoice changes",
        "status": "planned",
        "owner": "priya.natarajan",
        "persona": "Finance controller",
        "problems": ("no-audit-trail",),
        "description": "Every change to an invoice, customer or payment, with who, when, before and after, "
        "exportable for auditors.",
        "flow": (
            "Open an invoice's history tab",
            "See each change with user, time and old/new values",
            "Export the log for a date range as CSV",
        ),
        "ac": (
            "Given an edited due date, when the history is opened, then the old and new dates, the user and "
            "the time are shown",
            "Audit entries cannot be edited or deleted by any role",
            "An export of one year for 50,000 invoices finishes in under a minute",
        ),
    },
    {
        "key": "accounting-customer-matching",
        "title": "Match customers before syncing to QuickBooks",
        "status": "discovery",
        "owner": "maya.okafor",
        "persona": "Bookkeeper",
        "problems": ("accounting-sync-duplicates",),
        "description": "Before the first sync, match Ledgerly customers to existing QuickBooks ones by "
        "name, email and tax id, and ask when unsure.",
        "flow": (
            "Connect QuickBooks",
            "Review suggested matches with a confidence label",
            "Confirm, change or create new",
            "Sync runs against the confirmed mapping",
        ),
        "ac": (
            "Given 'Acme Ltd' in QuickBooks and 'ACME Limited' in Ledgerly with the same email, then they "
            "are suggested as a match",
            "Given a confirmed mapping, when the sync runs, then no new QuickBooks customer is created for it",
        ),
    },
    {
        "key": "xero-sync",
        "title": "Xero sync with tracking categories",
        "status": "idea",
        "owner": "maya.okafor",
        "persona": "Bookkeeper",
        "problems": ("accounting-sync-duplicates",),
        "description": "Bring the Xero integration up to the QuickBooks one, including tracking categories.",
        "flow": (
            "Connect Xero",
            "Map accounts and tracking categories",
            "Invoices and payments sync both ways",
        ),
        "ac": ("Given a mapped tracking category, then synced invoice lines carry it in Xero",),
    },
    {
        "key": "salesforce-quote-to-invoice",
        "title": "Create invoices from Salesforce opportunities",
        "status": "discovery",
        "owner": "maya.okafor",
        "persona": "Revenue operations",
        "problems": ("retyping-deals-from-crm",),
        "description": "When an opportunity is closed-won, draft the invoice and subscription from its "
        "products, terms and billing contact.",
        "flow": (
            "Install the Salesforce package and map fields",
            "Close an opportunity as won",
            "Review the drafted invoice in Ledgerly",
            "Approve and send",
        ),
        "ac": (
            "Given a closed-won opportunity with 3 products, then a draft invoice with the same 3 lines, "
            "prices and terms is created",
            "Given a draft created from Salesforce, then it links back to the opportunity",
        ),
    },
    {
        "key": "saml-sso-scim",
        "title": "SAML single sign-on and SCIM provisioning",
        "status": "planned",
        "owner": "priya.natarajan",
        "persona": "IT administrator",
        "problems": ("no-sso",),
        "description": "Sign in through Okta, Entra ID or Google; users are created and removed from the "
        "identity provider.",
        "flow": (
            "Upload the identity provider's metadata",
            "Test sign-in with one user",
            "Enforce SSO for the workspace",
            "Turn on SCIM so joiners and leavers are handled automatically",
        ),
        "ac": (
            "Given enforced SSO, when a user tries password sign-in, then they are sent to the identity provider",
            "Given a user removed in the identity provider, then their Ledgerly access ends within 10 minutes",
        ),
    },
    {
        "key": "fast-invoice-list",
        "title": "Fast invoice list for large accounts",
        "status": "in_progress",
        "owner": "priya.natarajan",
        "persona": "AR clerk",
        "problems": ("slow-invoice-list",),
        "description": "Paginate and index the invoice list and customer page so accounts with 20,000+ "
        "invoices open in under a second.",
        "flow": (
            "Open a customer with 20,000 invoices",
            "Filter by status and date",
            "Scroll through pages",
        ),
        "ac": (
            "Given a customer with 20,000 invoices, when their page is opened, then the first page appears "
            "in under 1 second at P95",
            "Filters and sorting work on the full list, not only the loaded page",
        ),
    },
)
