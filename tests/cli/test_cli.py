"""The CLI end to end (Typer's CliRunner) on both back ends: scripted set-up, records, JSON, errors, backup."""

from __future__ import annotations

import csv
import io
import json
import uuid
from pathlib import Path

import pytest

from tradeoff.core.text.seed import SEED_EXAMPLES


def test_scripted_setup_records_and_json(run) -> None:  # type: ignore[no-untyped-def]
    slug = "cli-" + uuid.uuid4().hex[:8]
    owner = f"own-{slug}@example.com"
    run("init", "--workspace", slug, "--owner", owner, "--password-stdin", input="correct horse battery\n")
    # init again is an upgrade, not an error
    run("init", "--workspace", slug, "--owner", owner, "--password-stdin", input="correct horse battery\n")
    token = run("token", "create", "--workspace", slug, "--user", owner).stdout.strip()
    assert token.startswith("tdo_") and "\n" not in token
    tokens = json.loads(run("token", "list", "-w", slug, "--user", owner, "--json").stdout)
    assert tokens[0]["prefix"] == token[:10] and "token" not in tokens[0]

    cust = json.loads(run("customers", "create", "-w", slug, "--name", "Umbrella", "--arr", "25000",
                          "--segment", "enterprise", "--json").stdout)
    fb = json.loads(run("feedback", "create", "-w", slug, "--text", "Need SAML single sign-on",
                        "--customer-id", str(cust["id"]), "--source", "sales_call", "--tags", "sso", "--json").stdout)
    assert fb["tags"] == ["sso"] and fb["customer"]["name"] == "Umbrella"
    feat = json.loads(run("features", "create", "-w", slug, "--title", "SAML SSO", "--user-flow", "Open settings",
                          "--user-flow", "Upload metadata", "--json").stdout)
    assert feat["user_flow"] == ["Open settings", "Upload metadata"]
    run("link", str(fb["id"]), "-w", slug, "--feature", str(feat["id"]), "--quote", "SAML")
    ev = json.loads(run("evidence", "feature", str(feat["id"]), "-w", slug, "--json").stdout)
    assert ev["customer_count"] == 1 and ev["arr_by_currency"] == {"USD": "25000.00"}

    listed = json.loads(run("feedback", "list", "-w", slug, "--q", "saml", "--json").stdout)
    assert [i["id"] for i in listed["items"]] == [fb["id"]]
    shown = json.loads(run("customers", "show", str(cust["id"]), "-w", slug, "--json").stdout)
    assert shown["arr"] == "25000.00"
    run("customers", "update", str(cust["id"]), "-w", slug, "--plan", "Enterprise")
    stale = run("customers", "update", str(cust["id"]), "-w", slug, "--plan", "X", "--if-version", "1", ok=False)
    assert stale.exit_code != 0 and "changed since you read it" in stale.stderr
    run("features", "archive", str(feat["id"]), "-w", slug)
    assert json.loads(run("features", "list", "-w", slug, "--json").stdout)["items"] == []
    run("features", "restore", str(feat["id"]), "-w", slug)
    trail = json.loads(run("audit", "-w", slug, "--record-type", "customer", "--json").stdout)
    assert [e["action"] for e in trail][:2] == ["update", "create"]
    # the same shape as the API's audit items, moments in UTC with a Z
    assert set(trail[0]) == {"id", "at", "actor", "via", "action", "record_type", "record_id", "changes"}
    assert trail[0]["record_type"] == "customer" and trail[0]["record_id"] == cust["id"]
    assert trail[0]["at"].endswith("Z")
    for read in (("workspace", "list"), ("db", "current"), ("requests", str(cust["id"]), "-w", slug),
                 ("problems", "list", "-w", slug), ("products", "list", "-w", slug)):
        json.loads(run(*read, "--json").stdout)


