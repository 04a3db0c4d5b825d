"""Run briefgen's benchmarks and print a Markdown table of medians.

Every command is run as a user runs it: a subprocess, timed from start to exit, its
peak memory read from ``wait4``. Each comparison (briefgen and its baseline) runs side
by side in this one process, alternating, ``--repeat`` times; the table shows medians.

    python benchmarks/run.py                      # everything (a few minutes)
    python benchmarks/run.py check startup        # some benchmarks
    python benchmarks/run.py --repeat 7 --workdir /tmp/bench check

Benchmarks: ``startup``, ``check``, ``phases`` (where check's time goes), ``bib``,
``checkbib``, ``build``, ``site``.
Projects are generated once into ``--workdir`` by ``benchmarks/generate.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate

PYTHON = sys.executable
BRIEFGEN = str(Path(PYTHON).with_name("briefgen"))


@dataclass
class Run:
    seconds: float
    peak_mib: float
    returncode: int


def run(cmd: Sequence[str], cwd: Path | None = None) -> Run:
    """Run ``cmd``, discarding its output; wall time and peak resident memory."""
    start = time.perf_counter()
    proc = subprocess.Popen(list(cmd), cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Run(seconds, usage.ru_maxrss / 1024, proc.returncode)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def side_by_side(repeat: int, **cases: Callable[[], float | Run]) -> dict[str, list[float]]:
    """Run each case once per round, alternating, ``repeat`` rounds; seconds per case."""
    times: dict[str, list[float]] = {name: [] for name in cases}
    peaks: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(repeat):
        for name, case in cases.items():
            result = case()
            if isinstance(result, Run):
                times[name].append(result.seconds)
                peaks[name].append(result.peak_mib)
            else:
                times[name].append(result)
    for name, values in peaks.items():
        if values:
            times[f"{name}:peak"] = values
    return times


ROWS: list[dict[str, str]] = []


def row(target: str, measured: str, baseline: str, ratio: str, verdict: str, command: str
        ) -> None:
    ROWS.append({"target": target, "measured": measured, "baseline": baseline,
                 "ratio": ratio, "ok": verdict, "command": command})
    print(f"  {target}: {measured} (baseline {baseline}, ratio {ratio}) {verdict}", flush=True)


def ok(flag: bool) -> str:
    return "met" if flag else "MISSED"


# --------------------------------------------------------------------------- floor


_SPACE = re.compile(r"\s+")


def floor(root: Path) -> float:
    """Read every source once, NFKC-normalise it, fold white space, lower-case it."""
    start = time.perf_counter()
    for path in sorted((root / "sources").iterdir()):
        text = path.read_text(encoding="utf-8")
        _SPACE.sub(" ", unicodedata.normalize("NFKC", text)).lower()
    return time.perf_counter() - start


def project(workdir: Path, sources: int, findings: int, entries: int = 0,
            site: bool = False) -> Path:
    out = workdir / f"p{sources}-{findings}-{entries}"
    if not (out / "briefgen.toml").exists():
        print(f"  generating {out.name} ...", flush=True)
        generate.generate_project(out, sources, findings, entries)
    if site and not (out / "mkdocs.yml").exists():
        (out / "docs").mkdir(exist_ok=True)
        (out / "docs" / "index.md").write_text("# Benchmark corpus\n")
        (out / "mkdocs.yml").write_text("site_name: Benchmark corpus\nplugins:\n  - briefgen\n")
    return out


# --------------------------------------------------------------------------- benchmarks


def bench_startup(workdir: Path, repeat: int) -> None:
    times = side_by_side(
        repeat,
        python=lambda: run([PYTHON, "-c", "pass"]),
        version=lambda: run([BRIEFGEN, "--version"]),
        help=lambda: run([BRIEFGEN, "--help"]),
    )
    base = median(times["python"])
    for name in ("version", "help"):
        t = median(times[name])
        row(f"`briefgen --{name}` within 5x `python -c pass` and < 0.1 s", f"{t:.3f} s",
            f"{base:.3f} s", f"{t / base:.1f}x", ok(t <= 5 * base and t < 0.1),
            "python benchmarks/run.py startup")


def bench_check(workdir: Path, repeat: int) -> None:
    per_source: dict[int, float] = {}
    for n in (10, 100, 1000):
        root = project(workdir, n, 10 * n)
        times = side_by_side(
            repeat,
            floor=lambda root=root: floor(root),
            check=lambda root=root: run([BRIEFGEN, "check", "--format", "json"], cwd=root),
        )
        f, c = median(times["floor"]), median(times["check"])
        peak = max(times["check:peak"])
        per_source[n] = c / n
        mb = sum(p.stat().st_size for p in (root / "sources").iterdir()) / 1e6
        target = (f"`briefgen check`, {n} sources ({mb:.0f} MB), {10 * n} findings: "
                  "<= 3x floor")
        verdict = c <= 3 * f
        if n == 1000:
            target += ", <= 10 s, <= 1 GiB"
            verdict = verdict and c <= 10 and peak <= 1024
        row(target, f"{c:.2f} s, {peak:.0f} MiB", f"floor {f:.2f} s", f"{c / f:.1f}x",
            ok(verdict), "python benchmarks/run.py check")
    growth = ", ".join(f"{n}: {1000 * t:.1f} ms" for n, t in per_source.items())
    row("check time grows linearly (time per source)", growth, "", "", "", "")


_PHASES = """
import json, sys, time
from pathlib import Path
from briefgen import api, project as P
from briefgen.checks import quotes as Q
root = Path('.').resolve()
out = {}
t = time.perf_counter()
config, _ = P.load_config(root)
P.load_bibliographies(root, P.glob_files(root, config.bibliography))
out['bibliography'] = time.perf_counter() - t; t = time.perf_counter()
entries, _, _ = P.load_bibliographies(root, P.glob_files(root, config.bibliography))
P.load_sources(root, config, entries)
out['sources (read, decode, pages)'] = time.perf_counter() - t; t = time.perf_counter()
P.load_findings(root, P.glob_files(root, config.findings))
out['findings (YAML)'] = time.perf_counter() - t
project = api.load_project(root)
t = time.perf_counter()
done = Q.match_by_source(project)
out['normalise + match by source, nearest passage in it (pool)'] = time.perf_counter() - t
Q.match_by_source = lambda project, jobs=None: done
stages = {'find_elsewhere_all': 'not in their source: found elsewhere (pool)',
          'nearest_all': 'not found: nearest passages across the corpus (pool)'}
