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
