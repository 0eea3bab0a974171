"""Praise, questions and requests no problem covers yet (demo workspace).

Themes with ``problem`` None and no features stay unlinked: they are what theme detection should find
later. Praise for shipped features links to the feature only.
"""

from __future__ import annotations

from typing import Any

THEMES_OTHER: tuple[dict[str, Any], ...] = (
    # Praise for what shipped (links to the feature, as evidence it worked).
    {
        "key": "praise-reminders",
        "problem": None,
        "features": ("automatic-payment-reminders",),
        "kind": "praise",
        "tags": ("praise", "reminders"),
        "cores": (
            "The automatic reminders are great, our overdue list is half what it was.",
            "Reminders paid for the whole subscription in the first month. Thank you!",
            "Love the new payment reminders. Customers actually reply to them.",
        ),
        "details": ("DSO is down about {n_small} days.", "{first} says it's her favourite feature."),
    },
    {
        "key": "praise-templates",
        "problem": None,
        "features": ("branded-invoice-templates",),
        "kind": "praise",
        "tags": ("praise", "pdf", "branding"),
        "cores": (
            "The new invoice templates look fantastic, a client complimented the invoice!",
            "Finally our invoices look like us. The layout editor is really easy.",
        ),
        "details": ("Took me ten minutes to set up.",),
    },
    {
        "key": "praise-idempotency",
        "problem": None,
        "features": ("api-idempotency-keys",),
        "kind": "praise",
        "tags": ("praise", "api"),
        "cores": (
            "Idempotency keys fixed our duplicate invoice problem completely, thanks for shipping that.",
            "Retries are safe now with the Idempotency-Key header. Nice work.",
        ),
        "details": (),
    },
    {
        "key": "praise-payouts",
        "problem": None,
        "features": ("payout-breakdown",),
        "kind": "praise",
        "tags": ("praise", "payouts"),
        "cores": (
            "The payout breakdown saves our bookkeeper hours every month.",
            "Payout export with invoice numbers is exactly what we needed, thanks!",
        ),
        "details": (),
    },
    {
        "key": "praise-usage-import",
        "problem": None,
        "features": ("usage-csv-import",),
        "kind": "praise",
        "tags": ("praise", "usage-based-billing"),
        "cores": (
            "The usage CSV import is a big step up from typing quantities in by hand.",
            "Usage import worked first time with {n} rows. The row-level errors are really clear.",
        ),
        "details": (),
    },
    # General praise: unlinked.
    {
        "key": "praise-general",
        "problem": None,
        "features": (),
        "kind": "praise",
        "tags": ("praise",),
        "cores": (
            "Honestly the easiest invoicing tool we've used. Setup took an afternoon.",
            "Support answered in ten minutes on a Sunday. Thank you {support}!",
            "We moved from {competitor} last year and haven't looked back.",
            "Really happy with Ledgerly overall, the team loves it.",
            "The invoice page loads fast and customers pay straight from the email. Great product.",
            "Onboarding call with {csm} was super helpful.",
        ),
        "details": ("Would recommend to other agencies.", "9/10 from me."),
    },
    # Questions: unlinked.
    {
        "key": "questions",
        "problem": None,
        "features": (),
        "kind": "question",
        "tags": ("question",),
        "cores": (
            "Is there a way to export all invoices for one customer as a single PDF?",
            "How do I change the due date on an invoice that's already been sent?",
            "Can we show two different bank accounts depending on the invoice currency?",
            "Do you support invoicing in Swiss francs?",
            "Where do I change the email address invoices are sent from?",
            "Can I add a late fee automatically after 30 days?",
            "what's the difference between void and delete?",
            "Is there a limit on how many line items an invoice can have?",
            "Can we set payment terms per customer instead of per invoice?",
            "Does the API support filtering invoices by updated date?",
            "Can we keep our existing Stripe account for card payments and still use Ledgerly invoices?",
            "Is there a Stripe import so we don't have to recreate our customers by hand?",
        ),
        "details": ("Couldn't find it in the help centre.", "Asking for our {role}."),
    },
    # Requests nobody has framed as a problem yet: unlinked, for theme detection.
    {
        "key": "e-invoicing",
        "problem": None,
        "features": (),
        "kind": "request",
        "tags": ("e-invoicing", "compliance", "eu"),
        "currencies": ("EUR",),
        "cores": (
            "Our public sector customers in Germany require XRechnung. Can Ledgerly produce it?",
            "Do you support Peppol e-invoicing? Belgium makes it mandatory for B2B soon.",
            "We need structured e-invoices (Peppol or ZUGFeRD), PDFs won't be accepted next year.",
            "e-invoicing mandate is coming and we need a plan, does Ledgerly support Peppol?",
        ),
        "details": (
            "Otherwise we'll need a second tool just for that.",
            "Our accountant says the deadline is next {month}.",
        ),
    },
    {
        "key": "mobile-app",
        "problem": None,
        "features": (),
        "kind": "request",
        "tags": ("mobile",),
        "cores": (
            "A mobile app to approve and send invoices would be great, I'm on site most days.",
            "Can I create an invoice from my phone? The web app is hard to use on mobile.",
            "any plans for an iOS app?",
        ),
        "details": ("I invoice right after the job is done.",),
    },
    {
        "key": "slack-notifications",
        "problem": None,
        "features": (),
        "kind": "request",
        "tags": ("notifications", "slack"),
        "cores": (
            "Could we get a Slack message when a big invoice is paid? The sales team loves that.",
            "Slack notifications for paid and overdue invoices, please.",
            "Would love a Slack or Teams alert when a customer pays.",
        ),
        "details": ("We use a Zapier workaround today that breaks every few weeks.",),
    },
    {
        "key": "invoice-languages",
        "problem": None,
        "features": (),
        "kind": "request",
        "tags": ("localisation", "pdf"),
        "cores": (
            "We need invoices in French and German for some customers, the PDF labels are English only.",
            "Can the invoice language be set per customer?",
            "Our Spanish customers ask for invoices in Spanish.",
        ),
        "details": ("Same for the reminder emails.",),
    },
    {
        "key": "custom-email-domain",
        "problem": None,
        "features": (),
        "kind": "request",
        "tags": ("email", "deliverability"),
        "cores": (
            "Invoice emails should come from our own domain. Customers' spam filters catch them.",
            "Can we send invoices from billing@ our domain with DKIM set up?",
        ),
        "details": ("{n_small} customers said they never got the invoice.",),
    },
    {
        "key": "dark-mode",
        "problem": None,
        "features": (),
        "kind": "request",
        "tags": ("ui",),
        "sources": ("survey", "support"),
        "cores": ("Dark mode please :)", "Any chance of a dark theme? I live in this app all day."),
        "details": (),
    },
    # Noise that real inboxes contain.
    {
        "key": "account-admin",
        "problem": None,
        "features": (),
        "kind": "other",
        "tags": ("account",),
        "cores": (
            "Please remove {first} from our workspace, she left the company last week.",
            "Our card on file expired, I've updated it. Can you retry the charge?",
            "Can we switch to annual billing at renewal?",
            "We'd like to add {n_small} more seats for the AR team.",
        ),
        "details": (),
    },
    {
        "key": "churn-warning",
        "problem": None,
        "features": (),
        "kind": "churn",
        "tags": ("churn-risk",),
        "cores": (
            "We're evaluating {competitor} for next year, mainly on price.",
            "Heads up: our new CFO wants to consolidate on {competitor}, which we already use in the parent company.",
            "We'll likely not renew. The product is fine but we're moving billing into our ERP.",
        ),
        "details": ("Decision by end of {month}.", "Price per seat is the main objection."),
    },
)
