from pathlib import Path

import numpy as np
import pytest

from nbtools.make_data import write_linear_data
from toolkit import data, files
from toolkit import helpers as H  # the namespace, without the session set-up


def test_shipped_file_is_reproduced_exactly_by_the_generator():
    text = data.format_csv(*H.make_linear_data())
    assert H.DATA_FILE.read_text(encoding="utf-8") == text


def test_shipped_data_has_the_documented_shape():
    x, y = H.load_linear_data()
    assert x.shape == y.shape == (100,)
    assert x.dtype == np.float64
    assert -10 <= x.min() and x.max() < 10
    residual = y - (H.TRUE_W * x + H.TRUE_B)
    assert 1.0 < residual.std() < 2.0  # noise ~ N(0, 1.5)


def test_loads_from_any_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    x, _ = H.load_linear_data()
    assert len(x) == 100


def test_generator_parameters():
    x, y = H.make_linear_data(5, w=2.0, b=1.0, noise=0.0, seed=1)
    np.testing.assert_array_equal(y, 2.0 * x + 1.0)
    x2, _ = H.make_linear_data(5, seed=1)
    np.testing.assert_array_equal(x, x2)
    with pytest.raises(ValueError, match="positive integer"):
        H.make_linear_data(0)
    with pytest.raises(ValueError, match="noise must be >= 0"):
        H.make_linear_data(noise=-1)


def test_write_round_trips_and_loads_another_file(tmp_path):
    path = write_linear_data(tmp_path / "small.csv", n=7, seed=3)
    x, y = H.load_linear_data(path)
    x0, y0 = H.make_linear_data(7, seed=3)
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(y, y0)
    assert [p.name for p in tmp_path.iterdir()] == ["small.csv"], "no temp files left"


def test_write_failure_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "keep.csv"
    path.write_text("x,y\n1,2\n")
    with pytest.raises(ValueError):
        write_linear_data(path, n=-1)

    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr(files.os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write_linear_data(path)
    assert path.read_text() == "x,y\n1,2\n"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.csv"]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "file is empty"),
        ("x,z\n1,2\n", "line 1: missing column\\(s\\) y"),
        ("x,y\n", "no data rows"),
        ("x,y\n1,2\n3,abc\n", "line 3: column 'y' has 'abc', expected a number"),
        ("x,y\n1,2\nnan,2\n", "line 3: column 'x' has 'nan', expected a finite"),
        ("x,y\n1,2,3\n", "line 2: expected 2 fields, got 3"),
    ],
)
def test_loader_errors_name_file_and_line(tmp_path, text, message):
    path = _write(tmp_path, text)
    with pytest.raises(ValueError, match=message) as error:
        H.load_linear_data(path)
    assert str(path) in str(error.value)


def test_missing_file(tmp_path):
    with pytest.raises(ValueError, match="data file not found"):
        H.load_linear_data(tmp_path / "nope.csv")


def test_extra_columns_and_blank_lines_are_fine(tmp_path):
    path = _write(tmp_path, "id,y,x\n1,2.5,1.0\n\n2,4.5,2.0\n")
    x, y = H.load_linear_data(path)
    np.testing.assert_array_equal(x, [1.0, 2.0])
    np.testing.assert_array_equal(y, [2.5, 4.5])


def test_the_shipped_file_is_written_only_when_asked(monkeypatch, tmp_path):
    shipped = tmp_path / "shipped.csv"
    shipped.write_text("x,y\n1,2\n")
    monkeypatch.setattr("nbtools.make_data.DATA_FILE", shipped)
    with pytest.raises(ValueError, match="is the shipped data set"):
        write_linear_data(shipped)
    assert shipped.read_text() == "x,y\n1,2\n"
    write_linear_data(shipped, replace_shipped=True)
    assert shipped.read_text() == data.format_csv(*data.make_linear_data())


def test_the_toolkit_carries_only_what_notebooks_run():
    # The generators are maintainers' tools (nbtools), not part of the package.
    folder = Path(data.__file__).parent
    assert not list(folder.glob("make_*.py"))
    assert data.DATA_FILE.parent == folder / "assets"
