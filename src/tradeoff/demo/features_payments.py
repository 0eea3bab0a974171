"""Hand-written features of Ledgerly Payments (demo workspace). Same shape as `features_invoicing`."""

from __future__ import annotations

from typing import Any

FEATURES_PAYMENTS: tuple[dict[str, Any], ...] = (
    {
        "key": "webhook-ordering-and-replay",
        "title": "Ordered webhooks with replay",
        "status": "planned",
        "owner": "tomasz.kowalczyk",
        "persona": "Developer integrating the API",
        "problems": ("unreliable-webhooks",),
        "description": "Deliver webhooks per invoice in order with a sequence number, retry with backoff, "
        "and let developers replay any event from the dashboard.",
        "flow": (
            "Open Developers > Webhooks and pick an endpoint",
            "See every delivery with status, latency and response",
            "Replay a single event or all failed events since a time",
        ),
        "ac": (
            "Given 'invoice.paid' after 'invoice.overdue' for one invoice, then they are delivered in that "
            "order with increasing sequence numbers",
            "Given a failing endpoint, then retries follow the documented backoff for up to 3 days",
            "Given a replay, then the event body is identical to the original and marked as a replay",
        ),
    },
    {
        "key": "reconciliation-workspace",
        "title": "Reconciliation workspace",
        "status": "planned",
        "owner": "daniel.reyes",
        "persona": "Finance controller",
        "problems": ("slow-month-end-close", "unmatched-bank-transfers"),
        "description": "One screen that lines up bank deposits, payouts and invoices for the month and "
        "shows what is still unmatched.",
        "flow": (
            "Open Reconciliation and pick the month",
            "See matched, suggested and unmatched items",
            "Accept suggestions in bulk, resolve the rest by hand",
            "Close the month and export the reconciliation report",
        ),
        "ac": (
            "Given a month where every deposit is matched, when the controller closes it, then the "
            "report shows zero unmatched items and the totals agree to the cent",
            "Given an unmatched deposit, then closing the month requires a note",
        ),
    },
    {
        "key": "cash-forecast",
        "title": "Cash-in forecast",
        "status": "discovery",
        "owner": "daniel.reyes",
        "persona": "CFO",
        "problems": ("cash-forecast-in-excel",),
        "description": "Expected cash over the next 30/60/90 days from open invoices, each customer's "
        "payment history and scheduled renewals, shown as a range.",
        "flow": (
            "Open Reports > Cash forecast",
            "See expected cash by week as a likely range",
            "Drill into the invoices behind a week",
            "Export for the board pack",
        ),
        "ac": (
            "Given a customer who pays 12 days late on average, then their invoices are expected about "
            "12 days after the due date",
            "Every figure links to the invoices behind it",
        ),
    },
    {
        "key": "ach-bank-payments",
        "title": "ACH bank payments",
        "status": "in_progress",
        "owner": "daniel.reyes",
        "persona": "CFO",
        "problems": ("card-fees-on-large-invoices",),
        "description": "Let US customers pay invoices by ACH debit from the payment page, with a flat fee "
        "instead of a percentage.",
        "flow": (
            "Turn on ACH in Payments settings",
            "The customer chooses 'Bank account' on the payment page and links it",
            "The invoice shows 'payment pending' until ACH settles",
        ),
        "ac": (
            "Given ACH is on, when a customer pays a 40,000 invoice by ACH, then the fee is the flat ACH fee",
            "Given a returned ACH payment, then the invoice goes back to open and the AR clerk is notified",
        ),
    },
    {
        "key": "card-fee-surcharge",
        "title": "Pass card fees on to customers",
        "status": "wont_do",
        "owner": "daniel.reyes",
        "persona": "CFO",
        "problems": ("card-fees-on-large-invoices",),
        "description": "Rejected: surcharge rules differ by state and country and card-network rules; "
        "ACH and SEPA address the margin problem with less risk.",
        "flow": (
            "Turn on surcharging",
            "The payment page adds the fee for card payments",
        ),
        "ac": ("The surcharge is shown before the customer confirms payment",),
    },
    {
        "key": "bank-transfer-matching",
        "title": "Automatic matching of bank transfers",
        "status": "discovery",
        "owner": "daniel.reyes",
        "persona": "AR clerk",
        "problems": ("unmatched-bank-transfers", "slow-month-end-close"),
        "description": "Suggest which invoices a bank transfer pays from amount, payer name and partial "
        "references, including one transfer paying several invoices.",
        "flow": (
            "Connect the bank feed",
            "Review suggested matches with the reason for each",
            "Accept, split or reject",
        ),
        "ac": (
            "Given a transfer equal to the sum of two open invoices of the same customer, then that pair "
            "is suggested",
            "No match is applied without a person accepting it",
        ),
    },
    {
        "key": "virtual-account-numbers",
        "title": "A unique bank account number per customer",
        "status": "idea",
        "owner": "daniel.reyes",
        "persona": "AR clerk",
        "problems": ("unmatched-bank-transfers",),
        "description": "Print a dedicated virtual account number on each customer's invoices so every "
        "transfer identifies its payer.",
        "flow": (
            "Turn on virtual accounts",
            "Each customer gets a number printed on their invoices",
            "Transfers to that number are matched to the customer automatically",
        ),
        "ac": ("Given a transfer to a customer's virtual account, then it is attributed to that customer",),
    },
    {
        "key": "smart-card-retries",
        "title": "Smart retries and failed-payment alerts",
        "status": "planned",
        "owner": "daniel.reyes",
        "persona": "Billing operations",
        "problems": ("silent-failed-card-payments",),
        "description": "Retry failed card payments at better times, email the customer a card-update link "
        "and alert the account owner the same day.",
        "flow": (
            "A card payment fails",
            "The account owner gets an alert; the customer gets an update-card email",
            "Ledgerly retries on a schedule until paid or the limit is reached",
            "See recovered and lost payments on a dashboard",
        ),
        "ac": (
            "Given a failed payment, then the account owner is alerted within 1 hour",
            "Given a customer who updates the card, then the open invoice is retried immediately",
            "No more than 4 retries are made per invoice",
        ),
    },
    {
        "key": "card-account-updater",
        "title": "Automatic card updates from card networks",
        "status": "idea",
        "owner": "tomasz.kowalczyk",
        "persona": "Billing operations",
        "problems": ("silent-failed-card-payments",),
        "description": "Refresh expired or reissued cards from the networks before the payment fails.",
        "flow": (
            "Turn on the account updater",
            "Cards are refreshed in the background",
            "See which cards were updated this month",
        ),
        "ac": ("Given a reissued card, then the next charge uses the new card without customer action",),
    },
    {
        "key": "multi-currency-reports",
        "title": "Reports in invoice currency and at historical rates",
        "status": "idea",
        "owner": "daniel.reyes",
        "persona": "Finance controller",
        "problems": ("multi-currency-reporting",),
        "description": "Report in original currency, or converted at the rate of the invoice or payment "
        "date, with the rate source shown.",
        "flow": (
            "Open a report and choose the currency view",
            "See each figure with the rate used",
        ),
        "ac": (
            "Given a EUR invoice from March, when reported in USD at historical rates, then March's rate is used",
        ),
    },
    {
        "key": "payout-breakdown",
        "title": "Payout breakdown",
        "status": "shipped",
        "owner": "tomasz.kowalczyk",
        "persona": "Finance controller",
        "problems": ("opaque-payouts",),
        "description": "Every payout lists the payments, refunds and fees it contains, exportable per payout.",
        "flow": (
            "Open Payments > Payouts",
            "Open a payout to see its payments, refunds and fees",
            "Export the breakdown as CSV",
        ),
        "ac": (
            "Given a payout, then its listed items sum exactly to the payout amount",
            "The export includes invoice numbers for every payment",
        ),
    },
    {
        "key": "sepa-direct-debit",
        "title": "SEPA Direct Debit",
        "status": "discovery",
        "owner": "daniel.reyes",
        "persona": "CFO",
        "problems": ("no-sepa-debit", "card-fees-on-large-invoices"),
        "description": "Collect euro invoices by SEPA Direct Debit with online mandates.",
        "flow": (
            "Turn on SEPA in Payments settings",
            "The customer signs a mandate on the payment page",
            "Future invoices are collected on the due date",
        ),
        "ac": (
            "Given a signed mandate, when a EUR invoice falls due, then a debit is initiated that day",
            "Given a mandate, then the pre-notification email is sent at least the required days before collection",
        ),
    },
    {
        "key": "dispute-evidence-pack",
        "title": "Dispute evidence pack",
        "status": "idea",
        "owner": "tomasz.kowalczyk",
        "persona": "Billing operations",
        "problems": ("chargeback-evidence-scramble",),
        "description": "When a chargeback arrives, assemble the invoice, delivery emails, portal access log "
        "and signed terms into one submission with the deadline shown.",
        "flow": (
            "Get an alert with the dispute deadline",
            "Open the pre-filled evidence pack",
            "Add notes and submit",
        ),
        "ac": (
            "Given a new dispute, then the pack contains the invoice PDF and every email sent for it",
            "The deadline is shown in the workspace's time zone",
        ),
    },
)