def test_lists_and_views_export_every_row_as_csv(run, container, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tradeoff.accounts import service as accounts
    from tradeoff.customers import service as customer_service
    from tradeoff.customers.schemas import CustomerCreate
    from tradeoff.storage.uow import Actor

    slug = "csv-" + uuid.uuid4().hex[:8]
    owner = f"own-{slug}@example.com"
    run("init", "--workspace", slug, "--owner", owner, "--password-stdin", input="correct horse battery\n")
    with container.unit_of_work() as uow:  # more than a page of customers
        w = accounts.workspace_by_slug(uow=uow, slug=slug).id
        for i in range(205):
            customer_service.create(uow=uow, workspace_id=w, actor=Actor(None, "test", "cli"), data=CustomerCreate(
                name=f"C{i:03d}", segment="smb" if i % 2 else "enterprise"))
    run("customers", "create", "-w", slug, "--name", "+cmd|' /C calc'!A0", "--segment", "smb")
    out = tmp_path / "customers.csv"
    done = run("customers", "list", "-w", slug, "--filter", "segment=smb", "--sort", "name", "--csv", str(out))
    assert "wrote 103 rows" in done.stderr
    rows = list(csv.DictReader(out.open(newline="", encoding="utf-8")))
    assert len(rows) == 103 and all(r["segment"] == "smb" for r in rows)
    assert rows[0]["name"] == "'+cmd|' /C calc'!A0"  # a spreadsheet formula is written as text
    assert [r["name"] for r in rows[1:]] == sorted(f"C{i:03d}" for i in range(205) if i % 2)
    # '-' prints it; a bad sort writes nothing
    printed = run("customers", "list", "-w", slug, "--q", "C007", "--csv", "-").stdout
    assert [r["name"] for r in csv.DictReader(io.StringIO(printed))] == ["C007"]
    bad = tmp_path / "bad.csv"
    assert run("customers", "list", "-w", slug, "--sort", "colour", "--csv", str(bad), ok=False).exit_code != 0
    assert not bad.exists()
    # many feedback items at once, all or nothing
    fb = [json.loads(run("feedback", "create", "-w", slug, "--text", f"bulk {i}", "--json").stdout)["id"] for i in range(2)]
    feat = json.loads(run("features", "create", "-w", slug, "--title", "Bulk target", "--json").stdout)["id"]
    done = json.loads(run("bulk", "link", *map(str, fb), "-w", slug, "--feature", str(feat), "--json").stdout)
    assert done["done"] == fb
    assert run("bulk", "kind", str(fb[0]), "-w", slug, "--kind", "bug").stdout.startswith("kind: 1 of 1 done")
    again = run("bulk", "kind", str(fb[0]), str(fb[1]), "-w", slug, "--kind", "bug").stdout
    assert again.startswith("kind: 1 of 2 done, 1 skipped") and f"skipped {fb[0]}: already corrected to bug" in again
    assert json.loads(run("feedback", "show", str(fb[1]), "-w", slug, "--json").stdout)["kind"] == "bug"
    refused = run("bulk", "archive", str(fb[0]), "999999", "-w", slug, ok=False)
    assert refused.exit_code != 0 and "999999" in refused.stderr
    assert json.loads(run("feedback", "show", str(fb[0]), "-w", slug, "--json").stdout)["archived"] is False
    assert "exactly one of feature_id or problem_id" in run("bulk", "link", str(fb[0]), "-w", slug, ok=False).stderr
    # every item a search and filters match, as `feedback list` would find them; ids or a match, not both
    matched = json.loads(run("bulk", "archive", "-w", slug, "--matching", "--q", "bulk", "--filter", "kind=bug",
                             "--json").stdout)
    assert matched["matched"] == 2 and sorted(matched["done"]) == fb
    assert json.loads(run("feedback", "list", "-w", slug, "--archived", "--json").stdout)["items"][0]["id"] in fb
    for both_or_neither in ((str(fb[0]), "--matching"), ()):
        assert "give the feedback ids, or --matching" in run("bulk", "restore", *both_or_neither, "-w", slug,
                                                             ok=False).stderr
    assert "only with --matching" in run("bulk", "restore", str(fb[0]), "-w", slug, "--q", "x", ok=False).stderr
    assert "cannot filter feedback on 'colour'" in run("bulk", "restore", "-w", slug, "--matching", "--filter",
                                                         "colour=red", ok=False).stderr
    restored = run("bulk", "restore", "-w", slug, "--matching", "--archived", "--filter", "kind=bug").stdout
    assert restored.startswith("restore: 2 of 2 done")
    loop = run("close-the-loop", str(feat), "-w", slug, "--csv", "-").stdout
    # feedback with no customer: one row each, unnamed
    assert [(r["customer"], r["what they said"]) for r in csv.DictReader(io.StringIO(loop))] == [
        ("", "bulk 0"), ("", "bulk 1")]
    assert "not shipped: the loop is closed once it ships" in run("close-the-loop", str(feat), "-w", slug,
                                                                  "--told-feedback", str(fb[0]), ok=False).stderr
    run("features", "update", str(feat), "-w", slug, "--status", "shipped")
    told = json.loads(run("close-the-loop", str(feat), "-w", slug, "--told-feedback", str(fb[0]), "--by",
                          "dana@sales.example", "--json").stdout)
    assert [c["told"] for c in told["customers"]] == [True, False] and told["to_tell_count"] == 1
    assert told["customers"][0]["told_by"] == "dana@sales.example"  # who told them, not the CLI's login
    assert "(1 to tell, 1 told)" in run("close-the-loop", str(feat), "-w", slug).stdout
    assert "customer 424242 did not ask for this feature" in run("close-the-loop", str(feat), "-w", slug, "--told",
                                                                 "424242", ok=False).stderr
    assert json.loads(run("close-the-loop", str(feat), "-w", slug, "--told-feedback", str(fb[0]), "--undo",
                          "--json").stdout)["told_count"] == 0
    merged = run("bulk", "merge", *map(str, fb), "-w", slug, "--into", str(fb[0])).stdout
    assert merged.startswith("merge: 1 of 2 done")  # the one that stays is not merged into itself
    assert json.loads(run("feedback", "show", str(fb[1]), "-w", slug, "--json").stdout)["duplicate_of_id"] == fb[0]
    assert "merge needs into_id" in run("bulk", "merge", str(fb[1]), "-w", slug, ok=False).stderr
    assert f"skipped {fb[0]}: already checked as bug" in run("bulk", "confirm", str(fb[0]), "-w", slug).stdout
    for view in (("rank",), ("top",), ("forecast",), ("commitments",)):
        text = run(*view, "-w", slug, "--csv", "-").stdout
        assert next(csv.reader(io.StringIO(text))), view  # headings, even with nothing to list


@pytest.mark.parametrize("args,needle", [
    (("customers", "create", "-w", "nope-nope", "--name", "x"), "workspace 'nope-nope' not found"),
    (("customers", "list", "-w", "nope-nope", "--sort", "colour"), "not found"),
    (("feedback", "create", "-w", "WS", "--text", "   "), "--text"),
    (("customers", "create", "-w", "WS", "--name", "x", "--arr", "-4"), "--arr"),
    (("customers", "list", "-w", "WS", "--sort", "colour"), "cannot sort customers by 'colour'"),
    (("customers", "list", "-w", "WS", "--filter", "colour=red"), "cannot filter"),
    (("link", "1", "-w", "WS"), "exactly one of --feature or --problem"),
    (("restore", "/dev/null"), "not JSON"),
    (("features", "show", "1" + "0" * 30, "-w", "WS"), "not found"),  # beyond what either database stores
])
def test_errors_are_one_clear_line_and_non_zero(run, args, needle) -> None:  # type: ignore[no-untyped-def]
    slug = "err-" + uuid.uuid4().hex[:8]
    run("workspace", "create", slug, "--owner", f"o-{slug}@example.com")
    result = run(*[slug if a == "WS" else a for a in args], ok=False)
    assert result.exit_code != 0
    first = result.stderr.strip().splitlines()[0]
    assert first.startswith("error: ") and needle in result.stderr, result.stderr
    assert "Traceback" not in result.output


def test_backup_restore_round_trip_is_lossless(backend, empty_container, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from tests.conftest import fresh_database_url, make_container
    from tradeoff.accounts import service as accounts
    from tradeoff.backup.service import backup, restore
    from tradeoff.demo.load import load_demo
    from tradeoff.errors import Conflict, InvalidInput, NotFound

    with empty_container.unit_of_work() as uow:
        load_demo(uow=uow, password="demo-password", anchor=date(2026, 11, 1), slug="orig")
    with empty_container.unit_of_work() as uow:
        first = backup(uow=uow, slug="orig")
    tables = first["tables"]
    # the demo's live plan shows both sides of a release target: one likely enough, one at risk
    (plan,) = [p for p in tables["plans"] if p["live"]]
    chance = {r["name"]: r["probability"] for r in plan["releases"]}
    assert chance["Enterprise readiness"] >= 0.7 > chance["Month-end close"]
    assert len(tables["feedback"]) == 402 and len(tables["links"]) > 200 and tables["audit_events"]
    assert sum(1 for rows in tables.values() if rows) >= 15  # every domain's tables, not only the core records
    # restoring into the same database is refused (ids are kept), and changes nothing
    with pytest.raises(Conflict), empty_container.unit_of_work() as uow:
        restore(uow=uow, doc=first, slug="copy")
    gen = fresh_database_url(backend, tmp_path / "second")
    (tmp_path / "second").mkdir()
    other = make_container(next(gen), tmp_path / "second")
    try:
        broken = json.loads(json.dumps(first))
        broken["tables"]["links"][5]["feedback_id"] = "not an id"
        with pytest.raises((InvalidInput, Exception)), other.unit_of_work() as uow:
            restore(uow=uow, doc=broken, slug="broken")
        with pytest.raises(NotFound), other.unit_of_work() as uow:  # a failed restore leaves nothing behind
            accounts.workspace_by_slug(uow=uow, slug="broken")
        # a member's role must be one Tradeoff knows, and someone must own the workspace
        odd = json.loads(json.dumps(first))
        odd["members"][1]["role"] = "admin"
        with pytest.raises(InvalidInput, match=r"member 2 \(.*\) has role 'admin'"), other.unit_of_work() as uow:
            restore(uow=uow, doc=odd, slug="odd")
        ownerless = json.loads(json.dumps(first))
        for m in ownerless["members"]:
            m["role"] = "pm" if m["role"] == "owner" else m["role"]
        with pytest.raises(InvalidInput, match="no member with the owner role"), other.unit_of_work() as uow:
            restore(uow=uow, doc=ownerless, slug="ownerless")
        for slug in ("odd", "ownerless"):
            with pytest.raises(NotFound), other.unit_of_work() as uow:
                accounts.workspace_by_slug(uow=uow, slug=slug)
        with other.unit_of_work() as uow:
            restore(uow=uow, doc=first)
        with other.unit_of_work() as uow:
            second = backup(uow=uow, slug="orig")
        assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    finally:
        other.engine.dispose()
        next(gen, None)


def test_triage_tune_fine_tunes_the_workspace_kind_model(run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tradeoff import embeddings

    slug = "tune-" + uuid.uuid4().hex[:8]
    run("init", "--workspace", slug, "--owner", f"own-{slug}@example.com", "--password-stdin", input="pw-123456789\n")
    if embeddings.model_available():
        out = run("triage", "tune", "-w", slug, ok=False)
        assert out.exit_code != 0 and "no kind corrections yet" in out.output
    for text, kind in [("the export crashes", "bug"), ("please add dark mode", "feature_request"),
                       ("how do I invite a colleague?", "question")]:
        fb = json.loads(run("feedback", "create", "-w", slug, "--text", text, "--json").stdout)
        run("feedback", "update", str(fb["id"]), "-w", slug, "--kind", kind)
    assert json.loads(run("triage", "status", "-w", slug, "--json").stdout)["kind_model"] is None
    if not embeddings.model_available():
        out = run("triage", "tune", "-w", slug, ok=False)
        assert out.exit_code != 0 and "pip install tradeoff[ml]" in out.output
        return
    done = json.loads(run("triage", "tune", "-w", slug, "--members", "1", "--epochs", "1", "--json").stdout)
    assert done["corrections"] == 3 and done["examples"] == len(SEED_EXAMPLES) + 3 and done["method"].endswith("LoRA x1")
    status = json.loads(run("triage", "status", "-w", slug, "--json").stdout)
    assert status["kind_model"]["corrections"] == 3 and status["pending"] == 0  # re-triaged with the new model
    assert f"fine-tuned on {len(SEED_EXAMPLES) + 3} examples" in run("triage", "status", "-w", slug).stdout
    monkeypatch.setattr(embeddings, "model_available", lambda: False)
    out = run("triage", "tune", "-w", slug, ok=False)
    assert out.exit_code != 0 and "pip install tradeoff[ml]" in out.output


def test_split_notes_reads_each_headings_customer_and_day(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from datetime import date, timedelta

    slug = "cli-notes-" + uuid.uuid4().hex[:8]
    run("init", "--workspace", slug, "--owner", f"own-{slug}@example.com", "--password-stdin",
        input="correct horse battery\n")
    run("customers", "create", "-w", slug, "--name", "Redfern Engineering", "--arr", "1000")
    day = date.today() - timedelta(days=2)
    notes = tmp_path / "week.txt"
    notes.write_text(f"{day:%a} {day.day} {day:%b} — Redfern Engineering (CFO)\n- Approvals take a week\n\n"
                     "Other notes:\n- No customer or day for this one\n", encoding="utf-8")
    got = json.loads(run("split-notes", str(notes), "-w", slug, "--json").stdout)  # the API's shape
    assert got["items"] == ["Approvals take a week", "No customer or day for this one"]
    assert [(d["customer"], d["reported_on"]) for d in got["details"]] == [
        ("Redfern Engineering", day.isoformat()), (None, None)]
    shown = run("split-notes", str(notes), "-w", slug).stdout
    assert f"1. Approvals take a week  [Redfern Engineering, {day.isoformat()}]" in shown
    assert "2. No customer or day for this one\n" in shown
    # a name two customers on record go by: the answer says which they are, never offers it as a new customer
    ids = [json.loads(run("customers", "create", "-w", slug, "--name", n, "--json").stdout)["id"]
           for n in ("Corvina Freight", "Corvina Analytics")]
    notes.write_text("Call with Corvina, 2 Dec\n- Needs SSO\n", encoding="utf-8")
    (d,) = json.loads(run("split-notes", str(notes), "-w", slug, "--json").stdout)["details"]
    assert (d["new_customer"], d["ambiguous_name"]) == (None, "Corvina")
    assert sorted(c["id"] for c in d["candidates"]) == sorted(ids)
    shown = run("split-notes", str(notes), "-w", slug).stdout
    assert (f"'Corvina' could be: Corvina Analytics (customer {ids[1]}), Corvina Freight (customer {ids[0]})"
            in shown)


def test_theme_to_problem_takes_segment_and_product_like_the_api(run) -> None:  # type: ignore[no-untyped-def]
    slug = "cli-theme-" + uuid.uuid4().hex[:8]
    run("init", "--workspace", slug, "--owner", f"own-{slug}@example.com", "--password-stdin",
        input="correct horse battery\n")
    ids = [json.loads(run("feedback", "create", "-w", slug, "--text", t, "--json").stdout)["id"]
           for t in ("Reminders land in spam", "Our reminder emails go to spam folders")]
    args = ["theme-to-problem", "-w", slug, "--statement", "Reminder emails are not delivered",
            *[a for i in ids for a in ("--feedback-id", str(i))]]
    bad = run(*args, "--product-id", "999999", ok=False)
    assert bad.exit_code != 0 and "product" in bad.output + (bad.stderr if bad.stderr_bytes else "")
    made = run(*args, "--segment", "enterprise").stdout
    pid = int(made.split()[2])
    problem = json.loads(run("problems", "show", str(pid), "-w", slug, "--json").stdout)
    assert problem["segment"] == "enterprise"
    ev = json.loads(run("evidence", "problem", str(pid), "-w", slug, "--json").stdout)
    assert ev["feedback_count"] == 2
    # more of the same later: the theme is added to that problem instead of a new one
    later = [json.loads(run("feedback", "create", "-w", slug, "--text", t, "--json").stdout)["id"]
             for t in ("Reminder emails are not delivered to customers", "our reminder emails are not delivered")]
    themes = json.loads(run("themes", "-w", slug, "--json").stdout)["items"]
    assert [[p["id"] for p in t["problems"]] for t in themes] == [[pid]]  # the theme names the problem it is like
    added = run("theme-to-existing-problem", "-w", slug, "--problem-id", str(pid),
                *[a for i in [*later, ids[0]] for a in ("--feedback-id", str(i))]).stdout
    assert added.strip() == f"linked 2 more pieces of evidence to problem {pid} (1 already were)"
    again = json.loads(run("theme-to-existing-problem", "-w", slug, "--problem-id", str(pid), "--feedback-id",
                           str(later[0]), "--json").stdout)
    assert again == {"problem_id": pid, "evidence_linked": 0, "already_linked": 1}
    fresh = json.loads(run("feedback", "create", "-w", slug, "--text", "Invoices land in spam", "--json").stdout)["id"]
    new = json.loads(run(*args[:3], "--statement", "Spam folders", "--feedback-id", str(fresh), "--json").stdout)
    assert new["evidence_linked"] == 1 and new["problem_id"] != pid
    assert json.loads(run("evidence", "problem", str(pid), "-w", slug, "--json").stdout)["feedback_count"] == 4
