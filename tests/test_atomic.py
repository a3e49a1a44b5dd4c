"""tools/atomic.py: a file is replaced whole or not at all."""

import pytest

from tools import atomic


def test_a_new_file_is_written_readable_by_others(tmp_path):
    path = tmp_path / "sub" / "new.md"
    atomic.write_text(path, "一\n二\n")
    assert path.read_bytes() == "一\n二\n".encode()
    assert path.stat().st_mode & 0o777 == atomic.DEFAULT_MODE
    assert [p.name for p in path.parent.iterdir()] == ["new.md"]


def test_a_replaced_file_keeps_its_mode(tmp_path):
    path = tmp_path / "old.bin"
    path.write_bytes(b"old")
    path.chmod(0o600)
    atomic.write_bytes(path, b"new")
    assert path.read_bytes() == b"new"
    assert path.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("error", [ValueError, KeyboardInterrupt])
def test_an_interrupted_write_leaves_the_old_file_and_no_temporary(
    tmp_path, error
):
    path = tmp_path / "results.md"
    path.write_text("old", encoding="utf-8")
    with pytest.raises(error), atomic.replacing(path) as temporary:
        temporary.write_text("half", encoding="utf-8")
        raise error
    assert path.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["results.md"]
