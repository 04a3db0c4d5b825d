"""Atomic writes and the build cache (briefgen.write)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from briefgen.write import (
    BuildCache,
    hash_bytes,
    hash_parts,
    write_bytes_atomic,
    write_text_atomic,
)


def test_write_bytes_atomic_creates_folders_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "out.bin"
    write_bytes_atomic(target, b"first")
    write_bytes_atomic(target, b"second")
    assert target.read_bytes() == b"second"
    assert sorted(p.name for p in target.parent.iterdir()) == ["out.bin"]


def test_written_file_is_not_private(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    write_text_atomic(target, "text\n")
    mode = stat.S_IMODE(os.stat(target).st_mode)
    assert mode & stat.S_IRGRP, oct(mode)
    assert target.read_text(encoding="utf-8") == "text\n"


def test_failed_write_leaves_old_file_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    write_text_atomic(target, "old")

    try:
        write_bytes_atomic(target, "not bytes")  # type: ignore[arg-type]
    except TypeError:
        pass
    else:  # pragma: no cover - the write above must fail
        raise AssertionError("expected a TypeError")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_hash_parts_separates_names_and_values() -> None:
    assert hash_parts([("a", "bc")]) != hash_parts([("ab", "c")])
    assert hash_parts([("a", b"x")]) == hash_parts([("a", "x")])
    assert hash_bytes(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_build_cache_round_trip_and_freshness(tmp_path: Path) -> None:
    path = tmp_path / "build" / ".briefgen-cache.json"
    output = tmp_path / "out.pdf"
    cache = BuildCache.load(path)
    assert cache.entries == {}
    cache.record("briefs/a.md:pdf", "d1")
    cache.save()
    again = BuildCache.load(path)
    assert again.entries == {"briefs/a.md:pdf": "d1"}
    assert json.loads(path.read_text())["version"] == 1
    assert not again.is_fresh("briefs/a.md:pdf", "d1", [output])  # output missing
    output.write_bytes(b"%PDF")
    assert again.is_fresh("briefs/a.md:pdf", "d1", [output])
    assert not again.is_fresh("briefs/a.md:pdf", "d2", [output])


def test_corrupt_cache_reads_as_empty(tmp_path: Path) -> None:
    path = tmp_path / "cache.json"
    path.write_text("{not json")
    assert BuildCache.load(path).entries == {}
    path.write_text('["a list"]')
    assert BuildCache.load(path).entries == {}


def _dead_pid() -> int:
    import subprocess
    import sys

    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_temp_file_names_the_writer(tmp_path: Path, monkeypatch) -> None:
    from briefgen import write

    seen: list[str] = []
    real_replace = os.replace

    def spy(src: str, dst: object) -> None:
        seen.append(Path(src).name)
        real_replace(src, dst)

    monkeypatch.setattr(write.os, "replace", spy)
    write_bytes_atomic(tmp_path / "brief.pdf", b"x")
    [name] = seen
    assert name.startswith(f".brief.pdf.{os.getpid()}.") and name.endswith(".tmp")
    assert write._TEMP_NAME.match(name)


def test_stale_temp_files_are_removed_and_live_ones_kept(tmp_path: Path) -> None:
    from briefgen.write import remove_stale_temp_files

    dead = tmp_path / f".brief.pdf.{_dead_pid()}.abcd_123.tmp"
    live = tmp_path / f".brief.pdf.{os.getpid()}.efgh_456.tmp"
    old = tmp_path / ".brief.docx.ijkl_789.tmp"  # as older versions named them
    recent = tmp_path / ".brief.html.mnop_012.tmp"
    output = tmp_path / "brief.pdf"
    for path in (dead, live, old, recent, output):
        path.write_bytes(b"partial")
    an_hour_ago = os.stat(old).st_mtime - 3600
    os.utime(old, (an_hour_ago, an_hour_ago))

    removed = remove_stale_temp_files(tmp_path)
    assert sorted(removed) == sorted([dead, old])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        p.name for p in (live, recent, output)
    )
    assert remove_stale_temp_files(tmp_path / "missing") == []
