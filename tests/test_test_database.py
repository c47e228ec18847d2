"""The test database belongs to its run: two pytest runs started at once in one checkout each get
their own SQLite file (named after the process, or SANWU_TEST_DB), and neither removes the other's."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from django.conf import settings

# Each inner run writes a marker row (committed), waits until the other run has written its own,
# then reads its database file afresh: its own marker must be there and the other's must not.
# It waits again until the other has checked, so that no run's teardown happens during a check.
INNER = textwrap.dedent(
    '''
    import os, sqlite3, time
    from pathlib import Path

    import pytest
    from django.db import connection

    BARRIER = Path(os.environ["BARRIER"])
    ME, OTHER = os.environ["RUN"], {"a": "b", "b": "a"}[os.environ["RUN"]]


    def wait_for(name):
        deadline = time.monotonic() + 240
        while not (BARRIER / name).exists():
            assert time.monotonic() < deadline, f"run {OTHER} never reached {name}"
            time.sleep(0.05)


    @pytest.mark.django_db(transaction=True)
    def test_own_database():
        path = connection.settings_dict["NAME"]
        (BARRIER / f"name-{ME}").write_text(path)
        with connection.cursor() as c:
            c.execute("CREATE TABLE IF NOT EXISTS run_marker (run TEXT)")
            c.execute("INSERT INTO run_marker VALUES (%s)", [ME])
        (BARRIER / f"written-{ME}").touch()
        wait_for(f"written-{OTHER}")
        fresh = sqlite3.connect(path)
        try:
            runs = {r for (r,) in fresh.execute("SELECT run FROM run_marker")}
        finally:
            fresh.close()
        (BARRIER / f"checked-{ME}").touch()
        wait_for(f"checked-{OTHER}")
        assert runs == {ME}
    '''
)


def test_two_runs_in_one_checkout_keep_their_own_sqlite_databases(tmp_path):
    (tmp_path / "test_inner.py").write_text(INNER, encoding="utf-8")
    project = Path(settings.BASE_DIR).parent.parent
    var = Path(settings.VAR_DIR)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SANWU_TEST_DB", "PYTEST_XDIST_WORKER")}
    env["BARRIER"] = str(tmp_path)
    command = [
        sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", "--no-migrations",
        "-c", str(project / "pyproject.toml"), "--rootdir", str(tmp_path), str(tmp_path / "test_inner.py"),
    ]
    runs = {
        run: subprocess.Popen(command, env={**env, "RUN": run}, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for run in ("a", "b")
    }
    outputs = {run: proc.communicate(timeout=300)[0] for run, proc in runs.items()}
    for run, proc in runs.items():
        assert proc.returncode == 0, f"run {run}:\n{outputs[run]}"
    names = {(tmp_path / f"name-{run}").read_text() for run in runs}
    assert len(names) == 2 and all(Path(n).parent == var for n in names)
    # pytest-django removed both at the end of their runs
    assert not any(Path(n).exists() for n in names)


def test_sanwu_test_db_names_the_sqlite_test_database(tmp_path):
    code = "import django; django.setup(); from django.conf import settings; print(settings.DATABASES['default']['TEST']['NAME'])"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DJANGO_SETTINGS_MODULE="sanwu.settings", SANWU_VAR_DIR=str(tmp_path))

    def name(test_db: str | None) -> str:
        e = {**env, "SANWU_TEST_DB": test_db} if test_db else {k: v for k, v in env.items() if k != "SANWU_TEST_DB"}
        return subprocess.run([sys.executable, "-c", code], env=e, capture_output=True, text=True, check=True).stdout.strip()

    assert name("test_mine") == str(tmp_path / "test_mine.sqlite3")
    assert name(str(tmp_path / "elsewhere.sqlite3")) == str(tmp_path / "elsewhere.sqlite3")
    first, second = name(None), name(None)
    assert first != second and Path(first).parent == tmp_path and Path(first).name.startswith("test_sanwu_")
