"""`tradeoff views` and `list --view`: shared saved views from the command line."""

from __future__ import annotations

import json
import uuid


def test_save_list_use_and_delete_a_shared_view(run) -> None:  # type: ignore[no-untyped-def]
    slug = "views-" + uuid.uuid4().hex[:8]
    run("init", "--workspace", slug, "--owner", f"own-{slug}@example.com", "--password-stdin", input="correct horse battery\n")
    ids = {}
    for text, kind in (("Export crashes", "bug"), ("Add SSO", "feature_request"), ("Export is slow", "bug")):
        fb = json.loads(run("feedback", "create", "-w", slug, "--text", text, "--json").stdout)
        run("feedback", "update", str(fb["id"]), "-w", slug, "--kind", kind)
        ids[text] = fb["id"]
    out = run("views", "save", "Bugs", "-w", slug, "--collection", "feedback", "--filter", "kind=bug",
              "--sort", "id").stdout
    assert "tradeoff feedback list --view \"Bugs\"" in out
    listed = json.loads(run("views", "list", "-w", slug, "--collection", "feedback", "--json").stdout)
    assert [(v["name"], v["shared"], v["params"]) for v in listed] == [("Bugs", True, {"sort": "id", "kind": "bug"})]
    shown = json.loads(run("feedback", "list", "-w", slug, "--view", "bugs", "--json").stdout)["items"]
    assert [i["id"] for i in shown] == [ids["Export crashes"], ids["Export is slow"]]
    # options on the command line win over the view's
    shown = json.loads(run("feedback", "list", "-w", slug, "--view", "Bugs", "--sort", "-id", "--q", "slow",
                           "--json").stdout)["items"]
    assert [i["id"] for i in shown] == [ids["Export is slow"]]
    for args, said in ((("feedback", "list", "-w", slug, "--view", "Nope"), "no shared view of feedback is called 'Nope'"),
                       (("feedback", "list", "-w", slug, "--view", "Bugs", "--filter", "kind"),
                        "--filter 'kind' must look like FIELD=VALUE"),
                       (("views", "save", "bugs", "-w", slug, "--collection", "feedback"), "already called 'Bugs'"),
                       (("views", "save", "X", "-w", slug, "--collection", "feedback", "--filter", "colour=red"),
                        "cannot filter feedback on 'colour'"),
                       (("views", "save", "X", "-w", slug, "--collection", "feedback", "--sort", "loudest"),
                        "cannot sort feedback by 'loudest'"),
                       (("views", "save", "X", "-w", slug, "--collection", "widgets"), "'widgets' has no saved views")):
        r = run(*args, ok=False)
        assert r.exit_code != 0 and said in r.stderr, (args, r.stderr)
    run("views", "delete", str(listed[0]["id"]), "-w", slug)
    assert json.loads(run("views", "list", "-w", slug, "--json").stdout) == []


def test_search_everything(run) -> None:  # type: ignore[no-untyped-def]
    slug = "find-" + uuid.uuid4().hex[:8]
    run("init", "--workspace", slug, "--owner", f"own-{slug}@example.com", "--password-stdin", input="correct horse battery\n")
    feat = json.loads(run("features", "create", "-w", slug, "--title", "Wombat export", "--json").stdout)
    for i in range(3):
        run("feedback", "create", "-w", slug, "--text", f"Wombat export {i} is slow")
    found = json.loads(run("search", "wombat", "-w", slug, "--per-kind", "2", "--json").stdout)
    assert [(g["kind"], len(g["items"]), g["more"]) for g in found["groups"]] == [("features", 1, False),
                                                                                  ("feedback", 2, True)]
    assert found["groups"][0]["items"][0]["id"] == feat["id"]
    table = run("search", "wombat", "-w", slug, "--per-kind", "2").stdout
    assert "Wombat export" in table and f'tradeoff feedback list -w {slug} --q "wombat"' in table
    r = run("search", "?!", "-w", slug, ok=False)
    assert r.exit_code != 0 and "give at least one word" in r.stderr


def test_ordinary_mistakes_get_one_line_not_a_traceback(run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    slug = "oops-" + uuid.uuid4().hex[:8]
    run("init", "--workspace", slug, "--owner", f"own-{slug}@example.com", "--password-stdin", input="correct horse battery\n")
    (tmp_path / "adir").mkdir()
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"\xff\xfe\x00")
    for args, said in (
        (("features", "list", "-w", slug, "--csv", str(tmp_path / "missing" / "x.csv")), "No such file or directory"),
        (("features", "list", "-w", slug, "--csv", str(tmp_path / "adir")), "Is a directory"),
        (("restore", str(bad)), "not UTF-8"),
        (("feedback", "create", "-w", slug, "--text", "x", "--reported-at", "0001-01-01T00:00:00+01:00"),
         "does not fit"),
        (("plan", "-w", slug, "--add-people", "1=abc"), ""),
        (("import", "feedback", str(tmp_path / "adir"), "-w", slug, "--date-format", "%Y%Y", "--dry-run"), ""),
    ):
        r = run(*args, ok=False)
        assert r.exit_code in (2, 3), (args, r.exit_code, r.output)
        assert "Traceback" not in r.output and "Traceback" not in r.stderr and said in r.stderr, (args, r.stderr)


def test_currencies_show_and_set(run) -> None:  # type: ignore[no-untyped-def]
    slug = "money-" + uuid.uuid4().hex[:8]
    run("init", "--workspace", slug, "--owner", f"own-{slug}@example.com", "--password-stdin", input="correct horse battery\n")
    run("customers", "create", "-w", slug, "--name", "Kessler", "--currency", "EUR", "--arr", "1000")
    shown = json.loads(run("currencies", "show", "-w", slug, "--json").stdout)
    assert shown == {"currency": "EUR", "rates": {}, "set": False, "unconverted": []}  # the only customer pays in EUR
    out = run("currencies", "set", "-w", slug, "--currency", "usd", "--rate", "EUR=1.08").stdout
    assert "totals in USD, EUR at 1.08" in out
    assert json.loads(run("currencies", "show", "-w", slug, "--json").stdout)["rates"] == {"EUR": 1.08}
    for args, said in ((("--rate", "EUR"), "must look like CODE=RATE"), (("--rate", "EUR=-1"), "rates.EUR"),
                       (("--rate", "USD=1"), "needs no rate")):
        r = run("currencies", "set", "-w", slug, "--currency", "USD", *args, ok=False)
        assert r.exit_code == 2 and said in r.stderr and "Traceback" not in r.stderr, (args, r.stderr)


def test_user_remove_takes_a_member_out_but_never_the_last_owner(run) -> None:  # type: ignore[no-untyped-def]
    slug = "members-" + uuid.uuid4().hex[:8]
    owner = f"own-{slug}@example.com"
    run("init", "--workspace", slug, "--owner", owner, "--password-stdin", input="correct horse battery\n")
    run("user", "add", f"eng-{slug}@example.com", "-w", slug, "--role", "engineer")
    assert "removed" in run("user", "remove", f"eng-{slug}@example.com", "-w", slug).stdout
    r = run("user", "remove", f"eng-{slug}@example.com", "-w", slug, ok=False)
    assert r.exit_code == 3 and "is not a member" in r.stderr
    r = run("user", "remove", owner, "-w", slug, ok=False)
    assert r.exit_code == 4 and "only owner" in r.stderr
