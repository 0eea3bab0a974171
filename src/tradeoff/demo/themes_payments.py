"""What customers say about Ledgerly Payments problems, in their own words (demo workspace).

Same shape as `themes_invoicing`.
"""

from __future__ import annotations

from typing import Any

THEMES_PAYMENTS: tuple[dict[str, Any], ...] = (
    {
        "key": "month-end-close",
        "problem": "slow-month-end-close",
        "features": ("reconciliation-workspace", "netsuite-two-way-sync", "bank-transfer-matching"),
        "kind": "pain",
        "tags": ("reconciliation", "month-end"),
        "segments": ("mid_market", "enterprise"),
        "cores": (
            "Month-end close takes us four days because I can't see which invoices were actually paid.",
            "Reconciling Ledgerly against the bank at month end is the worst part of my job.",
            "I want one screen that says: these deposits match these invoices, these don't.",
            "We close the books on day {days} and most of that delay is payments reconciliation.",
            "Our controller wants a reconciliation report she can hand to the auditors as is.",
            "Some customers pay through our old Stripe account and some through Ledgerly, and matching the two at month end is painful.",
        ),
        "details": (
            "We match around {n_big} payments a month.",
            "Our goal is a 3-day close by {month}.",
            "{competitor} has a reconciliation view that the controller liked in their demo.",
            "{first} exports from three places and matches them with VLOOKUPs.",
        ),
    },
    {
        "key": "webhooks",
        "problem": "unreliable-webhooks",
        "features": ("webhook-ordering-and-replay",),
        "kind": "bug",
        "tags": ("api", "webhooks"),
        "segments": ("mid_market", "startup"),
        "cores": (
            "Webhooks arrive out of order: we get invoice.overdue after invoice.paid and our system flags a paid invoice as overdue.",
            "We missed a batch of payment webhooks during your incident on {weekday} and there's no way to replay them.",
            "Can webhooks carry a sequence number? We can't tell which event is the latest.",
            "webhook deliveries are sometimes 20+ minutes late which breaks our provisioning",
            "We need a log of webhook deliveries with the response our server gave. Debugging blind right now.",
        ),
        "details": (
            "Our customers got suspension emails while their invoice was paid.",
            "We poll the API every {n_small} minutes as a safety net now.",
            "This happened {n_small} times this month.",
        ),
        "signals": (
            "Webhook deliveries: P99 latency {n} minutes last week; {pct}% of endpoints received at least one event older than a later event for the same invoice.",
        ),
    },
    {
        "key": "cash-forecast",
        "problem": "cash-forecast-in-excel",
        "features": ("cash-forecast",),
        "kind": "request",
        "tags": ("reporting", "cash-flow", "forecast"),
        "segments": ("mid_market", "enterprise"),
        "cores": (
            "I can't tell the board what cash is coming in over the next 60 days without an afternoon in Excel.",
            "Would love a cash forecast based on when customers actually pay, not on due dates.",
            "Can Ledgerly predict incoming cash? You have all the data on who pays late.",
            "our cfo wants a weekly cash-in projection and I build it by hand from the aging report",
        ),
        "details": (
            "Our lender wants a 13-week cash forecast every month.",
            "About {pct}% of our invoices are paid after the due date, so due dates are useless for this.",
            "It takes {first} {hours} hours every Monday.",
        ),
    },
    {
        "key": "card-fees",
        "problem": "card-fees-on-large-invoices",
        "features": ("ach-bank-payments", "card-fee-surcharge", "sepa-direct-debit"),
        "kind": "pain",
        "tags": ("payments", "fees", "ach"),
        "segments": ("mid_market", "enterprise"),
        "cores": (
            "Card fees on a {amount} invoice are more than our margin on some deals.",
            "Our customers want to pay large invoices by ACH and we can only offer cards.",
            "Can we pass the card fee on to the customer? Other vendors charge us 3%.",
            "Please add bank payments. We lose about {amount_small} a month to card fees on invoices that could be ACH.",
            "ACH!!! please. enterprise customers refuse to pay 6-figure invoices by card",
        ),
        "details": (
            "Our biggest customer pays by check because of this, which takes {days} days to clear.",
            "{competitor} charges a flat fee for bank payments.",
            "Finance asked me to move customers off the payment page entirely until this is fixed.",
        ),
        "signals": (
            "Invoices above 25k paid by card: {n} last quarter, median fee {amount_small}; {pct}% of invoices above 25k are paid outside Ledgerly.",
        ),
    },
    {
        "key": "bank-transfer-matching",
        "problem": "unmatched-bank-transfers",
        "features": ("bank-transfer-matching", "virtual-account-numbers", "reconciliation-workspace"),
        "kind": "pain",
        "tags": ("reconciliation", "bank-transfer"),
        "segments": ("mid_market", "smb"),
        "cores": (
            "Bank transfers arrive with no invoice number and I match them by guessing.",
            "A customer paid {n_small} invoices in one transfer and I had to work out which ones from the amount.",
            "Can Ledgerly suggest which invoice a bank deposit belongs to?",
            "we still have {n} unapplied payments from last quarter because nobody knows what they're for",
            "If every customer had their own account number to pay into, we'd never have to guess again.",
        ),
        "details": (
            "The reference field just says 'PAYMENT' half the time.",
            "Our bank is {bank}, if that helps with a feed.",
            "It's about {n_big} transfers a month.",
        ),
        "signals": (
            "{n_big} bank-transfer payments were marked as received manually last month; {pct}% of them were applied to more than one invoice.",
        ),
    },
    {
        "key": "failed-cards",
        "problem": "silent-failed-card-payments",
        "features": ("smart-card-retries", "card-account-updater"),
        "kind": "pain",
        "tags": ("payments", "failed-payments", "churn"),
        "segments": ("startup", "smb"),
        "cores": (
            "When a card payment fails we find out weeks later, sometimes after the customer has already left.",
            "We need an alert the same day a payment fails, not a line in a report.",
            "Does Ledgerly retry failed card payments? We lost a customer over an expired card.",
            "Failed payments should email the customer a link to update their card automatically.",
            "expired cards are killing us, {n_small} customers churned last month just bc of this",
        ),
        "details": (
            "That's roughly {amount_small} of MRR a month.",
            "We only noticed when the customer's service was cut off.",
            "{competitor} retries with some kind of smart schedule.",
        ),
        "signals": (
            "Card payments failing with 'expired card': {n} last month; {pct}% were never retried or paid within 30 days.",
        ),
    },
    {
        "key": "multi-currency",
        "problem": "multi-currency-reporting",
        "features": ("multi-currency-reports", "report-builder"),
        "kind": "pain",
        "tags": ("reporting", "multi-currency"),
        "segments": ("enterprise", "mid_market"),
        "currencies": ("EUR", "GBP"),
        "cores": (
            "We invoice in euros and pounds but every report converts to dollars at today's rate.",
            "Revenue for last March changes every time I open the report because of the exchange rate.",
            "Can reports use the rate from the invoice date? Our auditors won't accept today's rate.",
            "I need to see receivables in the original currency, not converted.",
        ),
        "details": (
            "About {pct}% of our invoices are not in dollars.",
            "We reconcile FX differences in {ledger} by hand.",
        ),
    },
    {
        "key": "payouts",
        "problem": "opaque-payouts",
        "features": ("payout-breakdown",),
        "kind": "pain",
        "tags": ("payouts", "reconciliation"),
        "segments": ("smb", "startup"),
        "cores": (
            "I can't see which payments make up a payout, so matching the bank deposit is guesswork.",
            "Can the payout export include invoice numbers? I match them one by one now.",
            "The payout amount never equals the sum of payments because of fees and refunds and nothing explains the difference.",
            "In Stripe I could click a payout and see every charge in it. Why can't I do that here?",
        ),
        "details": (
            "We get a payout every {n_small} days.",
            "Our bookkeeper asked for this specifically.",
        ),
    },
    {
        "key": "sepa",
        "problem": "no-sepa-debit",
        "features": ("sepa-direct-debit",),
        "kind": "request",
        "tags": ("payments", "sepa", "eu"),
        "segments": ("mid_market", "smb", "enterprise"),
        "currencies": ("EUR",),
        "cores": (
            "Our European customers want to pay by SEPA Direct Debit and we can only take cards.",
            "SEPA direct debit is standard here. Cards for B2B invoices look odd to our customers.",
            "Is SEPA on the roadmap? It's the most common question from our German customers.",
            "sepa lastschrift would be a huge win for us",
        ),
        "details": (
            "Most of our {n} customers in the EU pay by bank transfer, late.",
            "{competitor} has offered SEPA for a while, our CFO mentioned it.",
        ),
    },
    {
        "key": "chargebacks",
        "problem": "chargeback-evidence-scramble",
        "features": ("dispute-evidence-pack",),
        "kind": "pain",
        "tags": ("disputes", "chargebacks"),
        "segments": ("smb", "startup"),
        "cores": (
            "A chargeback arrives as an email and I piece the evidence together from three tools before the deadline.",
            "We lost a {amount_small} dispute because I missed the deadline. There was no reminder in Ledgerly.",
            "Could you pre-fill dispute evidence with the invoice and the emails we sent?",
        ),
        "details": (
            "We get about {n_small} disputes a month.",
            "The customer had downloaded the invoice {n_small} times, we just couldn't show it.",
        ),
    },
)
