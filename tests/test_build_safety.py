"""Nothing lost: a killed build leaves whole outputs; two builds at once do not collide.

A real ``briefgen build`` runs in a subprocess on a copy of a small project that
already has the outputs of an earlier build. It is killed (SIGKILL, so nothing
can tidy up) at moments spread over the build: as soon as it starts Pandoc, and
at delays after that which reach the PDF compilation and the writing of the
outputs. Every output file must then be either the earlier version, byte for
byte, or a complete new one: the PDF parses with pypdf, the DOCX opens with
python-docx, the HTML and Markdown are exactly what a finished build writes.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.slow

BASE = Path(__file__).parent / "bad_inputs" / "_base"
FORMATS = ("pdf", "docx", "html", "md")
MARKER = "Tashkent hedges between the powers"


def build(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefgen", "build"], cwd=project, capture_output=True,
        text=True, timeout=300, check=False,
    )


def outputs(project: Path) -> dict[str, bytes]:
    folder = project / "build" / "briefs"
    return {fmt: (folder / f"brief.{fmt}").read_bytes() for fmt in FORMATS}


def change_brief(project: Path) -> None:
    brief = project / "briefs" / "brief.md"
    brief.write_text(brief.read_text(encoding="utf-8") + f"\n{MARKER}.\n", encoding="utf-8")


def pdf_text(data: bytes) -> str:
    import io

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def docx_text(data: bytes) -> str:
    import io

    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as handle:
                found += [int(c) for c in handle.read().split()]
    except OSError:
        pass
    return found


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    """The outputs of a finished build before and after the brief changes."""
    root = tmp_path_factory.mktemp("reference") / "project"
    shutil.copytree(BASE, root)
    assert build(root).returncode == 0
    old = outputs(root)
    change_brief(root)
    done = build(root)
    assert done.returncode == 0, done.stderr
    return {"old": old, "new": outputs(root)}


def assert_whole(project: Path, old: dict[str, bytes], new: dict[str, bytes]) -> list[str]:
    """Every output is the old one or a complete new one; returns the formats replaced."""
    replaced = []
    for fmt, data in outputs(project).items():
        if data == old[fmt]:
            continue
        replaced.append(fmt)
        if fmt in ("html", "md"):
            assert data == new[fmt], f"brief.{fmt} is neither version"
        elif fmt == "pdf":
            assert MARKER in " ".join(pdf_text(data).split()), "the new PDF is incomplete"
        else:
            assert MARKER in docx_text(data), "the new DOCX is incomplete"
    cache = project / "build" / ".briefgen-cache.json"
    json.loads(cache.read_text(encoding="utf-8"))  # never half written
    return replaced


def tmp_files(folder: Path) -> set[str]:
    try:
        return {n for n in os.listdir(folder) if n.endswith(".tmp")}
    except OSError:
        return set()


# When to kill: seconds after Pandoc starts (converting, then compiling the PDF), or
# as soon as the Nth temporary output file appears (while the outputs are written).
MOMENTS = [("pandoc", 0.0), ("pandoc", 0.1), ("pandoc", 0.25), ("write", 1), ("write", 2),
           ("write", 3)]


@pytest.mark.parametrize("phase, when", MOMENTS, ids=[f"{p}-{w}" for p, w in MOMENTS])
def test_killed_build_leaves_previous_outputs_whole(
    phase: str, when: float, tmp_path: Path, versions: dict[str, dict[str, bytes]]
) -> None:
    project = tmp_path / "project"
    shutil.copytree(BASE, project)
    assert build(project).returncode == 0
    old = outputs(project)
    change_brief(project)
    folder = project / "build" / "briefs"

    process = subprocess.Popen(
        [sys.executable, "-m", "briefgen", "build"], cwd=project, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        seen: set[str] = set()
        while process.poll() is None and time.monotonic() < deadline:
            if phase == "pandoc" and children(process.pid):
                time.sleep(when)
                break
            if phase == "write":
                seen |= tmp_files(folder)
                if len(seen) >= when:
                    break
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=60)

    assert_whole(project, old, versions["new"])
    # The next build finishes the job.
    assert build(project).returncode == 0
    assert sorted(assert_whole(project, old, versions["new"])) == sorted(FORMATS)


def test_two_builds_at_once_do_not_corrupt_each_other(
    tmp_path: Path, versions: dict[str, dict[str, bytes]]
) -> None:
    project = tmp_path / "project"
    shutil.copytree(BASE, project)
    change_brief(project)
    processes = [
        subprocess.Popen([sys.executable, "-m", "briefgen", "build"], cwd=project,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    results = [p.communicate(timeout=300) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], results
    for fmt in ("html", "md"):
        assert outputs(project)[fmt] == versions["new"][fmt]
    assert MARKER in " ".join(pdf_text(outputs(project)["pdf"]).split())
    assert MARKER in docx_text(outputs(project)["docx"])
    json.loads((project / "build" / ".briefgen-cache.json").read_text(encoding="utf-8"))
    assert not list((project / "build").rglob("*.tmp"))
    # And the project is then up to date.
    again = build(project)
    assert again.returncode == 0 and "skipped" in again.stdout


def test_next_build_removes_what_a_killed_build_left(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(BASE, project)
    folder = project / "build" / "briefs"
    folder.mkdir(parents=True)
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    leftover = folder / f".brief.pdf.{gone.pid}.k1ll3d_x.tmp"
    leftover.write_bytes(b"%PDF-1.7 half")
    done = build(project)
    assert done.returncode == 0, done.stderr
    assert not leftover.exists()
    assert not tmp_files(folder)
