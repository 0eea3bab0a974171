"""Built-in labelled examples and sentiment words, written for this project in B2B SaaS customer language.

A new workspace's kind classifier is fitted on SEED_EXAMPLES until the PM's corrections take over.
"""

from __future__ import annotations

from dataclasses import dataclass


def _words(block: str) -> list[str]:
    return block.split()


KINDS: tuple[str, ...] = ("bug", "feature_request", "praise", "question", "other")


@dataclass(frozen=True)
class SeedExample:
    text: str
    label: str


_BUG = """\
The CSV export times out for any report with more than ten thousand rows.
Since yesterday's release the dashboard shows a blank page in Safari.
SSO login fails with a 500 error for users in our second tenant.
Webhook deliveries are duplicated, every event arrives twice.
The API returns 401 even though the token was just created.
Invoices show the wrong currency symbol for our EU customers.
Search results are missing records created in the last hour.
The mobile app crashes as soon as I open the settings screen.
Bulk edit silently drops the changes to the owner field.
Our scheduled reports stopped sending emails last Tuesday.
The date picker shifts every date by one day for users in Sydney.
Uploading a file larger than 20 MB hangs at 99 percent.
Permissions are broken: viewers can delete projects.
Page load takes over a minute on the accounts list, it used to be instant.
The Slack integration keeps disconnecting and we have to reauthorise it daily.
Charts render with overlapping labels and the legend is cut off.
Filtering by custom field throws an unexpected error message.
Password reset links expire immediately, nobody on my team can log in.
The sync with Salesforce creates duplicate contacts.
When two people edit the same record one of the edits is lost.
Notifications are sent to users who were removed from the workspace.
The import wizard freezes on step three with no error.
Audit log entries are missing for changes made through the API.
Pagination skips items: page two repeats half of page one.
Totals on the billing page do not add up to the line items.
Clicking save does nothing and the form resets.
The export button is greyed out even for admins.
Dark mode makes the text in tables unreadable, it is black on black.
Rate limit errors appear after only a handful of requests.
The app logs me out every few minutes.
It is broken again after the update, nothing loads.
Cannot attach screenshots to tickets anymore, the upload fails."""

_FEATURE = """\
Please add an option to export reports as PDF.
It would be great to have single sign-on with Okta.
We need role based permissions per project, not just per workspace.
Could you support custom fields on the contact record?
Would love a dark mode for the dashboard.
Please let us schedule reports to go out weekly to a distribution list.
We would pay more for an audit log that keeps a year of history.
Add a bulk import from Excel files please.
Can you add two-factor authentication for all users?
An integration with Microsoft Teams would help our support staff a lot.
We need an API endpoint to create invoices programmatically.
Allow us to set a default view for each team.
It would help if we could tag records and filter by tag.
Please support webhooks for status changes.
We want to be able to duplicate a project template.
Give admins a way to see who last edited a record.
A keyboard shortcut to jump between records would save us time.
Please add support for multiple currencies on a single account.
Let us restrict data access by region for compliance.
We would like SAML support so IT can manage accounts centrally.
Offer a read-only share link for external stakeholders.
Add the ability to comment on individual rows in a report.
It would be nice to get a daily digest instead of individual emails.
Please make the retention period configurable.
Could the calendar view show weekends as well?
Support for German and French in the interface would help our European offices.
We'd like an on-premise or self-hosted option.
Add a sandbox environment so we can test changes safely.
Provide a Zapier connector.
Let users customise which columns appear in the table.
I wish there was a way to merge duplicate accounts.
Feature request: recurring tasks with custom intervals."""

_PRAISE = """\
The new reporting view is fantastic, our board loved it.
Your support team solved our issue within an hour, thank you!
Onboarding was smooth and the whole team was productive on day one.
Love how fast the search is now.
This tool has saved our analysts hours every week.
Great product, we are renewing for three more years.
The API documentation is clear and the examples just work.
Really impressed with the latest release, well done.
Best customer success manager we have ever had.
The integration with our CRM works perfectly.
Thanks for shipping the export feature so quickly.
Our sales team finally enjoys updating the pipeline.
Excellent uptime, we have not had a single outage this year.
Simple, clean interface, everyone gets it without training.
The mobile app is a joy to use.
Huge thanks to the team for the quick fix.
We recommend you to every partner we work with.
The dashboards are beautiful and easy to share.
Awesome work on the new permissions model.
This is exactly what we needed, five stars.
Setup took ten minutes, amazing.
The performance improvements are very noticeable, great job.
Our CFO loves the billing reports.
Support is friendly, knowledgeable and quick.
Brilliant product, it just works.
Love it! Keep up the good work.
The new editor is so much better than the old one.
Very happy with the service so far.
Would recommend it to any team our size.
Nice work on the latest update.
Since we moved over, month end takes half the time.
Much appreciated, the onboarding call was really useful.
The product does exactly what it promises.
The new import is great, it saved me a whole afternoon.
Kudos to the team, the release notes were spot on.
Everything just works, and the team is lovely to deal with.
Shout out to support for sorting that out so quickly."""

