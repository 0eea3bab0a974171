"""The schema check reads the code's revisions from the migration files' text: it must agree with Alembic."""

from __future__ import annotations

import subprocess
import sys

from tradeoff.storage.migrate import head_revision, revisions
from tradeoff.storage.schema_check import code_revisions


def test_the_revisions_read_from_the_files_are_alembics() -> None:
    code = code_revisions()
    assert code.heads == (head_revision(),)
    assert code.known == frozenset(revisions())


def test_checking_the_schema_imports_no_alembic() -> None:
    probe = ("import sys; from tradeoff.storage.schema_check import code_revisions; code_revisions(); "
             "print('alembic' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
