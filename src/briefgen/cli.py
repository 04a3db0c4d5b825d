"""The ``briefgen`` command: parse arguments, call the API, report."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from briefgen import __version__

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


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
      briefgen check                 # check the project in this folder
      briefgen check --format github # annotations for GitHub Actions
      briefgen build --to pdf        # build every brief as PDF
      briefgen site                  # build the site into site/
    """
    ctx.ensure_object(dict)
    ctx.obj["quiet"] = quiet
    ctx.obj["verbose"] = verbose


@cli.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "fmt",
              type=click.Choice(["text", "json", "github", "junit", "sarif"]),
              default="text", show_default=True, help="Output format.")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--bib", "bibs", multiple=True, type=click.Path(),
              help="Check documents against this bibliography, with no project.")
@click.option("--baseline", type=click.Path(dir_okay=False),
              help="Report only problems that this baseline file does not record.")
@click.option("--write-baseline", type=click.Path(dir_okay=False),
              help="Record today's problems in this file, then report as usual.")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
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
        baseline_dump,
        baseline_filter,
        exit_code,
        render_github,
        render_json,
        render_junit,
        render_sarif,
    )
    from briefgen.write import write_text_atomic

    try:
        if bibs:
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
        report = api.check_project(project)
        formats = [f.strip() for f in to.split(",") if f.strip()] if to else None
        if formats:
            bad = [f for f in formats if f not in ("pdf", "docx", "html", "md")]
            if bad:
                raise click.BadParameter(f"unknown format {bad[0]!r}; use pdf, docx, html, md",
                                         param_hint="--to")
    except BriefgenError as exc:
        _fail(exc)
    quiet = ctx.obj.get("quiet", False)
    result = build_briefs(project, report, list(briefs) or None, formats, force=force,
                          progress=not quiet and _use_color(sys.stderr), jobs=jobs)
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
