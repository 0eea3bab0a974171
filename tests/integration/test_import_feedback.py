"""CSV import of feedback on SQLite and PostgreSQL: the service, the CLI (CliRunner) and the API upload."""

from __future__ import annotations

import csv
import io
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from tests.conftest import SYSTEM, shared_data
from tradeoff.accounts import service as accounts
from tradeoff.audit.model import AuditEvent
from tradeoff.bootstrap import Container
from tradeoff.cli.main import app
from tradeoff.core.dates import parse_date
from tradeoff.customers import service as customer_service
from tradeoff.customers.model import Customer
from tradeoff.customers.schemas import CustomerCreate
from tradeoff.errors import InvalidInput
from tradeoff.feedback import importer
from tradeoff.feedback.import_rows import normalise_source, sniff_delimiter
from tradeoff.feedback.importer import ImportOptions, apply_import, parse_mapping, plan_import, run_import
from tradeoff.feedback.model import Feedback, Source

HEADER = "Comment,Account,Channel,Created,Submitted by,Labels\r\n"


@dataclass
class Ws:
    slug: str
    id: int


@pytest.fixture
def ws(container: Container) -> Ws:
    """A workspace with two customers: Acme (external id A-1) and Initech (external id IN-7)."""
    slug = "imp-" + uuid.uuid4().hex[:8]
    with container.unit_of_work() as uow:
        owner, _ = accounts.get_or_create_user(uow=uow, email=f"{slug}@example.com")
        w = accounts.create_workspace(uow=uow, slug=slug, name=slug, owner=owner, actor=SYSTEM)
        uow.flush()
        for name, ext in (("Acme", "A-1"), ("Initech", "IN-7")):
            customer_service.create(uow=uow, workspace_id=w.id, actor=SYSTEM,
                                    data=CustomerCreate(name=name, external_id=ext, arr=Decimal(1000)))
        return Ws(slug, w.id)


def counts(container: Container, ws: Ws) -> tuple[int, int, int]:
    """(feedback, customers, import audit events) in the workspace."""
    with container.unit_of_work() as uow:
        s = uow.session
        fb = s.scalar(select(func.count()).select_from(Feedback).where(Feedback.workspace_id == ws.id))
        cu = s.scalar(select(func.count()).select_from(Customer).where(Customer.workspace_id == ws.id))
        ev = s.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.workspace_id == ws.id, AuditEvent.action == "import"))
        return int(fb or 0), int(cu or 0), int(ev or 0)


def feedback_rows(container: Container, ws: Ws) -> list[Feedback]:
    with container.unit_of_work() as uow:
        return list(uow.session.scalars(select(Feedback).where(Feedback.workspace_id == ws.id).order_by(Feedback.id)))


def do_import(container: Container, ws: Ws, data: bytes, dry_run: bool = False, **opts: object) -> dict:  # type: ignore[type-arg]
    with container.unit_of_work() as uow:
        return run_import(uow=uow, workspace_id=ws.id, actor=SYSTEM, data=data,
                          options=ImportOptions(filename="f.csv", **opts), dry_run=dry_run)  # type: ignore[arg-type]


@pytest.fixture
def run(container: Container, tmp_path: Path):  # type: ignore[no-untyped-def]
    runner = CliRunner()
    env = {"TRADEOFF_DATABASE_URL": container.engine.url.render_as_string(hide_password=False),
           "TRADEOFF_HOME": str(tmp_path)}

    def _run(*args: str, code: int = 0):  # type: ignore[no-untyped-def]
        result = runner.invoke(app, list(args), env=env)
        assert result.exit_code == code, (args, result.output, result.stderr)
        return result

    return _run


def write(tmp_path: Path, data: bytes, name: str = "feedback.csv") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


# -- the happy path -----------------------------------------------------------------------------------