_QUESTION = """\
How do I add a new user to my workspace?
Is there a way to export all our data at once?
Does the API support pagination with cursors?
Can we change the billing contact on our account?
What is the limit on the number of projects per plan?
Where can I find the audit log?
Is SOC 2 documentation available for our security review?
How do I reset a user's password as an admin?
Do you offer discounts for non-profits?
Which regions do you host data in?
How can I connect my Google calendar?
Is it possible to rename a workspace?
What happens to our data if we cancel?
Can I restore a deleted project?
When will the new pricing take effect for existing customers?
How do I set up SSO for my organisation?
Is there an on-call phone number for urgent issues?
Who should I contact to upgrade our plan?
Does the Salesforce sync run in real time or hourly?
How do we move records between workspaces?
Can guests see private comments?
What file formats does the importer accept?
Is there a sandbox we can test against?
How long do you keep backups?
Is there a status page I can subscribe to?
Can I pay by bank transfer instead of card?
Could you explain how the usage-based billing is calculated?
Any idea why my invite email hasn't arrived?"""

_OTHER = """\
We had our quarterly review with the account manager today.
Forwarding this thread from our procurement team.
Meeting notes from the call with Acme's operations lead.
We are evaluating a few vendors this quarter.
Our contract renewal is coming up in March.
The customer mentioned they are reorganising their IT department.
Please update our company address to the new office.
Our main contact has left the company, the new one is Dana.
Sending over the signed order form.
They are migrating from a legacy system next year.
The team is on holiday until the second week of January.
Following up on last week's email.
We are merging with another company later this year.
Just a note that we moved our headquarters to Berlin.
FYI our security team will run a penetration test next month.
The pilot group is twelve people from finance.
Attached is the list of users for the training session.
We will share more details after our internal planning.
Customer is using the product mostly for weekly reporting.
Budget approval is expected by the end of the quarter.
Hi, this is Sam from the operations team.
Out of office reply: back on Monday.
Case closed by customer.
Call rescheduled to Thursday at 3pm.
They asked to be added to the beta mailing list.
Our usage will grow as we roll out to two more regions."""

SEED_EXAMPLES: tuple[SeedExample, ...] = tuple(
    SeedExample(text=line.strip(), label=label)
    for label, block in (
        ("bug", _BUG),
        ("feature_request", _FEATURE),
        ("praise", _PRAISE),
        ("question", _QUESTION),
        ("other", _OTHER),
    )
    for line in block.splitlines()
    if line.strip()
)

POSITIVE_WORDS: frozenset[str] = frozenset(
    _words(
        """good great excellent amazing awesome fantastic love loved loves lovely nice happy glad pleased
    impressed impressive brilliant perfect perfectly best better wonderful helpful useful easy intuitive
    fast quick quickly smooth smoothly reliable stable clean simple thanks thank thankful appreciate
    appreciated recommend recommended enjoy enjoys enjoyed superb solid friendly responsive beautiful
    outstanding delighted satisfied works worked improved improvement cool fine favourite favorite joy
    wow"""
    )
)

NEGATIVE_WORDS: frozenset[str] = frozenset(
    _words(
        """bad terrible awful horrible worst worse poor broken bug buggy crash crashes crashed crashing fail
    fails failed failing failure error errors slow sluggish laggy lag hang hangs freeze freezes frozen
    stuck annoying annoyed frustrating frustrated frustration disappointed disappointing useless
    unusable confusing confused hate hated hates problem problems issue issues wrong lost missing
    unreliable unstable expensive overpriced cancel cancelled complaint ridiculous painful hard
    difficult impossible garbage waste outage down timeout timeouts unacceptable angry upset
    glitch glitches"""
    )
)
