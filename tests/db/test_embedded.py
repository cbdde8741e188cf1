"""The embedded server's start-up survives a damaged process list (no mocks: the real files)."""
import json
import os
import subprocess
import sys

import pytest

from comparer.db import embedded


def test_a_damaged_process_list_is_reset_and_a_good_one_kept(tmp_path):
    path = tmp_path / embedded.HANDLE_LIST
    assert embedded.repair_handle_list(tmp_path) is False            # no file: nothing to do
    path.write_text("[101, 202]")
    assert embedded.repair_handle_list(tmp_path) is False and path.read_text() == "[101, 202]"
    for damaged in ("", "[101, 2", '{"pids": [1]}', '["x"]'):
        path.write_text(damaged)
        assert embedded.repair_handle_list(tmp_path) is True, damaged
        assert json.loads(path.read_text()) == []


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="the tests use DATABASE_URL's server, not the embedded one")
def test_db_start_works_after_a_holder_left_the_list_empty():
    # What a process stopped mid-rewrite leaves behind; `make demo` (`make db-start`) then failed.
    (embedded.PGDATA / embedded.HANDLE_LIST).write_text("")
    started = subprocess.run([sys.executable, "-m", "comparer.db.embedded", "start"], cwd=embedded.BASE_DIR,
                             capture_output=True, text=True, timeout=120)
    assert started.returncode == 0, started.stderr[-2000:]
    assert "embedded PostgreSQL running" in started.stdout
    assert isinstance(json.loads((embedded.PGDATA / embedded.HANDLE_LIST).read_text()), list)
