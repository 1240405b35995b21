import os
import stat
from concurrent.futures import ThreadPoolExecutor

import pytest

from toolkit.files import write_bytes_atomic, write_text_atomic


def test_new_file_gets_the_usual_permissions(tmp_path):
    umask = os.umask(0o022)
    try:
        path = write_text_atomic(tmp_path / "a.txt", "hello\n")
    finally:
        os.umask(umask)
    assert path.read_text() == "hello\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_existing_file_keeps_its_permissions(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("old")
    path.chmod(0o640)
    write_text_atomic(path, "new")
    assert path.read_text() == "new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_writes_from_threads_leave_the_umask_alone(tmp_path):
    umask = os.umask(0o027)
    try:
        with ThreadPoolExecutor(8) as pool:
            paths = list(
                pool.map(
                    lambda i: write_bytes_atomic(tmp_path / f"{i}.bin", b"x"),
                    range(64),
                )
            )
        assert os.umask(0o027) == 0o027
    finally:
        os.umask(umask)
    assert {stat.S_IMODE(p.stat().st_mode) for p in paths} == {0o640}


def test_a_folder_is_rejected(tmp_path):
    with pytest.raises(ValueError, match="is a folder"):
        write_text_atomic(tmp_path, "x")


def test_failure_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "a.txt"
    path.write_text("old")

    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write_text_atomic(path, "new")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]