for name, label in stages.items():
    def timed(*args, _run=getattr(Q, name), _label=label, **kwargs):
        start = time.perf_counter()
        try:
            return _run(*args, **kwargs)
        finally:
            out[_label] = time.perf_counter() - start
    setattr(Q, name, timed)
t = time.perf_counter()
api.check_project(project)
rest = time.perf_counter() - t - sum(out[label] for label in stages.values())
out['the rest: word index, statuses, other checks'] = rest
print(json.dumps(out), file=sys.stderr)
"""


def bench_phases(workdir: Path, repeat: int) -> None:
    """Where the time of ``check`` goes, stage by stage, on the largest project."""
    root = project(workdir, 1000, 10_000)
    runs: dict[str, list[float]] = {}
    for _ in range(max(1, min(repeat, 3))):
        proc = subprocess.run([PYTHON, "-c", _PHASES], cwd=root, capture_output=True,
                              text=True, check=True)
        for name, seconds in json.loads(proc.stderr.strip().splitlines()[-1]).items():
            runs.setdefault(name, []).append(seconds)
    for name, values in runs.items():
        row(f"check stage: {name}", f"{median(values):.2f} s", "", "", "",
            "python benchmarks/run.py phases")


def bench_bib(workdir: Path, repeat: int) -> None:
    root = workdir / "bib10000"
    if not (root / "briefgen.toml").exists():
        generate.generate_bib(root / "bib" / "refs.bib", 10_000)
        (root / "briefgen.toml").write_text("")
    cache = root / "build" / ".briefgen-cache"
    code = ("import time, sys; from pathlib import Path; t = time.perf_counter(); "
            "from briefgen.project import load_bibliographies; "
            "e, p, n = load_bibliographies(Path('.'), ['bib/refs.bib'], "
            "Path('build/.briefgen-cache')); print(time.perf_counter() - t, n, file=sys.stderr)")

    def load(cold: bool) -> float:
        if cold:
            shutil.rmtree(cache, ignore_errors=True)
        proc = subprocess.run([PYTHON, "-c", code], cwd=root, capture_output=True, text=True,
                              check=True)
        return float(proc.stderr.split()[0])

    times = side_by_side(repeat, cold=lambda: load(True), warm=lambda: load(False))
    cold, warm = median(times["cold"]), median(times["warm"])
    row("A bibliography of 10,000 entries loads in < 1 s (parsed form cached)",
        f"{warm:.2f} s cached", f"{cold:.2f} s parsed", f"{cold / warm:.1f}x", ok(warm < 1),
        "python benchmarks/run.py bib")


def _pandoc() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


def _pandoc_keys(pandoc: str, doc: Path) -> set[str]:
    out = subprocess.run([pandoc, "-f", "markdown", "-t", "json", str(doc)],
                         capture_output=True, text=True, check=True).stdout
    return set(re.findall(r'"citationId":"([^"]*)"', out))


def bench_checkbib(workdir: Path, repeat: int) -> None:
    pandoc = _pandoc()
    for n in (100, 1000, 10_000, 50_000):
        folder = workdir / f"bib{n}"
        bib, doc = folder / "refs.bib", folder / "paper.md"
        if not bib.exists():
            generate.generate_bib(bib, n, doc)
        mine = subprocess.run([BRIEFGEN, "check", "--format", "json", "--bib", str(bib),
                               str(doc)], capture_output=True, text=True)
        keys = {c["key"] for c in json.loads(mine.stdout)["citations"]}
        same = keys == _pandoc_keys(pandoc, doc)
        times = side_by_side(
            repeat,
            briefgen=lambda bib=bib, doc=doc: run(
                [BRIEFGEN, "check", "--bib", str(bib), str(doc)]),
            pandoc=lambda bib=bib, doc=doc: run(
                [pandoc, "--citeproc", "--bibliography", str(bib), str(doc), "-o",
                 os.devnull]),
        )
        b, p = median(times["briefgen"]), median(times["pandoc"])
        row(f"`check --bib` on {n:,} entries: same keys as Pandoc, >= 3x faster",
            f"{b:.3f} s" + ("" if same else " (KEYS DIFFER)"), f"pandoc {p:.3f} s",
            f"{p / b:.1f}x faster", ok(same and p >= 3 * b), "python benchmarks/run.py checkbib")


def bench_build(workdir: Path, repeat: int) -> None:
    root = project(workdir, 10, 100)
    pandoc = _pandoc()
    hand = Path(tempfile.mkdtemp(prefix="briefgen-hand-"))
    brief = root / "briefs" / "brief.md"

    def by_hand() -> float:
        start = time.perf_counter()
        subprocess.run([pandoc, "-f", "markdown", "-t", "typst", "--citeproc",
                        "--bibliography", str(root / "bib" / "refs.bib"), "-s", str(brief),
                        "-o", str(hand / "brief.typ")], check=True)
        subprocess.run([PYTHON, "-c", "import sys, typst; typst.compile(sys.argv[1], "
                        "output=sys.argv[2])", str(hand / "brief.typ"),
                        str(hand / "brief.pdf")], check=True)
        return time.perf_counter() - start

    def full() -> Run:
        shutil.rmtree(root / "build", ignore_errors=True)
        return run([BRIEFGEN, "build", "--to", "pdf", "--force"], cwd=root)

    times = side_by_side(repeat, hand=by_hand, build=full)
    h, b = median(times["hand"]), median(times["build"])
    row("`briefgen build --to pdf` of a brief: <= 1.15x Pandoc + Typst by hand",
        f"{b:.2f} s", f"by hand {h:.2f} s", f"{b / h:.2f}x", ok(b <= 1.15 * h),
        "python benchmarks/run.py build")
    run([BRIEFGEN, "build", "--to", "pdf", "--force"], cwd=root)
    times = side_by_side(repeat, rebuild=lambda: run([BRIEFGEN, "build", "--to", "pdf",
                                                       "--force"], cwd=root))
    r = median(times["rebuild"])
    row("rebuild with nothing changed: < 0.5 s", f"{r:.2f} s", "", "", ok(r < 0.5),
        "python benchmarks/run.py build")
    shutil.rmtree(hand, ignore_errors=True)


def bench_site(workdir: Path, repeat: int) -> None:
    root = project(workdir, 100, 1000, site=True)
    mkdocs = str(Path(PYTHON).with_name("mkdocs"))
    times = side_by_side(max(1, min(repeat, 3)),
                         site=lambda: run([mkdocs, "build", "-q"], cwd=root))
    t = median(times["site"])
    row("`mkdocs build`, 1,000 findings over 100 sources: < 20 s", f"{t:.1f} s", "", "",
        ok(t < 20), "python benchmarks/run.py site")


BENCHMARKS = {
    "startup": bench_startup,
    "check": bench_check,
    "phases": bench_phases,
    "bib": bench_bib,
    "checkbib": bench_checkbib,
    "build": bench_build,
    "site": bench_site,
}


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = Path("/proc/meminfo").read_text().split("\n")[0].split()[1]
        ram = f"{int(mem) / 1024 / 1024:.0f} GiB RAM"
    except OSError:
        ram = "RAM unknown"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"{os.cpu_count()} cores ({cpu}), {ram}, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}; load average {load:.1f} at start")


def compile_package() -> None:
    """Byte-compile briefgen, as installing it from a wheel does.

    An editable install run with PYTHONDONTWRITEBYTECODE set (as on some CI machines)
    never writes ``.pyc`` files, so every command would compile briefgen's modules from
    source first, which is not what users of an installed briefgen pay.
    """
    import compileall

    import briefgen

    compileall.compile_dir(str(Path(briefgen.__file__).parent), quiet=1)
    print("Byte-compiled briefgen (use --no-compile to measure without .pyc files)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help=f"benchmarks to run: {', '.join(BENCHMARKS)} (default: all)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per case (median)")
    parser.add_argument("--workdir", type=Path,
                        default=Path(tempfile.gettempdir()) / "briefgen-bench")
    parser.add_argument("--no-compile", action="store_true",
                        help="do not byte-compile briefgen first (measure with no .pyc files)")
    args = parser.parse_args()
    unknown = [n for n in args.names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {unknown[0]!r}; choose from {', '.join(BENCHMARKS)}")
    args.workdir.mkdir(parents=True, exist_ok=True)
    if not args.no_compile:
        compile_package()
    print(f"Machine: {machine()}", flush=True)
    for name in args.names or BENCHMARKS:
        print(f"{name}:", flush=True)
        BENCHMARKS[name](args.workdir, args.repeat)
    print("\n| target | measured (median) | baseline (median) | ratio | result | command |")
    print("|---|---|---|---|---|---|")
    for r in ROWS:
        print(f"| {r['target']} | {r['measured']} | {r['baseline']} | {r['ratio']} | "
              f"{r['ok']} | `{r['command']}` |" if r["command"] else
              f"| {r['target']} | {r['measured']} | | | | |")


if __name__ == "__main__":
    main()
