"""Write outputs safely: atomic file writes and the content-hash build cache.

Every file briefgen produces goes through :func:`write_bytes_atomic`: the bytes
are written to a temporary file in the destination folder, flushed, and moved
over the destination with :func:`os.replace`, so a reader never sees a
half-written file and an interrupted build leaves the previous output intact.
The temporary file is named ``.NAME.PID.XXXXXXXX.tmp`` after the writing
process, so :func:`remove_stale_temp_files` can tell the leftovers of a killed
build from the live files of a build running at the same time.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

__all__ = [
    "BuildCache",
    "hash_bytes",
    "hash_parts",
    "remove_stale_temp_files",
    "write_bytes_atomic",
    "write_text_atomic",
]


def _read_umask() -> int:
    # Read once at import, while no other thread can be creating files.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _read_umask()


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and an atomic rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent
    )
    try:
        # mkstemp makes the file private; give it the mode a plain open() would.
        os.fchmod(fd, 0o666 & ~_UMASK)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise


# ``.NAME.PID.XXXXXXXX.tmp`` (or ``.NAME.XXXXXXXX.tmp``, as older versions wrote them):
# mkstemp's eight random characters.
_TEMP_NAME = re.compile(r"^\..+?(?:\.(?P<pid>[0-9]+))?\.[a-z0-9_]{8}\.tmp$")

STALE_TEMP_SECONDS = 600


def remove_stale_temp_files(folder: Path, max_age: float = STALE_TEMP_SECONDS) -> list[Path]:
    """Delete the temporary files :func:`write_bytes_atomic` left in ``folder`` when killed.

    A temporary file is stale when the process named in it is gone, or when it
    is older than ``max_age`` seconds. A file another running build is writing
    is neither, so two builds at once never delete each other's files.
    Returns the files removed; a folder that cannot be read gives none.
    """
    removed: list[Path] = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    now = time.time()
    for name in names:
        match = _TEMP_NAME.match(name)
        if match is None:
            continue
        path = Path(folder) / name
        try:
            info = path.lstat()
        except OSError:
            continue
        pid = match.group("pid")
        gone = pid is not None and not _process_alive(int(pid))
        if gone or now - info.st_mtime > max_age:
            with contextlib.suppress(OSError):
                path.unlink()
                removed.append(path)
    return removed


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return pid < 2**31
    except OSError:
        return True
    return True


def write_text_atomic(path: Path, text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically, with ``\\n`` line endings."""
    write_bytes_atomic(Path(path), text.encode(encoding))


def hash_bytes(data: bytes) -> str:
    """The SHA-256 hex digest of ``data``."""
    return hashlib.sha256(data).hexdigest()


def hash_parts(parts: Iterable[tuple[str, bytes | str]]) -> str:
    """One digest over named parts; the names keep ``("a", "bc")`` apart from ``("ab", "c")``."""
    digest = hashlib.sha256()
    for name, value in parts:
        raw = value.encode("utf-8") if isinstance(value, str) else value
        digest.update(name.encode("utf-8"))
        digest.update(len(raw).to_bytes(8, "big"))
        digest.update(raw)
    return digest.hexdigest()


class BuildCache:
    """A JSON file mapping a target name (``"briefs/x.md:pdf"``) to its inputs' hash.

    Reading a missing or corrupt cache file gives an empty cache: the worst a
    bad cache can do is cause a rebuild.
    """

    def __init__(self, path: Path, entries: Mapping[str, str] | None = None) -> None:
        self.path = Path(path)
        self.entries: dict[str, str] = dict(entries or {})

    @classmethod
    def load(cls, path: Path) -> BuildCache:
        """Read the cache at ``path``; an absent or unreadable file gives an empty cache."""
        try:
            raw: Any = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls(path)
        entries = raw.get("targets") if isinstance(raw, dict) else None
        if not isinstance(entries, dict):
            return cls(path)
        return cls(path, {str(k): str(v) for k, v in entries.items() if isinstance(v, str)})

    def is_fresh(self, target: str, digest: str, outputs: Iterable[Path] = ()) -> bool:
        """True when ``target`` was last built from ``digest`` and its outputs still exist."""
        return self.entries.get(target) == digest and all(Path(p).exists() for p in outputs)

    def record(self, target: str, digest: str) -> None:
        self.entries[target] = digest

    def forget(self, target: str) -> None:
        self.entries.pop(target, None)

    def save(self) -> None:
        """Write the cache atomically, keys sorted so the file diffs cleanly."""
        payload = {"version": 1, "targets": dict(sorted(self.entries.items()))}
        write_text_atomic(self.path, json.dumps(payload, indent=2) + "\n")
