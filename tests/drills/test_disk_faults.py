"""Disk faults end a command with one line, never a traceback, and lose nothing they keep.

A real tmpfs filled to the brim stands for a full disk; remounted read-only it stands for a
read-only database file (as root, file modes do not stop writes, a read-only mount does).
"""

from __future__ import annotations

import shutil
import stat
import sys
from pathlib import Path

from disk_helpers import fill, remount_read_only, tmpfs
from drill_helpers import cli, mlrtui

from mlrtui.paths import examples_dir
from mlrtui.runs import versions as V
from mlrtui.store import open_store
from mlrtui.store.tasks import ensure_examples


def _db_with_a_run(db: Path) -> int:
    store = open_store(db)
    ensure_examples(store, examples_dir())
    run = V.create_run(store, "iclr2026_tiny_evals", "gpt-4o")
    V.save_human_version(store, run.id, "idea", "A first idea.\n")
    store.close()
    return run.id


def _one_line(done) -> str:
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2, done.stderr
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    return lines[0]


def test_versions_edit_on_a_full_disk_keeps_the_text_and_says_where(tmp_path: Path):
    with tmpfs(tmp_path / "disk", "2m") as disk:
        db = disk / "full.db"
        run_id = _db_with_a_run(db)
        fill(disk, leave=256 * 1024)
        editor = tmp_path / "editor.py"
        editor.write_text("import sys\nopen(sys.argv[1], 'w').write('new words ' * 60000)\n")
        editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
        env = {"PATH": "/usr/bin:/bin", "EDITOR": f"{sys.executable} {editor}",
               "TMPDIR": str(tmp_path)}
        done = cli(mlrtui("--db", str(db), "versions", str(run_id), "--edit", "idea"),
                   env={**_base_env(), **env}, timeout=60)
        line = _one_line(done)
        assert str(db) in line and "disk is full" in line and "kept at" in line
        kept = Path(line.rsplit("kept at ", 1)[1].strip())
        assert kept.read_text().startswith("new words") and len(kept.read_text()) == 600000
        (disk / "filler").unlink()
        store = open_store(db)
        assert store.scalar("PRAGMA integrity_check") == "ok"
        assert store.scalar("SELECT count(*) FROM versions") == 1     # nothing half-saved
        store.close()


def test_read_only_database_gives_one_line(tmp_path: Path):
    with tmpfs(tmp_path / "disk", "4m") as disk:
        db = disk / "ro.db"
        _db_with_a_run(db)
        remount_read_only(disk)
        for args in (["tasks", "--set-category", "iclr2026_tiny_evals", "Others"],
                     ["run", "--task", "iclr2026_tiny_evals", "--stages", "idea"]):
            line = _one_line(cli(mlrtui("--db", str(db), *args), env=_base_env(), timeout=60))
            assert str(db) in line


def test_import_on_a_full_disk_fails_in_one_line_and_keeps_whole_units(tmp_path: Path, corpus):
    with tmpfs(tmp_path / "disk", "24m") as disk:
        db = disk / "imp.db"
        open_store(db).close()
        fill(disk, leave=3 * 1024 * 1024)
        done = cli(mlrtui("--db", str(db), "import", str(corpus), "--json"),
                   env=_base_env(), timeout=300)
        line = _one_line(done)
        assert str(db) in line
        shutil.rmtree(disk / "filler", ignore_errors=True)
        (disk / "filler").unlink(missing_ok=True)
        store = open_store(db)
        assert store.scalar("PRAGMA integrity_check") == "ok"
        statuses = [r["status"] for r in store.query("SELECT status FROM imports")]
        assert statuses == ["failed"], statuses
        orphans = store.scalar("SELECT count(*) FROM versions v LEFT JOIN runs r "
                               "ON r.id = v.run_id WHERE r.id IS NULL")
        assert orphans == 0
        store.close()


def _base_env() -> dict[str, str]:
    import os
    return dict(os.environ)


def test_read_only_database_file_gives_one_line(tmp_path: Path):
    """The file itself read-only (mode 0444) for an ordinary user: root ignores modes, so the
    command runs as `nobody` (skipped when we cannot switch users)."""
    import os
    import tempfile
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        import pytest
        pytest.skip("needs root and setpriv to run the command as an ordinary user")
    folder = Path(tempfile.mkdtemp(prefix="mlrtui-ro-"))
    try:
        folder.chmod(0o777)
        db = folder / "ro.db"
        _db_with_a_run(db)
        db.chmod(0o444)
        env = {**_base_env(), "MLRTUI_DATA_DIR": str(folder / "data"),
               "MLRTUI_CONFIG_DIR": str(folder / "cfg")}
        as_nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        before = db.read_bytes()
        for args in (["tasks", "--set-category", "iclr2026_tiny_evals", "Others"],
                     ["versions", "1", "--current", "1"]):
            line = _one_line(cli([*as_nobody, *mlrtui("--db", str(db), *args)], env=env,
                                 timeout=60))
            assert str(db) in line and "read-only" in line
        assert db.read_bytes() == before
    finally:
        shutil.rmtree(folder, ignore_errors=True)
