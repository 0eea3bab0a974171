"""Hand-written features of Ledgerly Invoicing (demo workspace).

Each entry: key, title, status, owner (user local part), persona, problems (keys), description,
flow (ordered user steps) and ac (acceptance criteria).
"""

from __future__ import annotations

from typing import Any

FEATURES_INVOICING: tuple[dict[str, Any], ...] = (
    {
        "key": "automatic-payment-reminders",
        "title": "Automatic payment reminders",
        "status": "shipped",
        "owner": "maya.okafor",
        "persona": "AR clerk",
        "problems": ("chasing-late-payments",),
        "description": "Send reminder emails on a schedule relative to the due date, stop as soon as the "
        "invoice is paid, and let each workspace edit the wording.",
        "flow": (
            "Open Settings > Reminders",
            "Pick a schedule (e.g. 3 days before, on the due date, 7 and 21 days after)",
            "Edit the email wording for each step and preview it with a real invoice",
            "Turn reminders on for all customers or only selected ones",
            "See on each invoice which reminders went out and when",
        ),
        "ac": (
            "Given an unpaid invoice due on the 10th and a '+7 days' step, when the 17th arrives, "
            "then one reminder is sent to the billing contact",
            "Given an invoice paid before a step's date, when that date arrives, then no reminder is sent",
            "Given a customer excluded from reminders, when any step is due, then nothing is sent to them",
        ),
    },
    {
        "key": "reminder-escalation",
        "title": "Escalate overdue invoices to the account owner",
        "status": "planned",
        "owner": "maya.okafor",
        "persona": "AR clerk",
        "problems": ("chasing-late-payments",),
        "description": "After the last automatic reminder, create a task for the account owner and send "
        "reminders from their address, so big accounts get a human follow-up before 45 days.",
        "flow": (
            "Set an escalation rule: 'after 30 days overdue and above 10,000'",
            "When the rule fires, the account owner gets a task and a digest email",
            "The owner logs the outcome (promised date, dispute, no answer)",
            "The AR clerk sees the outcome on the invoice timeline",
        ),
        "ac": (
            "Given an escalation rule at 30 days and 10,000, when a 12,000 invoice reaches 30 days overdue, "
            "then the account owner gets exactly one task",
            "Given an escalated invoice, when the owner records a promised date, then reminders pause "
            "until that date",
            "Reminder emails can use the account owner's name and reply-to address",
        ),
    },
    {
        "key": "usage-csv-import",
        "title": "Import usage from CSV",
        "status": "shipped",
        "owner": "maya.okafor",
        "persona": "Billing operations",
        "problems": ("usage-billing-spreadsheets",),
        "description": "Upload a CSV of usage per customer and price; rows are validated and added to "
        "draft invoices.",
        "flow": (
            "Download the CSV template",
            "Upload the month's usage file",
            "Fix the rows Ledgerly flags (unknown customer, negative quantity)",
            "Confirm and see draft invoices updated",
        ),
        "ac": (
            "Given a CSV with an unknown customer id on row 7, when it is uploaded, then row 7 is rejected "
            "with its row number and the other rows are kept",
            "Given a confirmed import, then each draft invoice shows the imported quantity",
        ),
    },
    {
        "key": "multi-entity",
        "title": "Multiple legal entities in one workspace",
        "status": "discovery",
        "owner": "maya.okafor",
        "persona": "Finance controller",
        "problems": ("multi-entity-invoicing",),
        "description": "Invoice from several legal entities (own address, tax id, bank details, numbering "
        "and NetSuite subsidiary) without separate logins.",
        "flow": (
            "Add an entity with its legal details",
            "Choose the issuing entity when creating an invoice (default per customer)",
            "Filter lists and reports by entity",
        ),
        "ac": (
            "Given two entities, when an invoice is issued from entity B, then it uses B's numbering, "
            "address and bank details",
            "Given a user limited to entity A, then they cannot see entity B's invoices",
        ),
    },
    {
        "key": "vat-validation",
        "title": "VAT number validation and reverse charge",
        "status": "planned",
        "owner": "maya.okafor",
        "persona": "AR clerk",
        "problems": ("vat-on-cross-border",),
        "description": "Check EU VAT numbers against VIES and apply reverse charge with the legal wording "
        "automatically for B2B cross-border invoices.",
        "flow": (
            "Enter or import a customer's VAT number",
            "See whether it is valid and when it was last checked",
            "Create an invoice; reverse charge is applied when rules say so",
            "Read the reason on the invoice draft",
        ),
        "ac": (
            "Given a valid VAT number in another EU country, when an invoice is drafted, then VAT is 0 and "
            "the reverse-charge note is printed",
            "Given an invalid VAT number, when an invoice is drafted, then domestic VAT is applied and a "
            "warning is shown",
            "Given VIES is unreachable, then the last known result is used and the check date is shown",
        ),
    },
    {
        "key": "invoice-approval-rules",
        "title": "Approval rules before sending",
        "status": "planned",
        "owner": "maya.okafor",
        "persona": "Finance controller",
        "problems": ("no-invoice-approval",),
        "description": "Require a second person to approve invoices above an amount, for new customers, or "
        "with manual line edits, before they can be sent.",
        "flow": (
            "Create a rule: amount above 25,000 needs approval by a controller",
            "An AR clerk submits a matching invoice for approval",
            "The approver sees the diff against the last invoice and approves or rejects with a note",
            "The invoice is sent on approval",
        ),
        "ac": (
            "Given a 30,000 invoice and a 25,000 rule, when the clerk presses send, then it goes to "
            "'awaiting approval' instead of the customer",
            "Given an approver who created the invoice, then they cannot approve their own invoice",
            "Every approval and rejection is recorded with who, when and the note",
        ),
    },
    {
        "key": "custom-invoice-fields",
        "title": "PO number and custom fields on invoices",
        "status": "planned",
        "owner": "maya.okafor",
        "persona": "AR clerk",
        "problems": ("ap-portal-rejections",),
        "description": "Per-customer required fields (PO number, vendor number, cost centre) that must be "
        "filled before sending and print where AP teams look for them.",
        "flow": (
            "Mark 'PO number' as required for a customer",
            "Create an invoice; Ledgerly asks for the PO number",
            "The PDF prints it in the header next to the invoice number",
        ),
        "ac": (
            "Given a customer with a required PO number, when an invoice without one is sent, then sending "
            "is blocked with a message naming the field",
            "Given a PO number, then it appears on the PDF header and in the NetSuite sync",
        ),
    },
    {
        "key": "ap-portal-submission",
        "title": "Submit invoices to Coupa and Ariba",
        "status": "idea",
        "owner": "maya.okafor",
        "persona": "AR clerk",
        "problems": ("ap-portal-rejections",),
        "description": "Deliver invoices straight into the customer's procurement portal instead of email.",
        "flow": (
            "Connect the customer's supplier portal account",
            "Choose 'deliver via portal' for that customer",
            "See delivery status on the invoice",
        ),
        "ac": (
            "Given a portal-delivered customer, when an invoice is sent, then its status shows the portal's "
            "acceptance or rejection reason",
        ),
    },
    {
        "key": "branded-invoice-templates",
        "title": "Branded invoice templates",
        "status": "shipped",
        "owner": "maya.okafor",
        "persona": "Business owner",
        "problems": ("generic-looking-invoices",),
        "description": "Logo, colours, fonts and a layout editor for invoice PDFs and emails.",
        "flow": (
            "Upload a logo and pick brand colours",
            "Choose a layout and move blocks (address, terms, notes)",
            "Preview with a real invoice",
            "Publish as the default template",
        ),
        "ac": (
            "Given a published template, when any invoice is sent, then its PDF uses the template",
            "A preview renders in under 2 seconds for an invoice with 50 lines",
        ),
    },
    {
        "key": "credit-notes",
        "title": "Credit notes and partial credits",
        "status": "in_progress",
        "owner": "maya.okafor",
        "persona": "AR clerk",
        "problems": ("partial-refunds-need-voids",),
        "description": "Issue a credit note against part of an invoice, with its own number and PDF, and "
        "sync it to the accounting system.",
        "flow": (
            "Open a sent invoice and choose 'Credit'",
            "Pick lines or enter an amount and a reason",
            "Send the credit note and optionally refund or apply to the next invoice",
        ),
        "ac": (
            "Given a 1,000 invoice, when a 200 credit note is issued, then the invoice balance is 800 and "
            "the original invoice is unchanged",
            "A credit note cannot exceed the invoice's remaining balance",
            "Credit notes sync to NetSuite, QuickBooks and Xero as credit memos",
        ),
    },
    {
        "key": "customer-billing-portal",
        "title": "Self-serve billing portal for customers",
        "status": "discovery",
        "owner": "maya.okafor",
        "persona": "AR clerk",
        "problems": ("customers-ask-for-copies",),
        "description": "A link where a customer's AP team downloads past invoices, updates billing "
        "contacts and pays open balances.",
        "flow": (
            "Customer clicks the portal link in any invoice email",
            "Confirms their email with a one-time code",
            "Downloads invoices or statements, updates billing contacts",
            "Pays open invoices in one go",
        ),
        "ac": (
            "Given a verified billing contact, when they open the portal, then they see only their "
            "company's invoices",
            "Given a portal link older than 30 days, then a new code is required",
        ),
    },
    {
        "key": "in-app-customer-chat",
        "title": "Chat with customers inside invoices",
        "status": "wont_do",
        "owner": "maya.okafor",
        "persona": "AR clerk",
        "problems": ("customers-ask-for-copies",),
        "description": "Rejected: customers' AP teams answer email, not another inbox; the portal covers "
        "the underlying need.",
        "flow": (
            "Customer opens an invoice link",
            "Writes a question in a chat box",
            "AR clerk answers in Ledgerly",
        ),
        "ac": ("Messages appear in the invoice timeline on both sides",),
    },
    {
        "key": "proration-preview",
        "title": "Proration preview for plan changes",
        "status": "idea",
        "owner": "maya.okafor",
        "persona": "Billing operations",
        "problems": ("manual-proration",),
        "description": "Show the prorated charge or credit before confirming an upgrade, downgrade or seat change.",
        "flow": (
            "Open a subscription and change the plan or quantity",
            "See the prorated amount and how it was computed",
            "Choose to invoice now or on the next invoice",
        ),
        "ac": (
            "Given an upgrade halfway through a 30-day period, then the preview shows half the price "
            "difference and the day count used",
        ),
    },
    {
        "key": "bulk-send-and-schedule",
        "title": "Bulk send and scheduled sending",
        "status": "planned",
        "owner": "maya.okafor",
        "persona": "AR clerk",
        "problems": ("one-by-one-sending",),
        "description": "Select hundreds of drafts and send or schedule them together, with a report of "
        "what failed.",
        "flow": (
            "Filter drafts (e.g. all monthly retainers)",
            "Select all and choose 'Send now' or 'Schedule for the 1st at 08:00'",
            "Read the summary: sent, skipped, failed with reasons",
        ),
        "ac": (
            "Given 300 selected drafts, when 'Send now' is pressed, then all valid ones are sent and the "
            "rest are listed with the reason",
            "Given a scheduled batch, when its time comes, then it is sent in the workspace's time zone",
        ),
    },
    {
        "key": "report-builder",
        "title": "Saved reports with grouping and filters",
        "status": "idea",
        "owner": "maya.okafor",
        "persona": "CFO",
        "problems": ("reports-end-in-excel", "multi-currency-reporting"),
        "description": "Build a report (revenue by customer, segment and month, aging by owner), save it "
        "and schedule it by email.",
        "flow": (
            "Pick a measure and up to two groupings",
            "Add filters and a date range",
            "Save and schedule a weekly email",
        ),
        "ac": ("Given a saved report, when the data changes, then the next scheduled email reflects it",),
    },
)
