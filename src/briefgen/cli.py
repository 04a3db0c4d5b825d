"""The ``briefgen`` command: parse arguments, call the API, report."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from briefgen import __version__

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
# Parameter types shared by the commands: each click.Path looks its name up in the
# message catalogue when it is made, which every start of briefgen would pay for.
_PATH = click.Path()
_FILE = click.Path(dir_okay=False)
_FOLDER = click.Path(file_okay=False)


def _use_color(stream: Any) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return bool(getattr(stream, "isatty", lambda: False)())


def _fail(exc: Exception) -> NoReturn:
    from briefgen.diagnostics import BriefgenError

    if isinstance(exc, BriefgenError):
        click.echo(f"Error: {exc.message}", err=True)
        if exc.hint:
            click.echo(f"  hint: {exc.hint}", err=True)
        sys.exit(exc.exit_code)
    raise exc


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="briefgen")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
@click.option("-v", "--verbose", is_flag=True, help="Print more detail.")
@click.pass_context
def cli(ctx: click.Context, quiet: bool, verbose: bool) -> None:
    """Research writing with verified quotes.

    Check that every quote of every finding is in its source on the page
    claimed, build policy briefs as PDF, DOCX and HTML, and publish a
    literature-review site.

    \b
    Examples:
      briefgen init my-review         # start a project that passes check
      briefgen check                  # check the project in this folder
      briefgen check --format github  # annotations for GitHub Actions
      briefgen find "CSTO membership" # where do the sources say it?
      briefgen build --to pdf         # build every brief as PDF
      briefgen site                   # build the site into site/

    \b
    Colour is used on a terminal only, never when NO_COLOR is set.
    Shell completion (bash; zsh and fish alike):
      eval "$(_BRIEFGEN_COMPLETE=bash_source briefgen)"
    """
    ctx.ensure_object(dict)
    ctx.obj["quiet"] = quiet
    ctx.obj["verbose"] = verbose


@cli.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, type=_PATH)
@click.option("--format", "fmt",
              type=click.Choice(["text", "json", "github", "junit", "sarif"]),
              default="text", show_default=True, help="Output format.")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--bib", "bibs", multiple=True, type=_PATH,
              help="Check documents against this bibliography, with no project.")
@click.option("--baseline", type=_FILE,
              help="Report only problems that this baseline file does not record.")
@click.option("--write-baseline", type=_FILE,
              help="Record today's problems in this file, then report as usual.")
@click.option("-o", "--output", type=_FILE,
              help="Write the report to this file instead of standard output.")
@click.pass_context
def check(ctx: click.Context, paths: tuple[str, ...], fmt: str, strict: bool,
          bibs: tuple[str, ...], baseline: str | None, write_baseline: str | None,
          output: str | None) -> None:
    """Check cite keys, source texts, and every quote of every finding.

    With --bib, check the citations of any Markdown, Quarto or R Markdown
    documents (PATHS) against the bibliographies, with no project around them.
    Exit status: 0 clean, 1 errors (or warnings with --strict), 2 bad usage.

    \b
    Examples:
      briefgen check
      briefgen check path/to/project --format json
      briefgen check --bib refs.bib paper.md chapter2.qmd
      briefgen check --write-baseline .briefgen-baseline.json
      briefgen check --baseline .briefgen-baseline.json --format sarif -o check.sarif
    """
    from briefgen import api
    from briefgen.diagnostics import (
        BriefgenError,
        ConfigError,
        UsageError,
        baseline_dump,
        baseline_filter,
        exit_code,
        render_github,
        render_json,
        render_junit,
        render_sarif,
    )

    def write_text_atomic(path: Path, text: str) -> None:
        from briefgen.write import write_text_atomic as write  # only when writing a file

        write(path, text)

    try:
        if bibs:
            missing = [p for p in (*bibs, *paths) if not Path(p).exists()]
            if missing:
                raise UsageError(f"{missing[0]}: no such file",
                                 hint="Give existing bibliography and document files.")
            report = api.check_documents(list(bibs), list(paths))
        else:
            if len(paths) > 1:
                raise click.UsageError("give one PROJECT_DIR (or use --bib FILE DOC.md ...)")
            if paths:
                root = Path(paths[0])
                if not root.is_dir():
                    raise ConfigError(f"{paths[0]}: not a folder",
                                      hint="Give a project folder, or use --bib for documents.")
            else:
                from briefgen.project import find_root

                root = find_root(Path.cwd())
            report = api.check(root)
        if write_baseline:
            write_text_atomic(Path(write_baseline), baseline_dump(report))
        if baseline:
            try:
                text = Path(baseline).read_text(encoding="utf-8")
            except OSError as exc:
                raise ConfigError(
                    f"{baseline}: cannot read the baseline: {exc.strerror}") from None
            report = baseline_filter(report, text)
    except BriefgenError as exc:
        if fmt != "text":
            # Machine-readable formats still print their one report, naming the problem.
            failed = _error_report(exc)
            click.echo({"json": render_json, "github": render_github, "junit": render_junit,
                        "sarif": render_sarif}[fmt](failed), nl=False)
        _fail(exc)
    renderers = {"json": render_json, "github": render_github, "junit": render_junit,
                 "sarif": render_sarif}
    if fmt in renderers:
        rendered = renderers[fmt](report)
        if output:
            write_text_atomic(Path(output), rendered)
        else:
            click.echo(rendered, nl=False)
    elif output:
        from briefgen.diagnostics import render_text

        write_text_atomic(Path(output), render_text(report))
    else:
        _print_text(report, ctx.obj.get("quiet", False), ctx.obj.get("verbose", False))
    ctx.exit(exit_code(report, strict))


@cli.command(context_settings=CONTEXT)
@click.argument("briefs", nargs=-1)
@click.option("--to", metavar="FORMATS",
              help="Comma-separated: pdf,docx,html,md (default: the brief's 'formats', "
              "else all).")
@click.option("--force", is_flag=True,
              help="Build even if a brief uses a finding whose check failed.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None,
              help="Briefs built at once (default: the number of cores).")
@click.pass_context
def build(ctx: click.Context, briefs: tuple[str, ...], to: str | None, force: bool,
          jobs: int | None) -> None:
    """Build briefs into build/briefs/NAME.{pdf,docx,html,md}.

    Unchanged briefs are skipped. A brief that uses a finding whose quote
    failed its check is not built unless --force.

    \b
    Examples:
      briefgen build
      briefgen build briefs/us-uzbek-chronology.md --to pdf,docx
    """
    from briefgen import api
    from briefgen.diagnostics import BriefgenError, sort_key
    from briefgen.project import find_root
    from briefgen.render.build import build_briefs, summary_lines

    try:
        project = api.load_project(find_root(Path.cwd()))
        formats = [f.strip() for f in to.split(",") if f.strip()] if to else None
        if formats:
            bad = [f for f in formats if f not in ("pdf", "docx", "html", "md")]
            if bad:
                raise click.BadParameter(f"unknown format {bad[0]!r}; use pdf, docx, html, md",
                                         param_hint="--to")
    except BriefgenError as exc:
        _fail(exc)
    quiet = ctx.obj.get("quiet", False)
    try:
        # The project is checked only if some brief is not up to date.
        result = build_briefs(project, lambda: api.check_project(project),
                              list(briefs) or None, formats, force=force,
                              progress=not quiet and _use_color(sys.stderr), jobs=jobs)
    except BriefgenError as exc:
        _fail(exc)
    for d in sorted(result.all_diagnostics, key=sort_key):
        if quiet and d.severity != "error":
            continue
        click.echo(f"{d.span or '<project>'}: {d.severity} {d.code} {d.message}", err=True)
        for note in d.notes:
            click.echo(f"    {note}", err=True)
        if d.hint:
            click.echo(f"  hint: {d.hint}", err=True)
    if not quiet:
        click.echo("\n".join(summary_lines(result, project.root)))
    ctx.exit(0 if result.ok else 1)


@cli.command(context_settings=CONTEXT)
@click.argument("project_dir", required=False, type=_FOLDER)
@click.option("--strict", is_flag=True, help="Fail on any warning of the site build.")
@click.option("-d", "--site-dir", type=_FOLDER,
              help="Build here instead of site/.")
@click.option("--pages-only", "pages_dir", type=_FOLDER,
              help="Write the generated Markdown pages here, for another site generator.")
@click.pass_context
def site(ctx: click.Context, project_dir: str | None, strict: bool, site_dir: str | None,
         pages_dir: str | None) -> None:
    """Build the literature-review site: the same result as `mkdocs build`.

    \b
    Examples:
      briefgen site
      briefgen site --strict -d public
      briefgen site --pages-only docs/corpus
    """
    from briefgen.diagnostics import BriefgenError
    from briefgen.project import find_root
    from briefgen.site.build import build_site, write_site_pages

    root = Path(project_dir) if project_dir else find_root(Path.cwd())
    try:
        if pages_dir:
            written, problems = write_site_pages(root, pages_dir)
            for d in problems:
                click.echo(f"{d.span or '<project>'}: {d.severity} {d.code} {d.message}",
                           err=True)
            click.echo(f"wrote {len(written)} files to {pages_dir}")
            ctx.exit(1 if strict and problems else 0)
        folder = build_site(root, strict=strict, site_dir=site_dir)
    except BriefgenError as exc:
        _fail(exc)
    click.echo(f"site built in {folder}")


@cli.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, type=_PATH)
@click.option("--check", "check_only", is_flag=True,
              help="Write nothing; exit 1 if a file would change (for CI).")
@click.pass_context
def fmt(ctx: click.Context, paths: tuple[str, ...], check_only: bool) -> None:
    """Lay out findings and BibTeX files the same way everywhere, losslessly.

    Findings get their keys in a fixed order and long claims and quotes folded;
    BibTeX entries get one aligned field a line. Every value and every comment
    is kept. A file that does not parse cleanly is left untouched and reported.
    With no PATH, every findings and .bib file of the project.

    Exit status: 0 done (or, with --check, nothing to do), 1 a file would change
    (--check) or was left untouched, 2 bad usage or configuration.

    \b
    Examples:
      briefgen fmt
      briefgen fmt --check              # in CI: fail if a file is not formatted
      briefgen fmt findings/csto.yaml bib/refs.bib
    """
    from briefgen.diagnostics import BriefgenError, sort_key
    from briefgen.fmt import format_project
    from briefgen.project import find_root

    try:
        report = format_project(find_root(Path.cwd()), paths, check=check_only)
    except BriefgenError as exc:
        _fail(exc)
    for d in sorted(report.diagnostics, key=sort_key):
        click.echo(f"{d.span or '<project>'}: {d.severity} {d.code} {d.message}", err=True)
        if d.hint:
            click.echo(f"  hint: {d.hint}", err=True)
    verb = "would reformat" if check_only else "reformatted"
    if not ctx.obj.get("quiet", False):
        for path in report.changed:
            click.echo(f"{verb} {path}")
        changed = len(report.changed)
        untouched = sum(1 for f in report.files if f.diagnostics)
        done = "would be reformatted" if check_only else "reformatted"
        line = (f"{changed} file{'s' if changed != 1 else ''} {done}, "
                f"{len(report.files) - changed - untouched} unchanged")
        if untouched:
            line += f", {untouched} left untouched"
        click.echo(line)
    ctx.exit(report.exit_code())


@cli.command(context_settings=CONTEXT)
@click.argument("name", type=click.Choice(["findings"]), default="findings")
def schema(name: str) -> None:
    """Print the JSON Schema of a briefgen file format, for editors.

    \b
    Example (VS Code with the YAML extension):
      briefgen schema findings > .vscode/findings.schema.json
    then, in .vscode/settings.json:
      "yaml.schemas": {".vscode/findings.schema.json": "findings/**/*.yaml"}
    """
    from importlib import resources

    text = resources.files("briefgen").joinpath(f"schemas/{name}.schema.json").read_text(
        encoding="utf-8")
    click.echo(text, nl=False)


# --- authoring commands: init, find, add finding, ingest ---------------------------


def _project_root(project_dir: str | None) -> Path:
    """The project folder given, else the one around the current folder (exit 2 if none)."""
    from briefgen.diagnostics import ConfigError
    from briefgen.project import CONFIG_FILE, find_root

    root = Path(project_dir) if project_dir else find_root(Path.cwd())
    if not root.is_dir():
        raise ConfigError(f"{root}: not a folder", hint="Give the project folder with -C.")
    if not (root / CONFIG_FILE).is_file() and "[tool.briefgen" not in _read_or_empty(
            root / "pyproject.toml"):
        raise ConfigError(f"{root.resolve()}: no {CONFIG_FILE} here or above",
                          hint="Run briefgen init to start a project, or give it with -C DIR.")
    return root


def _read_or_empty(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


_PROJECT_OPTION = click.option(
    "-C", "--project", "project_dir", type=_FOLDER,
    help="The project folder (default: the one around the current folder).")


@cli.command(context_settings=CONTEXT)
@click.argument("directory", default=".", type=_FOLDER)
@click.pass_context
def init(ctx: click.Context, directory: str) -> None:
    """Start a project in DIRECTORY (default: here) that passes check, builds and has a site.

    Writes briefgen.toml, a bibliography entry, its source text, findings, a brief,
    mkdocs.yml and docs/index.md. Files that exist are kept as they are; a folder
    that already holds a briefgen.toml is refused.

    \b
    Example:
      briefgen init my-review && cd my-review && briefgen check && briefgen build
    """
    from briefgen.diagnostics import BriefgenError
    from briefgen.init import init_project

    try:
        result = init_project(directory)
    except BriefgenError as exc:
        _fail(exc)
    if not ctx.obj.get("quiet", False):
        for rel in result.created:
            click.echo(f"created {Path(directory, rel).as_posix()}")
        for rel in result.kept:
            click.echo(f"kept    {Path(directory, rel).as_posix()} (it exists)")
        go = "" if Path(directory) == Path(".") else f"cd {directory} && "
        click.echo(f"next: {go}briefgen check && briefgen build && mkdocs serve")


@cli.command(context_settings=CONTEXT)
@click.argument("phrase", nargs=-1, required=True)
@click.option("-n", "--limit", type=click.IntRange(1, 10_000), default=10, show_default=True,
              help="Passages shown at most.")
@click.option("-s", "--source", "keys", multiple=True, metavar="KEY",
              help="Search only this source (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
@_PROJECT_OPTION
@click.pass_context
def find(ctx: click.Context, phrase: tuple[str, ...], limit: int, keys: tuple[str, ...],
         fmt: str, project_dir: str | None) -> None:
    """Search every source text for PHRASE, best passages first.

    PHRASE is matched as a finding's quote is (case, white space, typographic
    quotes and line-break hyphens ignored; ... for an elision): exact matches
    first, then near matches with OCR noise, then, for the other sources, the
    nearest passage and how similar it is. Each result shows the cite key, the
    page and line, and the passage in context. Exit status 0 when PHRASE was
    found, 1 when only near passages were.

    \b
    Examples:
      briefgen find suspended its CSTO membership
      briefgen find "Karshi-Khanabad" --source kakenova2024 --limit 3
      briefgen find "joined the SCO" --format json
    """
    import json

    from briefgen import api
    from briefgen.diagnostics import BriefgenError
    from briefgen.find import find_passages, passages_to_dict

    text = " ".join(phrase)
    try:
        project = api.load_project(_project_root(project_dir))
        passages = find_passages(project, text, limit=limit, keys=keys)
    except BriefgenError as exc:
        _fail(exc)
    if fmt == "json":
        click.echo(json.dumps(passages_to_dict(text, passages), indent=2, ensure_ascii=False))
    else:
        _print_passages(passages, ctx.obj.get("quiet", False), ctx.obj.get("verbose", False),
                        len(project.sources))
    ctx.exit(0 if any(p.kind != "near" for p in passages) else 1)


def _print_passages(passages: list[Any], quiet: bool, verbose: bool, n_sources: int) -> None:
    from briefgen.find import format_pages

    color = _use_color(sys.stdout)
    for p in passages:
        where = ", ".join(x for x in (p.key, format_pages(p.pages)) if x)
        kind = p.kind if p.kind == "exact" else f"{p.kind}, {p.similarity:.0%} similar"
        head = f"{where} ({p.path}:{p.line}): {kind}"
        match = click.style(p.text, bold=True) if color else f"**{p.text}**"
        click.echo(click.style(head, fg="cyan") if color else head, color=color)
        click.echo("    " + " ".join(x for x in (p.before, match, p.after) if x), color=color)
        if verbose:
            for difference in p.differences:
                click.echo(f"    difference: {difference}")
    if not quiet:
        found = sum(1 for p in passages if p.kind != "near")
        near = len(passages) - found
        click.echo(f"{found} match{'es' if found != 1 else ''}, {near} near "
                   f"passage{'s' if near != 1 else ''} in {n_sources} "
                   f"source{'s' if n_sources != 1 else ''}", err=True)


@cli.group(context_settings=CONTEXT)
def add() -> None:
    """Add to the project, checked as it is added.

    \b
    Example:
      briefgen add finding --source weitz2014 --claim "..." --quote "..."
    """


@add.command("finding", context_settings=CONTEXT)
@click.option("--claim", required=True, help="The finding in your own words.")
@click.option("--source", required=True, metavar="KEY", help="The cite key of the source.")
@click.option("--quote", required=True,
              help="The verbatim quote from the source; - reads it from standard input.")
@click.option("--page", help="The page claimed (default: where the quote is found).")
@click.option("-t", "--tag", "tags", multiple=True,
              help="A theme tag (repeatable, or comma-separated).")
@click.option("--date", help="When the event happened: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--id", "finding_id", help="The finding's id (default: made from the claim).")
@click.option("--file", "file", type=_FILE,
              help="The findings file to append to (default: findings/KEY.yaml).")
@_PROJECT_OPTION
@click.pass_context
def add_finding(ctx: click.Context, claim: str, source: str, quote: str, page: str | None,
                tags: tuple[str, ...], date: str | None, finding_id: str | None,
                file: str | None, project_dir: str | None) -> None:
    """Append a finding to a findings file, once its quote verifies in its source.

    The page is filled in from where the quote is found; a quote that is not
    in the source (or not on the page given) is refused and the nearest
    passage shown. The file is only appended to: what it held, comments
    included, is kept. Exit status 1 when the finding is refused.

    \b
    Example:
      briefgen add finding --source weitz2014 --tag csto --tag russia \\
        --claim "Uzbekistan left the CSTO a second time in mid-2012." \\
        --quote "Uzbekistan eventually suspended its CSTO membership in June 2012."
    """
    from briefgen import api
    from briefgen.authoring import add_finding as add
    from briefgen.diagnostics import BriefgenError, UsageError

    if quote == "-":
        quote = sys.stdin.read()
    split_tags = tuple(t for tag in tags for t in tag.split(","))
    try:
        root = _project_root(project_dir)
        rel = None
        if file is not None:
            try:
                rel = Path(file).resolve().relative_to(root.resolve()).as_posix()
            except ValueError:
                raise UsageError(f"{file} is outside the project {root}") from None
        added = add(api.load_project(root), claim, source, quote, page=page, tags=split_tags,
                    date=date, finding_id=finding_id, path=rel)
    except BriefgenError as exc:
        _fail(exc)
    if not ctx.obj.get("quiet", False):
        pages = f", p. {added.finding.evidence[0].page}" if added.finding.evidence[0].page else ""
        click.echo(f"added {added.finding.id} to {added.path} ({source}{pages}, {added.status})")
    if added.status == "fuzzy":
        click.echo("warning: the quote matches only with text-extraction noise: "
                   + "; ".join(added.differences), err=True)


@cli.command(context_settings=CONTEXT)
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--key", required=True, help="The cite key: the text goes to sources/KEY.txt.")
@click.option("--type", "kind", type=click.Choice(["pdf", "html", "docx", "text"]),
              help="The kind of FILE (default: from its content and name).")
@click.option("--force", is_flag=True, help="Replace an existing sources/KEY.txt.")
@_PROJECT_OPTION
@click.pass_context
def ingest(ctx: click.Context, file: str, key: str, kind: str | None, force: bool,
           project_dir: str | None) -> None:
    """Extract the text of FILE (PDF, HTML, DOCX or text) into sources/KEY.txt.

    A PDF keeps its page breaks as form feeds, so page claims are checked; an
    HTML page gives its main text only. Where the text came from is appended
    to sources/PROVENANCE.md, and a new KEY gets a @misc stub entry in the
    first BibTeX file, to be completed by hand.

    \b
    Examples:
      briefgen ingest ~/Downloads/weitz-2014.pdf --key weitz2014
      briefgen ingest saved-page.html --key izimov2016
    """
    from briefgen import api
    from briefgen.diagnostics import BriefgenError
    from briefgen.ingest import ingest as run

    try:
        project = api.load_project(_project_root(project_dir))
        result = run(project, Path(file), key, force=force, kind=kind)  # type: ignore[arg-type]
    except BriefgenError as exc:
        _fail(exc)
    extracted = result.extracted
    pages = f"{extracted.pages} pages, " if extracted.pages else ""
    if not ctx.obj.get("quiet", False):
        verb = "replaced" if result.replaced else "wrote"
        click.echo(f"{verb} {result.text_path} ({pages}{len(extracted.text)} characters) "
                   f"from {Path(file).name} with {extracted.method}")
        click.echo(f"recorded where it came from in {result.provenance_path}")
        if result.stub_written:
            click.echo(f"added a stub entry {key} to {result.bibliography_path}: complete it")
    if result.stub and not result.stub_written:
        click.echo(f"warning: no BibTeX file to add {key} to; add this entry to your "
                   f"bibliography:\n{result.stub}", err=True)


def _error_report(exc: Exception) -> Any:
    """A report holding the error that stopped ``check``, for json/github/junit/sarif."""
    import re

    from briefgen.diagnostics import BriefgenError
    from briefgen.model import CheckReport, Diagnostic, Span

    message = exc.message if isinstance(exc, BriefgenError) else str(exc)
    hint = exc.hint if isinstance(exc, BriefgenError) else None
    diagnostics = []
    pattern = re.compile(r"^(?P<file>[^\s:][^:\n]*?)(?::(?P<line>\d+))?(?::(?P<col>\d+))?: "
                         r"error (?P<code>[A-Z]+\d+) (?P<msg>.*)$")
    for line in message.splitlines():
        m = pattern.match(line)
        if m:
            span = Span(m["file"], int(m["line"]) if m["line"] else None,
                        int(m["col"]) if m["col"] else None)
            diagnostics.append(Diagnostic(m["code"], "error", m["msg"], span, hint))
    if not diagnostics:
        diagnostics.append(Diagnostic("CFG001", "error", message, None, hint))
    return CheckReport(tuple(diagnostics), (), (), 0, 0)


def _print_text(report: Any, quiet: bool, verbose: bool) -> None:
    from dataclasses import replace

    from briefgen.diagnostics import render_text

    if quiet:
        report = replace(report, diagnostics=tuple(
            d for d in report.diagnostics if d.severity == "error"))
    if _use_color(sys.stdout):
        from rich.console import Console

        Console(highlight=False, soft_wrap=True).print(
            render_text(report, color=True, verbose=verbose), end="")
    else:
        click.echo(render_text(report, verbose=verbose), nl=False)


def main() -> None:
    """Entry point: no traceback ever reaches the user."""
    try:
        cli(prog_name="briefgen")
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:  # a bug in briefgen, not in the user's files
        from briefgen.diagnostics import EXIT_INTERNAL, BriefgenError

        if isinstance(exc, BriefgenError):
            _fail(exc)
        click.echo(f"briefgen: internal error, please report: {type(exc).__name__}: {exc}",
                   err=True)
        if os.environ.get("BRIEFGEN_DEBUG"):
            raise
        sys.exit(EXIT_INTERNAL)


if __name__ == "__main__":
    main()