def test_clean_file_imports_with_guessed_columns(container: Container, ws: Ws, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = (HEADER
            + '"Need SAML, soon",A-1,Sales call,2024-03-07 14:05,Ann Lee,"sso; auth"\r\n'
            + "Exports are slow,initech,SUPPORT,30/Sep/21 17:20,,perf\r\n"
            + "Love the PDFs,,sales-call,2024-03-08T09:00:00Z,Bo,\r\n").encode()
    out = json.loads(run("import", "feedback", write(tmp_path, data), "-w", ws.slug, "--json").stdout)
    assert out["created_feedback"] == 3 and out["created_customer_count"] == 0 and out["skipped_row_count"] == 0
    assert out["rows_without_customer"] == 1
    rows = feedback_rows(container, ws)
    assert [r.text for r in rows] == ["Need SAML, soon", "Exports are slow", "Love the PDFs"]
    with container.unit_of_work() as uow:
        acme, initech = (uow.session.scalar(select(Customer.id).where(Customer.workspace_id == ws.id,
                                                                        Customer.name == n)) for n in ("Acme", "Initech"))
    assert [r.customer_id for r in rows] == [acme, initech, None]   # by external id, then by name in any case
    assert [r.source for r in rows] == ["sales_call", "support", "sales_call"]
    assert rows[0].reported_at == datetime(2024, 3, 7, 14, 5, tzinfo=UTC)
    assert rows[1].reported_at == datetime(2021, 9, 30, 17, 20, tzinfo=UTC)
    assert rows[2].reported_at == datetime(2024, 3, 8, 9, 0, tzinfo=UTC)
    assert [r.reporter for r in rows] == ["Ann Lee", "", "Bo"]
    assert [r.tags for r in rows] == [["auth", "sso"], ["perf"], []]
    assert all(r.triaged_at is None and r.version == 1 for r in rows)   # queued for the triage worker
    # one audit event for the whole import, none per item
    with container.unit_of_work() as uow:
        events = list(uow.session.scalars(select(AuditEvent).where(AuditEvent.workspace_id == ws.id,
                                                                   AuditEvent.record_type == "feedback")))
    assert [e.action for e in events] == ["import"]
    assert events[0].changes["created_feedback"]["after"] == 3 and events[0].changes["file"]["after"] == "feedback.csv"
    # imported rows are searchable like any other feedback
    with container.unit_of_work() as uow:
        from tradeoff.feedback import service as feedback_service
        from tradeoff.records import service as records
        page = records.list_page(uow=uow, spec=feedback_service.SPEC, workspace_id=ws.id, q="saml")
    assert [f.text for f in page.items] == ["Need SAML, soon"]


def test_explicit_mapping_and_date_format(container: Container, ws: Ws) -> None:
    data = b"Note,Kunde,Datum\n07/03/2024 remark,Acme,07/03/2024\n"
    with pytest.raises(InvalidInput) as err:  # no column looks like text
        do_import(container, ws, data)
    assert "'text'" in err.value.message and "'Note', 'Kunde', 'Datum'" in err.value.message
    out = do_import(container, ws, data, mapping=parse_mapping(["text=note", "customer=Kunde", "date=Datum"]),
                    date_format="%d/%m/%Y")
    assert out["created_feedback"] == 1
    assert feedback_rows(container, ws)[0].reported_at == datetime(2024, 3, 7, tzinfo=UTC)


@pytest.mark.parametrize("encoding,delimiter,newline", [
    ("utf-8-sig", ",", "\r\n"), ("latin-1", ";", "\r\n"), ("cp1252", ";", "\n"), ("utf-8", ";", "\r"),
    ("utf-16", "\t", "\r\n"),
])
def test_encodings_and_excel_dialects(container: Container, ws: Ws, encoding: str, delimiter: str, newline: str) -> None:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=delimiter, lineterminator=newline)
    w.writerow(["Feedback", "Company", "Tags"])
    w.writerow(["Café crème: naïve façade, please", "Acme", "ux;fr"])
    w.writerow(['He said "it breaks";' + newline + "second line; still the same cell", "Initech", ""])
    if encoding == "cp1252":
        w.writerow(["Price in € is “wrong”", "", ""])
    data = buf.getvalue().encode(encoding)
    preview = do_import(container, ws, data, dry_run=True)
    assert preview["delimiter"] == delimiter and preview["mapping"] == {"text": "Feedback", "customer": "Company",
                                                                       "tags": "Tags"}
    assert preview["ready"] and preview["bad_row_count"] == 0
    out = do_import(container, ws, data)
    assert out["created_feedback"] == (3 if encoding == "cp1252" else 2)
    texts = [r.text for r in feedback_rows(container, ws)]
    assert texts[0] == "Café crème: naïve façade, please"
    assert texts[1] == 'He said "it breaks";\nsecond line; still the same cell'   # line ends normalised
    if encoding == "cp1252":
        assert texts[2] == "Price in € is “wrong”"


# -- refusals -----------------------------------------------------------------------------------------

