"""The CSV importers' messages in the words of the browser's import pages.

The importers (feedback, work items, customers) are shared by the CLI, the API and the web, and their messages say
how to fix a file in the CLI's and the API's terms: "(--skip-bad-rows; skip_bad_rows in the API)", "Name it: --map
key=COLUMN". A person in the browser has neither: they have the page's own boxes, fields and buttons. `web_words`
swaps each such hint for the control that does the same on the page (its label as the page shows it), and drops any
hint it does not know rather than show a flag.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

# the controls of the import pages, as the templates name them (imports/*.html and the routes' labels)
SKIP_BAD_ROWS = "“Skip these rows and import the rest”"
IMPORT_AGAIN = "“Import them again anyway”"
UNMATCHED = "under “What to do with them”, choose “Create them as new customers” or “Import those rows without a customer”"
COLUMNS = "“Columns”"
NOT_IN_FILE = "“— not in the file —”"
KEY_PREFIX = "“Key prefix”"
KINDS = "“Kinds”"
LEAVE_TO_TRIAGE = "“Leave for triage to guess”"
ONE_ROW_PER_DEAL = "“One row per deal”"

Labels = Mapping[str, str] | None
_EXPLAINED = re.compile(r"\s*\(.*\)$")
Rule = tuple[re.Pattern[str], Callable[[re.Match[str], Labels, str], str]]


def _label(field: str, labels: Labels) -> str:
    """A field's name as its column select is labelled on the page, without the label's explanation in brackets
    ("Key (e.g. PAY-123)" is “Key”)."""
    text = (labels or {}).get(field) or field.replace("_", " ").capitalize()
    return "“" + _EXPLAINED.sub("", text) + "”"


def _name_the_column(m: re.Match[str], labels: Labels, page: str) -> str:
    if page == "upload":  # no preview yet, so no column to choose: the file has to say it
        return "Rename that column in the file to one of the names looked for, and upload it again"
    return f"Choose its column as {_label(m[1], labels)} under {COLUMNS}"


def _text_column(m: re.Match[str], labels: Labels, page: str) -> str:
    if page == "upload":
        return "rename it in the file to one of the names looked for, and upload it again"
    return f"choose it as {_label('text', labels)} under {COLUMNS}"


RULES: tuple[Rule, ...] = (
    (re.compile(r"\(--skip-bad-rows; skip_bad_rows in the API(?: and (?:the )?form)?\)"),
     lambda m, labels, page: f"(tick {SKIP_BAD_ROWS})"),
    (re.compile(r"create them \(--create-customers\) or import those rows without a customer \(--skip-unmatched\); "
                r"in the API and form: create_customers or skip_unmatched"),
     lambda m, labels, page: UNMATCHED),
    (re.compile(r"choose import_again \(--import-again\)"), lambda m, labels, page: f"tick {IMPORT_AGAIN}"),
    (re.compile(r"Name it: --map (\w+)=COLUMN"), _name_the_column),
    (re.compile(r"--map text=COLUMN on the command line, text_column in the API or form"), _text_column),
    # a guessed column cannot be chosen again as is (it stays a guess): cleared first, then chosen
    (re.compile(r"map the column: --map (\w+)=('[^']*') \(\w+ in the API\)"),
     lambda m, labels, page: f"choose the column for {_label(m[1], labels)} under {COLUMNS} yourself: first "
                             f"{NOT_IN_FILE} and check again, then {m[2]}"),
    (re.compile(r"map it with --map (\w+)=('[^']*') \(\w+ in the API\)"),
     lambda m, labels, page: f"choose {m[2]} as {_label(m[1], labels)} under {COLUMNS}"),
    (re.compile(r"map the right column \(--map (\w+)=COLUMN\) or turn it off \(--map \1=\)"),
     lambda m, labels, page: f"choose the right column as {_label(m[1], labels)} under {COLUMNS}, or {NOT_IN_FILE} "
                             "to read none"),
    (re.compile(r"map the column if the export has one \(--map (\w+)=COLUMN\)"),
     lambda m, labels, page: f"choose it as {_label(m[1], labels)} under {COLUMNS} if the export has one"),
    (re.compile(r"\(--kind-value '[^']*=KIND'; kind_values in the API\)"),
     lambda m, labels, page: f"(choose it under {KINDS})"),
    (re.compile(r"\(--unknown-kinds triage; unknown_kinds in the API\)"),
     lambda m, labels, page: f"(choose {LEAVE_TO_TRIAGE} under {KINDS})"),
    (re.compile(r"import it with --rows-are-deals \(\"One row per deal\" on the web form\)"),
     lambda m, labels, page: f"tick {ONE_ROW_PER_DEAL}"),
    (re.compile(r"\(--key-prefix (\S+); key_prefix in the API and the form\), or map another key column"),
     lambda m, labels, page: f"({KEY_PREFIX}, e.g. {m[1]}), or choose another column as {_label('key', labels)} "
                             f"under {COLUMNS}"),
)
# a hint no rule above knows (a message added later): left out rather than shown as a flag
_UNKNOWN_HINT = re.compile(r"\s*\([^()]*(?:--[a-z]|\bin the API\b)[^()]*\)")


def web_words(message: Any, labels: Labels = None, page: str = "preview") -> str:
    """`message` with every CLI or API hint in it put as the import page's own control: `labels` are the page's
    column labels (field -> label), `page` is "preview" (the columns can be chosen) or "upload" (not yet)."""
    text = str(message or "")
    for pattern, say in RULES:
        text = pattern.sub(_with(say, labels, page), text)
    return _UNKNOWN_HINT.sub("", text)


def _with(say: Callable[[re.Match[str], Labels, str], str], labels: Labels, page: str) -> Callable[[re.Match[str]], str]:
    return lambda m: say(m, labels, page)
