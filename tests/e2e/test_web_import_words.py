"""The CSV import pages speak the web's words: what the importers tell the command line and the API ("--skip-bad-rows",
"--map key=COLUMN", "key_prefix in the API") reaches a person in the browser as the names of the boxes, fields and
buttons on the page in front of them. Every message that names a flag is brought about here: blockers, notes,
refusals of the Import button and files that cannot be read."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from tests.conftest import World
from tests.e2e.conftest import sign_in, web_client
from tradeoff.bootstrap import Container

FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]*")
API_WORDS = re.compile(r"in the API|command line|\b[a-z]+_(?:column|rows|prefix|customers|unmatched|again)\b")


def visible(page: str) -> str:
    """The words a person reads: no styles, scripts or tags."""
    text = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def speaks_the_web(page: str, *expected: str) -> str:
    words = visible(page)
    assert not FLAG.findall(words), FLAG.findall(words)
    assert not API_WORDS.findall(words), API_WORDS.findall(words)
    for e in expected:
        assert e in words, f"{e!r} not in {words[:3000]}"
    return words


def upload(tc: TestClient, url: str, token: str, name: str, data: str, **form: str) -> tuple[str, dict[str, str]]:
    """The preview (or upload page) of a file, and the fields that carry it to the next step."""
    r = tc.post(url, data={"csrf_token": token, **form}, files={"file": (name, data.encode(), "text/csv")})
    staged = re.search(r'name="token" value="([^"]+)"', r.text)
    return r.text, {"csrf_token": token, "filename": name, **form, **({"token": staged[1]} if staged else {})}


def test_the_feedback_import_pages_name_the_pages_own_controls(container: Container, world: World) -> None:
    base = f"{''}/w/{world.slug}/import"
    tc = web_client(container)
    token = sign_in(tc, world.bob.email, world.bob.password)
    speaks_the_web(tc.get(base).text)
    data = "Comment,Customer\nExports are slow,Nobody Inc\n,Nobody Inc\nSSO please,\n"
    page, carry = upload(tc, base, token, "fb.csv", data)
    speaks_the_web(page, "Skip these rows and import the rest")
    refused = tc.post(f"{base}/run", data={**carry, "map_text": "Comment", "map_customer": "Customer"})
    assert refused.status_code == 422
    speaks_the_web(refused.text, "nothing was imported", "“Skip these rows and import the rest”",
                   "“Create them as new customers”", "“Import those rows without a customer”")
    no_text = tc.post(f"{base}/preview", data={**carry, "map_text": "", "map_customer": "Customer"})
    assert no_text.status_code == 422
    speaks_the_web(no_text.text, "no column for the required field", "“Columns”")
    done = tc.post(f"{base}/run", data={**carry, "map_text": "Comment", "map_customer": "Customer",
                                        "skip_bad_rows": "1", "unmatched": "create"})
    assert done.status_code == 200, done.text[:500]
    speaks_the_web(done.text)
    page, carry = upload(tc, base, token, "fb.csv", data)
    speaks_the_web(page, "Import them again anyway")
    again = tc.post(f"{base}/run", data={**carry, "map_text": "Comment", "map_customer": "Customer",
                                         "skip_bad_rows": "1", "unmatched": "create"})
    assert again.status_code == 422
    speaks_the_web(again.text, "every row is already in this workspace", "“Import them again anyway”")


def test_the_work_history_import_pages_name_the_pages_own_controls(container: Container, world: World) -> None:
    base = f"/w/{world.slug}/import/work-items"
    tc = web_client(container)
    token = sign_in(tc, world.erin.email, world.erin.password)
    speaks_the_web(tc.get(base).text)
    # a bad row, no started column, a points column not named as one, tracker ids in the epic column
    jira = ("Issue key,Summary,Status,Created,Resolved,SP (team),Epic Link\n"
            "PAY-1,Dunning emails,Done,2025-03-01,2025-03-05,3,4242\n"
            "PAY-2,,Done,2025-03-01,2025-03-05,2,\n")
    page, carry = upload(tc, base, token, "jira.csv", jira)
    words = speaks_the_web(page, "Skip these rows and import the rest", "“Started”", "“Story points”", "“Feature”")
    assert "no 'started' column" in words and "no points column found" in words and "4242" in words
    refused = tc.post(f"{base}/run", data=carry)
    assert refused.status_code == 422
    speaks_the_web(refused.text, "nothing was imported", "“Skip these rows and import the rest”")
    no_key = tc.post(f"{base}/preview", data={**carry, "map_key": ""})
    assert no_key.status_code == 422
    speaks_the_web(no_key.text, "no column for the required field 'key'", "“Columns”")
    no_column, _ = upload(tc, base, token, "titles.csv", "Summary,Created\nThing,2025-03-01\n")
    speaks_the_web(no_column, "no column for the required field 'key'", "upload it again")
    # another tracker's export with the same keys: a key prefix, the field on the page
    ado = "ID,Work Item Type,Title,State,Created Date,Closed Date\n1,User Story,ADO story,Closed,2025-03-01,2025-03-05\n"
    _, carry = upload(tc, base, token, "ado.csv", ado)
    assert tc.post(f"{base}/run", data=carry).status_code == 200
    github = "number,title,state,state_reason,created_at,closed_at\n1,GitHub issue,closed,completed,2025-04-01T10:00:00Z,2025-04-02T10:00:00Z\n"
    page, carry = upload(tc, base, token, "gh.csv", github)
    speaks_the_web(page, "“Key prefix”", "GH-")
    refused = tc.post(f"{base}/run", data=carry)
    assert refused.status_code == 422
    speaks_the_web(refused.text, "“Key prefix”")


def test_the_customer_import_pages_name_the_pages_own_controls(container: Container, world: World) -> None:
    base = f"/w/{world.slug}/import/customers"
    tc = web_client(container)
    token = sign_in(tc, world.alice.email, world.alice.password)
    speaks_the_web(tc.get(base).text)
    crm = ("Record ID,Company name,Lifecycle Stage,Annual Revenue\n501,Northwind Traders,Customer,48000\n"
           "503,Paying Lead Ltd,Lead,9000\n")
    page, carry = upload(tc, base, token, "crm.csv", crm)
    speaks_the_web(page, "Skip these rows and import the rest", "Annual Revenue", "“— not in the file —”")
    refused = tc.post(f"{base}/run", data=carry)
    assert refused.status_code == 422
    speaks_the_web(refused.text, "nothing was imported", "“Skip these rows and import the rest”")
    no_name = tc.post(f"{base}/preview", data={**carry, "map_name": ""})
    assert no_name.status_code == 422
    speaks_the_web(no_name.text, "no column for the required field 'name'", "“Columns”")
    no_column, _ = upload(tc, base, token, "ids.csv", "Record ID,ARR\n1,100\n")
    speaks_the_web(no_column, "no column for the required field 'name'", "upload it again")