def test_binary_junk_and_empty_files_are_refused(container: Container, ws: Ws) -> None:
    for data, needle in ((b"text\nhello\x00\x01\x02world\n", "binary data"),
                         (b"PK\x03\x04\x14\x00\x06\x00", "Excel workbook"),
                         (bytes(range(1, 32)) * 50, "binary data"),
                         (b"  \n\n", "is empty")):
        with pytest.raises(InvalidInput) as err:
            do_import(container, ws, data, dry_run=True)
        assert needle in err.value.message
    assert counts(container, ws)[0] == 0


def test_mapped_column_missing_is_named(container: Container, ws: Ws) -> None:
    with pytest.raises(InvalidInput) as err:
        do_import(container, ws, b"Comment,Account\nhi,Acme\n", mapping={"customer": "Client"})
    assert "column 'Client' (mapped to customer) is not in the file" in err.value.message
    assert "'Comment', 'Account'" in err.value.message
    with pytest.raises(InvalidInput) as err:
        do_import(container, ws, b"Comment\nhi\n", mapping={"colour": "Comment"})
    assert "cannot map a column to 'colour'" in err.value.message


def _bad_file() -> bytes:
    lines = [HEADER.strip(),
             "Good one,Acme,support,2024-01-02,,",               # row 1
             '"   ",Acme,support,,,',                               # row 2: empty text
             "Fine,Acme,pigeon,,,",                                # row 3: unknown source
             "Fine,Acme,,31/02/2024 10:00,,",                      # row 4: reads only as day/month: no 31 February
             "Fine,Acme,,yesterday,,",                             # row 5: not a date
             "x" * 20_001 + ",Acme,,,,",                           # row 6: too long
             ",,,,,",                                              # row 7: blank row, ignored
             '"Multi\nline is fine",Acme,,,,',                     # row 8 (lines 9-10)
             "Fine,Acme,,30/Feb/21 10:00,,",                       # row 9: Jira date that does not exist
             "Fine,Acme,,31/13/2026,,",                            # row 10: no month in either order
             "Fine,Acme,,2031-01-01,,"]                            # row 11: in the future
    return ("\n".join(lines) + "\n").encode()


def test_bad_rows_are_listed_with_numbers_and_nothing_is_written(container: Container, ws: Ws, run,  # type: ignore[no-untyped-def]
                                                                 tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as err:
        do_import(container, ws, _bad_file())
    locs = [(e.loc[1], e.loc[2]) for e in err.value.errors]
    assert locs == [(2, "text"), (3, "source"), (4, "date"), (5, "date"), (6, "text"), (9, "date"), (10, "date"),
                    (11, "date")]
    assert "8 bad rows" in err.value.message and "nothing was imported" in err.value.message
    assert "row 1 is the first data row" in err.value.message
    msgs = {loc: e.msg for loc, e in zip(locs, err.value.errors, strict=True)}
    assert "text is empty" in msgs[(2, "text")] and "'pigeon'" in msgs[(3, "source")]
    assert "sales_call" in msgs[(3, "source")]
    assert msgs[(4, "date")].startswith("not a valid date read as day/month, the only way it reads")
    assert msgs[(10, "date")].startswith("not a valid date: no month in it")
    assert msgs[(11, "date")].startswith("2031-01-01 is in the future: feedback is dated when it was given")
    assert "20,001 characters" in msgs[(6, "text")] and "line 7" in msgs[(6, "text")]
    assert counts(container, ws) == (0, 2, 0)
    # the CLI lists the same rows and exits non-zero
    result = run("import", "feedback", write(tmp_path, _bad_file()), "-w", ws.slug, code=2)
    assert "row 6 text: text is 20,001 characters" in result.stderr and "row 9 date" in result.stderr
    assert counts(container, ws) == (0, 2, 0)
    # the preview shows them too, with the file line where each row starts
    preview = do_import(container, ws, _bad_file(), dry_run=True)
    assert preview["bad_row_count"] == 8 and preview["blank_rows"] == 1 and preview["valid_rows"] == 2
    assert not preview["ready"] and [b["code"] for b in preview["blockers"]] == ["bad_rows"]


# -- numeric dates: the file's own dates settle their day/month order ---------------------------------

def _dated(*dates: str, note: str = "Note") -> bytes:
    return ("Comment,Created\n" + "".join(f"{note} {i},{d}\n" for i, d in enumerate(dates, start=1))).encode()


def test_numeric_dates_are_read_in_the_order_the_file_shows(container: Container, ws: Ws, run,  # type: ignore[no-untyped-def]
                                                           tmp_path: Path) -> None:
    out = do_import(container, ws, _dated("31/12/2025", "04/05/2025"))
    assert out["created_feedback"] == 2
    # the CLI reads a month-first file month-first
    run("import", "feedback", write(tmp_path, _dated("12/31/2025", "04/05/2025 17:20", note="US")), "-w", ws.slug)
    assert [(r.text, r.reported_at) for r in feedback_rows(container, ws)] == [
        ("Note 1", datetime(2025, 12, 31, tzinfo=UTC)), ("Note 2", datetime(2025, 5, 4, tzinfo=UTC)),  # day-first
        ("US 1", datetime(2025, 12, 31, tzinfo=UTC)), ("US 2", datetime(2025, 4, 5, 17, 20, tzinfo=UTC))]


def test_a_file_whose_dates_cannot_tell_their_order_is_refused_naming_the_row(container: Container, ws: Ws, run,  # type: ignore[no-untyped-def]
                                                                              tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as err:
        do_import(container, ws, _dated("2025-01-02", "04/05/2025"))
    assert [e.loc for e in err.value.errors] == [["row", 2, "date"]]
    msg = err.value.errors[0].msg
    assert msg.startswith("ambiguous: day/month or month/day") and "%d/%m/%Y or %m/%d/%Y" in msg
    assert "column 'Created'" in msg and err.value.errors[0].value == "04/05/2025"
    result = run("import", "feedback", write(tmp_path, _dated("04/05/2025")), "-w", ws.slug, code=2)
    assert "row 1 date: ambiguous" in result.stderr and "%d/%m/%Y or %m/%d/%Y" in result.stderr
    # the file's format settles it
    assert do_import(container, ws, _dated("04/05/2025"), date_format="%m/%d/%Y")["created_feedback"] == 1
    assert feedback_rows(container, ws)[0].reported_at == datetime(2025, 4, 5, tzinfo=UTC)


def test_a_file_mixing_day_first_and_month_first_dates_is_refused(container: Container, ws: Ws) -> None:
    with pytest.raises(InvalidInput) as err:
        do_import(container, ws, _dated("31/12/2025", "12/31/2025"))
    locs = [e.loc for e in err.value.errors]
    assert locs == [["row", 1, "date"], ["row", 2, "date"]]  # as many each way: both named
    assert err.value.errors[0].msg.startswith("reads only as day/month, but row 2's date 12/31/2025 reads only as "
                                              "month/day")
    # the fewer are the ones named; a date the file cannot settle is named too
    with pytest.raises(InvalidInput) as err:
        do_import(container, ws, _dated("31/12/2025", "30/11/2025", "12/31/2025", "04/05/2025"))
    assert [e.loc[1] for e in err.value.errors] == [3, 4]
    assert "row 1's date 31/12/2025 reads only as day/month" in err.value.errors[0].msg
    assert "the file's dates disagree" in err.value.errors[1].msg
    assert counts(container, ws)[0] == 0
    out = do_import(container, ws, _dated("31/12/2025", "12/31/2025"), dry_run=True)
    assert out["bad_row_count"] == 2 and not out["ready"]
    # with the file's format, the date that is not in it is the one named
    out = do_import(container, ws, _dated("31/12/2025", "12/31/2025"), dry_run=True, date_format="%d/%m/%Y")
    assert [(b["row"], b["reason"]) for b in out["bad_rows"]] == [(2, "not a date in the format %d/%m/%Y")]


def test_skip_bad_rows_imports_the_rest_and_reports_them(container: Container, ws: Ws) -> None:
    out = do_import(container, ws, _bad_file(), skip_bad_rows=True, default_source=Source.other)
    assert out["skipped_rows"] == [2, 4, 5, 6, 9, 10, 11] and out["created_feedback"] == 3   # row 3's source now defaults
    texts = [r.text for r in feedback_rows(container, ws)]
    assert texts == ["Good one", "Fine", "Multi\nline is fine"]
    assert [r.source for r in feedback_rows(container, ws)] == ["support", "other", "other"]


def test_unmatched_customers_are_listed_then_created_or_skipped(container: Container, ws: Ws) -> None:
    data = (HEADER + "One,Globex,,,,\nTwo,GLOBEX,,,,\nThree,Hooli,,,,\nFour,A-1,,,,\n").encode()
    preview = do_import(container, ws, data, dry_run=True)
    assert preview["customers"]["matched"] == [
        {"value": "A-1", "customer_id": preview["customers"]["matched"][0]["customer_id"], "name": "Acme",
         "by": "external_id", "rows": 1}]
    assert [(u["value"], u["rows"], u["first_row"]) for u in preview["customers"]["unmatched"]] == [
        ("Globex", 2, 1), ("Hooli", 1, 3)]
    with pytest.raises(InvalidInput) as err:
        do_import(container, ws, data)
    assert "'Globex', 'Hooli'" in err.value.message
    assert [(e.loc, e.value) for e in err.value.errors] == [(["row", 1, "customer"], "Globex"),
                                                            (["row", 3, "customer"], "Hooli")]
    assert counts(container, ws) == (0, 2, 0)
    with pytest.raises(InvalidInput, match="not both"):
        do_import(container, ws, data, create_customers=True, skip_unmatched=True)

    out = do_import(container, ws, data, skip_unmatched=True)
    assert out["created_feedback"] == 4 and out["rows_without_customer"] == 3 and out["created_customer_count"] == 0
    assert [r.customer_id is None for r in feedback_rows(container, ws)] == [True, True, True, False]

    out = do_import(container, ws, data, create_customers=True)
    assert out["created_customers"] == ["Globex", "Hooli"] and out["rows_without_customer"] == 0
    # "Four" of Acme (no date) is the row imported a moment ago: recognised by its words and customer, skipped
    assert out["created_feedback"] == 3 and out["skipped_already_imported"] == 1
    with container.unit_of_work() as uow:
        made = {c.name: c for c in uow.session.scalars(select(Customer).where(
            Customer.workspace_id == ws.id, Customer.name.in_(["Globex", "Hooli"])))}
    assert {(c.segment, c.arr) for c in made.values()} == {("other", Decimal(0))}
    latest = feedback_rows(container, ws)[-3:]
    assert [r.customer_id for r in latest] == [made["Globex"].id, made["Globex"].id, made["Hooli"].id]
    # the next import matches them by name
    assert do_import(container, ws, data, dry_run=True)["customers"]["unmatched_count"] == 0


def test_dry_run_writes_nothing(container: Container, ws: Ws, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = (HEADER + "One,Globex,,,,\nTwo,Acme,survey,,,\n").encode()
    out = json.loads(run("import", "feedback", write(tmp_path, data), "-w", ws.slug, "--dry-run", "--create-customers",
                         "--json").stdout)
    assert out["dry_run"] and out["ready"] and out["would_import"] == 2 and out["would_create_customers"] == 1
    assert [s["text"] for s in out["sample"]] == ["One", "Two"]
    assert counts(container, ws) == (0, 2, 0)
    # a script tells "would be refused" from "ready" by the exit code
    text = run("import", "feedback", write(tmp_path, data), "-w", ws.slug, "--dry-run", code=1).stdout
    assert "Globex" in text and "would be refused" in text and "nothing written" in text
    assert counts(container, ws) == (0, 2, 0)


def test_a_file_imported_before_is_not_imported_twice(container: Container, ws: Ws, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first = (HEADER + "Need SAML,Acme,sales call,2024-03-07 14:05,,\nExports are slow,,support,2024-03-08,,\n"
             "No date here,Acme,support,,,\n").encode()
    done = json.loads(run("import", "feedback", write(tmp_path, first), "-w", ws.slug, "--json").stdout)
    assert done["created_feedback"] == 3 and done["skipped_already_imported"] == 0
    ids = [f.id for f in feedback_rows(container, ws)]
    assert done["feedback_ids"] == {"first": ids[0], "last": ids[-1]}
    # the next week's export overlaps: the two dated rows are already here (spacing aside), and so is the row
    # without a date (same words and customer: an undated row is dated at import, never the same time twice);
    # the same words for another customer are not the same
    week2 = (HEADER + "Need  SAML,Acme,sales call,2024-03-07 14:05,,\nExports are slow,,support,2024-03-08,,\n"
             "No date here,Acme,support,,,\nNeed SAML,Initech,sales call,2024-03-07 14:05,,\n").encode()
    preview = json.loads(run("import", "feedback", write(tmp_path, week2), "-w", ws.slug, "--dry-run", "--json").stdout)
    assert preview["already_imported"] == [{"row": 1, "feedback_id": ids[0]}, {"row": 2, "feedback_id": ids[1]},
                                           {"row": 3, "feedback_id": ids[2]}]
    assert preview["would_import"] == 1 and preview["ready"]
    text = run("import", "feedback", write(tmp_path, week2), "-w", ws.slug, "--dry-run").stdout
    assert ("already in the workspace (same words, customer and date, or words and customer when undated): "
            "3 rows (1, 2, 3); skipped") in text
    out = json.loads(run("import", "feedback", write(tmp_path, week2), "-w", ws.slug, "--json").stdout)
    assert out["created_feedback"] == 1 and out["skipped_already_imported"] == 3
    assert len(feedback_rows(container, ws)) == 4
    # every row already here: refused, saying so, unless asked to import them again
    refused = run("import", "feedback", write(tmp_path, first[:first.index(b"No date")]), "-w", ws.slug, code=2)
    assert "every row is already in this workspace" in refused.stderr and "--import-again" in refused.stderr
    again = json.loads(run("import", "feedback", write(tmp_path, first), "-w", ws.slug, "--import-again",
                           "--json").stdout)
    assert again["created_feedback"] == 3 and len(feedback_rows(container, ws)) == 7
    # rows of a customer the workspace lacks, imported without a customer, are recognised the next time too
    stranger = (HEADER + "Trial going well,Nobody Inc,survey,2024-03-09,,\n").encode()
    path = write(tmp_path, stranger)
    assert json.loads(run("import", "feedback", path, "-w", ws.slug, "--skip-unmatched", "--json").stdout)[
        "created_feedback"] == 1
    again = run("import", "feedback", path, "-w", ws.slug, "--skip-unmatched", code=2)
    assert "every row is already in this workspace" in again.stderr and len(feedback_rows(container, ws)) == 8
    undated = (HEADER + "No date here,Acme,support,,,\nNo date here,Initech,support,,,\n").encode()
    preview = json.loads(run("import", "feedback", write(tmp_path, undated), "-w", ws.slug, "--dry-run",
                             "--json").stdout)
    assert [a["row"] for a in preview["already_imported"]] == [1] and preview["would_import"] == 1


def test_failure_mid_import_rolls_everything_back(container: Container, ws: Ws,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    data = (HEADER + "".join(f"Item {i},{'NewCo' if i % 2 else 'Acme'},,,,\n" for i in range(1, 121))).encode()
    real = importer._insert_feedback
    written: list[int] = []

    def flaky(session, batch):  # type: ignore[no-untyped-def]
        if len(written) + len(batch) >= 50:
            raise RuntimeError("disk full at row 50")
        written.extend(range(len(batch)))
        return real(session, batch)

    monkeypatch.setattr(importer, "BATCH", 10)
    monkeypatch.setattr(importer, "_insert_feedback", flaky)
    with pytest.raises(RuntimeError, match="row 50"):
        do_import(container, ws, data, create_customers=True)
    assert len(written) == 40   # four batches really went to the database before the failure
    assert counts(container, ws) == (0, 2, 0)   # ... and were rolled back with the new customer


# -- the API ------------------------------------------------------------------------------------------

def test_api_upload_preview_import_and_refusal(client, world) -> None:  # type: ignore[no-untyped-def]
    h = world.alice.headers
    r = client.post(world.api("/customers"), json={"name": "Acme", "external_id": "A-1"}, headers=h)
    assert r.status_code == 201
    data = "Body;Client;When\nNeed SSO;A-1;2024-03-07\nExport;Umbrella;\n".encode("utf-8-sig")
    files = {"file": ("calls.csv", data, "text/csv")}
    r = client.post(world.api("/imports/feedback"), files=files, data={"dry_run": "true", "customer_column": "Client",
                                                                       "date_column": "When"}, headers=h)
    assert r.status_code == 200, r.text
    p = r.json()
    assert p["dry_run"] and p["encoding"] == "utf-8 with BOM" and p["rows"] == 2
    assert p["mapping"] == {"text": "Body", "customer": "Client", "date": "When"}
    assert [u["value"] for u in p["customers"]["unmatched"]] == ["Umbrella"]
    assert client.get(world.api("/feedback"), headers=h).json()["items"] == []

    r = client.post(world.api("/imports/feedback"), files=files, data={"customer_column": "Client",
                                                                       "date_column": "When"}, headers=h)
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["errors"] == [{"loc": ["row", 2, "customer"], "value": "Umbrella",
                                   "msg": "unknown customer 'Umbrella' (1 row); no customer has this external id or name"}]

    r = client.post(world.api("/imports/feedback"), files=files,
                    data={"customer_column": "Client", "date_column": "When", "create_customers": "true"},
                    headers=world.sam.headers)   # stakeholders may add evidence
    assert r.status_code == 201, r.text
    assert r.json()["created_feedback"] == 2 and r.json()["created_customers"] == ["Umbrella"]
    items = client.get(world.api("/feedback?sort=id"), headers=h).json()["items"]
    assert [(i["text"], i["customer"]["name"]) for i in items] == [("Need SSO", "Acme"), ("Export", "Umbrella")]

    bad = b"text\n\"\"\nok\n" + b"x" * 10 + b"\x00"
    r = client.post(world.api("/imports/feedback"), files={"file": ("bad.csv", bad, "text/csv")}, headers=h)
    assert r.status_code == 422 and "binary data" in r.json()["detail"]
    r = client.post(world.api("/imports/feedback"), files={"file": ("bad.csv", b"text\n\nok\n  \n", "text/csv")},
                    headers=h)
    assert r.status_code == 201 and r.json()["created_feedback"] == 1   # blank lines are not rows to refuse
    r = client.post(world.api("/imports/feedback"), files={"file": ("bad.csv", b'text,n\n" ",1\nok,2\n', "text/csv")},
                    headers=h)
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"] == ["row", 1, "text"] and "1 bad row" in r.json()["detail"]
    r = client.post(world.api("/imports/feedback"), headers=h,
                    files={"file": ("bad.csv", 'text,n\n\u200b\u200b,1\nok,2\n'.encode(), "text/csv")})
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["row", 1, "text"]
    assert "text is empty" in r.json()["errors"][0]["msg"]


def test_a_repeated_column_is_refused_and_a_submitted_column_is_the_date(client, world) -> None:  # type: ignore[no-untyped-def]
    h = world.alice.headers
    two = b"Comment,Rating,Comment\nSlow exports,3,Very slow\n"
    r = client.post(world.api("/imports/feedback"), files={"file": ("two.csv", two, "text/csv")}, headers=h)
    assert r.status_code == 422 and "2 columns named 'Comment' (columns 1, 3), mapped to text" in r.json()["detail"]
    survey = b"Message,Submitted,NPS\nLove it,2026-11-02,10\n"
    r = client.post(world.api("/imports/feedback"), files={"file": ("s.csv", survey, "text/csv")},
                    data={"text_column": "Message", "dry_run": "true"}, headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["mapping"]["date"] == "Submitted" and r.json()["sample"][0]["reported_at"].startswith("2026-11-02")


def test_api_outsider_gets_404(client, world) -> None:  # type: ignore[no-untyped-def]
    r = client.post(world.api("/imports/feedback"), files={"file": ("a.csv", b"text\nhello\n", "text/csv")},
                    headers=world.charlie.headers)
    assert r.status_code == 404
    r = client.post(world.api("/imports/feedback"), files={"file": ("a.csv", b"text\nhello\n", "text/csv")})
    assert r.status_code == 401
    assert client.get(world.api("/feedback"), headers=world.alice.headers).json()["items"] == []


# -- real data ----------------------------------------------------------------------------------------

@pytest.mark.data
def test_hadoop_jira_export_dry_run(ws: Ws, run, backend: str) -> None:  # type: ignore[no-untyped-def]
    if backend != "sqlite":
        pytest.skip("reading the file does not depend on the back end")
    path = shared_data("duplicates", "hadoop", "issues.csv")
    with path.open(newline="", encoding="utf-8") as f:
        expected = list(csv.DictReader(f))
    out = json.loads(run("import", "feedback", str(path), "-w", ws.slug, "--map", "text=Summary", "--map",
                         "date=Created", "--dry-run", "--json").stdout)
    assert out["rows"] == len(expected) == 2503
    assert out["bad_row_count"] == 0 and out["ready"] and out["would_import"] == 2503
    assert out["mapping"] == {"text": "Summary", "date": "Created"}
    first = out["sample"][0]
    assert first["text"] == expected[0]["Summary"]
    day, mon, rest = expected[0]["Created"].split("/")   # e.g. 30/Sep/21 17:20, read independently
    assert first["reported_at"].startswith(f"20{rest[:2]}-") and first["reported_at"][8:10] == f"{int(day):02d}"


# -- pure helpers -------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw,expected", [
    ("Sales call", Source.sales_call), ("sales-call", Source.sales_call), ("SALES_CALL", Source.sales_call),
    (" Support ", Source.support), ("NPS", Source.survey), ("pigeon", None), ("", None),
])
def test_normalise_source(raw: str, expected: Source | None) -> None:
    assert normalise_source(raw) == expected


@pytest.mark.parametrize("raw,expected", [
    ("2024-03-07", datetime(2024, 3, 7, tzinfo=UTC)),
    ("2024-03-07 14:05", datetime(2024, 3, 7, 14, 5, tzinfo=UTC)),
    ("2024-03-07T14:05:00+02:00", datetime(2024, 3, 7, 12, 5, tzinfo=UTC)),
    ("2024/03/07", datetime(2024, 3, 7, tzinfo=UTC)),
    ("30/Sep/21 17:20", datetime(2021, 9, 30, 17, 20, tzinfo=UTC)),
    ("1/Jan/2020 5:07 PM", datetime(2020, 1, 1, 17, 7, tzinfo=UTC)),
    ("12/Dec/19 12:00 AM", datetime(2019, 12, 12, 0, 0, tzinfo=UTC)),
])
def test_parse_date(raw: str, expected: datetime) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw,fmt,needle", [
    ("07/03/2024", None, "ambiguous"), ("soon", None, "not a date"), ("2024-13-01", None, "not a date"),
    ("0099-01-01", None, "out of range"), ("2024-03-07", "%d.%m.%Y", None), ("7.3.24", "%d.%m.%Y", "format %d.%m.%Y"),
])
def test_parse_date_refusals_and_formats(raw: str, fmt: str | None, needle: str | None) -> None:
    if needle is None:
        assert parse_date(raw, fmt) == datetime(2024, 3, 7, tzinfo=UTC)   # ISO is read whatever the format
        return
    with pytest.raises(ValueError, match=needle):
        parse_date(raw, fmt)


def test_sniff_falls_back_to_the_header_and_to_comma() -> None:
    assert sniff_delimiter("text\nhello\n") == ","
    assert sniff_delimiter("a;b\n1;2\n") == ";"
    assert sniff_delimiter('text,customer\n"a; b; c; d",x\n') == ","


def test_plan_then_apply_is_what_a_form_calls(container: Container, ws: Ws) -> None:
    data = (HEADER + "One,Acme,,,,\n").encode()
    with container.unit_of_work() as uow:
        plan = plan_import(uow=uow, workspace_id=ws.id, data=data, options=ImportOptions(filename="web.csv"))
        assert plan.preview()["ready"]
        summary = apply_import(uow=uow, workspace_id=ws.id, actor=SYSTEM, plan=plan)
    assert summary.created_feedback == 1 and counts(container, ws) == (1, 2, 1)


def test_survey_scores_are_imported_and_count_in_nps(container: Container, ws: Ws, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = (b"Comment,Account,NPS,Date\n"
            b"Love the reminders,Acme,10,2024-03-01\nToo pricey,Initech,3,2024-03-02\nFine,,8,2024-03-03\n"
            b"No score here,Acme,,2024-03-04\n")
    preview = json.loads(run("import", "feedback", write(tmp_path, data), "-w", ws.slug, "--dry-run", "--json").stdout)
    assert preview["mapping"]["score"] == "NPS" and preview["ready"]
    assert [(s["score_kind"], s["score"]) for s in preview["sample"]] == [("nps", 10), ("nps", 3), ("nps", 8),
                                                                          (None, None)]
    run("import", "feedback", write(tmp_path, data), "-w", ws.slug)
    rows = feedback_rows(container, ws)
    assert [(r.score_kind, r.score, r.source) for r in rows] == [
        ("nps", 10, "survey"), ("nps", 3, "survey"), ("nps", 8, "survey"), (None, None, "other")]
    nps = json.loads(run("nps", "-w", ws.slug, "--json").stdout)
    everyone = next(r for r in nps["nps"] if r["segment"] == "all")
    assert everyone["responses"] == 3 and everyone["nps"] == 0.0  # one promoter, one detractor, one passive
    # a score without a kind, or out of its range, is a bad row naming why
    bad = (b"Comment,Score,Kind\nA,9,\nB,11,nps\nC,4,csat\nD,x,nps\nE,3,ces\n")
    out = run("import", "feedback", write(tmp_path, bad, "bad.csv"), "-w", ws.slug, "--map", "score_kind=Kind",
              "--dry-run", "--json", code=1)
    reasons = {b["row"]: b["reason"] for b in json.loads(out.stdout)["bad_rows"]}
    assert "say which survey the score is from" in reasons[1] and reasons[2] == "an NPS score is 0-10, not 11"
    assert 3 not in reasons and "not a whole number" in reasons[4] and "unknown score kind 'ces'" in reasons[5]
