"""The command line: each command loads the kit and calls one function."""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from handbill import __version__, signals
from handbill.errors import (
    BuildError,
    InternalError,
    any_internal,
    display_path,
    internal_failure,
)

if TYPE_CHECKING:
    from handbill.kit.loader import Kit

# The kit reader, the templates and the layout stages are imported inside the commands that
# use them: `handbill --help`, and a rebuild with nothing to do, never pay for them.

F = TypeVar("F", bound=Callable[..., Any])
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

kit_option = click.option(
    "--kit",
    "kit_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="The kit folder (the one holding handbill.toml).",
)


def out_option(help_text: str) -> Callable[[F], F]:
    """The --out option every command shares; only its help text differs."""
    return click.option(
        "--out",
        "out_dir",
        type=click.Path(file_okay=False, path_type=Path),
        help=f"{help_text}  [default: KIT/dist]",
    )


@click.group(context_settings=CONTEXT, epilog="Example: handbill build faq --kit my-campaign")
@click.version_option(__version__, "--version", prog_name="handbill")
def cli() -> None:
    """Build print-ready campaign materials (PDF) from a kit of content and templates."""


@cli.command(
    epilog='Example: handbill build speech-3min --set speaker="Asha Patel" --set town=Leeds'
)
@click.argument("names", nargs=-1, metavar="[NAME]...")
@kit_option
@out_option("Where to write the PDFs and manifest.json.")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 64),
    help="Materials built at once.  [default: all cores]",
)
@click.option(
    "--set",
    "settings",
    multiple=True,
    metavar="FIELD=VALUE",
    help="Fill in a field, e.g. --set town=Leeds (repeat for more).",
)
@click.option(
    "--mode",
    type=click.Choice(["home", "press"]),
    default="home",
    show_default=True,
    help="home: finished pages, plus A4 sheets (n-up or tiled) for other sizes. "
    "press: single pages with bleed, trim and bleed boxes, for a print shop (NAME.press.pdf).",
)
@click.option(
    "--marks/--no-marks",
    default=None,
    help="Crop marks on press PDFs.  [default: as handbill.toml [print] says, else on]",
)
@click.option(
    "--greyscale",
    is_flag=True,
    help="Black on white, no background fills, for mono printers (NAME.grey.pdf).",
)
@click.option(
    "--lang",
    "language",
    metavar="LANG",
    help="Build the versions in this language only, e.g. --lang cy (translations: NAME.cy.md).",
)
@click.option(
    "--group",
    metavar="ID",
    help="Build for one local group only: the row of data/groups.csv with this id.",
)
@click.option(
    "--merge",
    "merge_table",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="CSV",
    help="Mail merge: one copy of the material per row of CSV, as one PDF (NAME.merge.pdf).",
)
@click.option("--split", is_flag=True, help="With --merge: also one PDF per row (NAME.merge/).")
@click.option(
    "--on-bad-row",
    type=click.Choice(["fail", "skip"]),
    default="fail",
    show_default=True,
    help="With --merge: stop on a row with a missing field or an unknown value, or leave it out.",
)
@click.option(
    "--keep-html",
    is_flag=True,
    help="Also write each output's final HTML beside its PDF (NAME.html), to open in a "
    "browser or render with WeasyPrint.",
)
@click.option(
    "--no-cache",
    "no_cache",
    is_flag=True,
    help="Rebuild every output, even those whose inputs have not changed since the last build.",
)
@click.option(
    "--check", "run_check", is_flag=True, help="Check the PDFs afterwards; fail on errors."
)
@click.option("--quiet", "-q", is_flag=True, help="Print only warnings and errors.")
def build(
    names: tuple[str, ...],
    kit_dir: Path,
    out_dir: Path | None,
    jobs: int | None,
    settings: tuple[str, ...],
    mode: str,
    marks: bool | None,
    greyscale: bool,
    language: str | None,
    group: str | None,
    merge_table: Path | None,
    split: bool,
    on_bad_row: str,
    keep_html: bool,
    no_cache: bool,
    run_check: bool,
    quiet: bool,
) -> None:
    """Build the named materials, or all of them, into PDFs (and .docx/.txt where listed).

    Outputs whose inputs (content, data, templates, CSS, fonts, images, handbill.toml,
    options) have not changed since the last build into the same folder are not rebuilt.
    """
    overrides = parse_settings(settings)
    if not (no_cache or run_check or merge_table or split) and _unchanged(
        kit_dir,
        out_dir,
        names,
        language,
        group,
        (mode, marks, greyscale, keep_html),
        overrides,
        quiet,
    ):
        return
    # Imported only now: a rebuild with nothing to do is answered without them (importing them
    # took twice as long as the whole answer does).
    from handbill.build.jobs import Options, jobs_for
    from handbill.build.runner import build as build_kit
    from handbill.kit.loader import load_kit

    options = Options(mode, marks, greyscale, keep_html)
    kit = load_kit(kit_dir)
    if merge_table is not None:
        _merge(kit, names, merge_table, out_dir, split, on_bad_row, jobs, overrides, quiet)
        return
    if split:
        raise click.UsageError("--split only works with --merge CSV")
    count = len(jobs_for(kit, kit.select(names, language), group))
    run = partial(build_kit, kit, names, out_dir, jobs, overrides=overrides, options=options)
    run = partial(run, use_cache=not no_cache, language=language, group=group)
    if not quiet and count > 2 and sys.stderr.isatty():
        with click.progressbar(length=count, label="Building", file=sys.stderr) as bar:
            report = run(progress=lambda name: bar.update(1))
    else:
        report = run()
    warnings = [*report.warnings, *(w for output in report.outputs for w in output.warnings)]
    for warning in warnings:
        click.secho(f"Warning: {warning}", fg="yellow", err=True)
    if report.failures:
        error = InternalError if any_internal(report.failures) else BuildError
        raise error("\n".join([*report.failures, report.summary]))
    if not quiet:
        click.echo(f"{report.summary} -> {display_path(report.out_dir)}/")
    if run_check:
        _report_check(kit, names, report.out_dir, jobs, as_json=False)


def _unchanged(
    kit_dir: Path,
    out_dir: Path | None,
    names: tuple[str, ...],
    language: str | None,
    group: str | None,
    options: tuple[object, ...],
    overrides: dict[str, str],
    quiet: bool,
) -> bool:
    """Report the last build again, and say True, when nothing it used has changed since."""
    from handbill.build.cache import request_key, unchanged_build

    started = time.perf_counter()
    out = (out_dir or kit_dir / "dist").resolve()
    request = request_key(kit_dir, names, language, group, options, overrides)
    found = unchanged_build(out, request, kit_dir)
    if found is None:
        return False
    summary, warnings = found
    for warning in warnings:
        click.secho(f"Warning: {warning}", fg="yellow", err=True)
    if not quiet:
        seconds = f"{time.perf_counter() - started:.1f}"
        click.echo(f"{summary.replace('{seconds}', seconds)} -> {display_path(out)}/")
    return True


def _merge(
    kit: Kit,
    names: tuple[str, ...],
    table: Path,
    out_dir: Path | None,
    split: bool,
    on_bad_row: str,
    jobs: int | None,
    overrides: dict[str, str],
    quiet: bool,
) -> None:
    from handbill.merge.merge import merge

    if len(names) != 1:
        raise click.UsageError(
            "--merge needs the one material to merge, e.g. "
            "handbill build letter-to-mp --merge data/supporters.csv"
        )
    material = kit.select(names)[0]
    report = merge(kit, material, table, out_dir, split, on_bad_row == "skip", jobs, overrides)
    for line in [*report.skipped, *report.warnings]:
        click.secho(f"Warning: {line}", fg="yellow", err=True)
    if not quiet:
        out = display_path((out_dir or kit.root / "dist").resolve())
        click.echo(f"{report.summary} -> {out}/")


@cli.command("check", epilog="Example: handbill check faq leaflet-a5 --json")
@click.argument("names", nargs=-1, metavar="[NAME]...")
@kit_option
@out_option("Where the PDFs are (built first if stale).")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as a JSON list.")
def check_command(
    names: tuple[str, ...], kit_dir: Path, out_dir: Path | None, as_json: bool
) -> None:
    """Check the built PDFs (building them first where stale) for what ruins a print run."""
    from handbill.kit.loader import load_kit

    _report_check(load_kit(kit_dir), names, out_dir, None, as_json)


def _report_check(
    kit: Kit, names: tuple[str, ...], out_dir: Path | None, jobs: int | None, as_json: bool
) -> None:
    from handbill.check.preflight import CheckFailed, check

    report = check(kit, names, out_dir, jobs)
    if as_json:
        click.echo(report.to_json())
    else:
        for finding in report.findings:
            colour = "red" if finding.severity == "error" else "yellow"
            click.secho(finding.line, fg=colour)
        click.echo(report.summary)
    if report.errors:
        raise CheckFailed(
            f"{report.errors} error{'s' * (report.errors != 1)} found; fix them before printing"
        )


@cli.command("site", epilog="Example: handbill site --out public/")
@kit_option
@out_option("The build's output folder; index.html is written there.")
def site_command(kit_dir: Path, out_dir: Path | None) -> None:
    """Write a download page (index.html) for the built materials; it works offline, anywhere."""
    from handbill.build.runner import build as build_kit
    from handbill.check.preflight import outputs_stale
    from handbill.kit.loader import load_kit
    from handbill.publish.site import write_site

    kit = load_kit(kit_dir)
    out = (out_dir or kit.root / "dist").resolve()
    if outputs_stale(kit, out, set(kit.materials)):
        report = build_kit(kit, (), out)
        if report.failures:
            raise BuildError("\n".join([*report.failures, report.summary]))
        click.echo(f"{report.summary} -> {display_path(out)}/")
    page = write_site(kit, out)
    click.echo(f"Wrote {display_path(page)}: open it in a browser, or copy the folder anywhere")


@cli.command("serve", epilog="Example: handbill serve --port 8080")
@kit_option
@out_option("Where to build.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
def serve_command(kit_dir: Path, out_dir: Path | None, port: int) -> None:
    """Serve the download page on this computer, rebuilding when the kit changes."""
    from handbill.kit.loader import load_kit
    from handbill.publish.serve import Site, start, watch

    load_kit(kit_dir)  # a kit that does not load is reported here, before serving

    def rebuilt(site: Site) -> None:
        shown = f": {len(site.errors)} error(s), shown on the page" if site.errors else ""
        click.echo(time.strftime("%H:%M:%S rebuilt") + shown)

    server, site = start(kit_dir, out_dir, port)
    host, bound = str(server.server_address[0]), server.server_address[1]
    click.echo(
        f"Serving http://{host}:{bound}/ (this computer only). Edit the kit and the page "
        "reloads. Ctrl-C to stop."
    )
    # The server answers from its own thread; the rebuilds run here, in the main thread, the
    # only one where Python allows a signal timer. Ctrl-C ends this loop, and main() says so.
    watch(site, on_rebuild=rebuilt)


@cli.command("pack", epilog="Example: handbill pack runs/stall-day.toml")
@click.argument("run", type=click.Path(dir_okay=False, path_type=Path))
@kit_option
@out_option("Build folder; the pack goes in OUT/packs/RUN/.")
def pack_command(run: Path, kit_dir: Path, out_dir: Path | None) -> None:
    """Make a print run: every material in RUN.toml, in its quantity, one PDF per paper stock."""
    from handbill.kit.loader import load_kit
    from handbill.publish.pack import make_pack

    kit = load_kit(kit_dir)
    folder = make_pack(kit, run, (out_dir or kit.root / "dist").resolve())
    click.echo((folder / "packing-list.txt").read_text(encoding="utf-8").rstrip())
    click.echo(f"Pack written to {display_path(folder)}/")


def parse_settings(settings: tuple[str, ...]) -> dict[str, str]:
    """``("town=Leeds", "speaker=Asha Patel")`` to a dict; a malformed one is a usage error."""
    values = {}
    for setting in settings:
        name, equals, value = setting.partition("=")
        if not equals or not re.fullmatch(r"[a-z][a-z0-9_]*", name.strip()):
            raise click.BadParameter(
                f"'{setting}' is not FIELD=VALUE; write e.g. --set town=Leeds "
                'or --set speaker="Asha Patel"',
                param_hint="--set",
            )
        values[name.strip()] = value
    return values


@cli.command("list", epilog="Example: handbill list --kit my-campaign")
@kit_option
def list_materials(kit_dir: Path) -> None:
    """List the kit's materials with their templates, paper sizes and outputs."""
    from handbill.kit.loader import load_kit, material_table

    for line in material_table(load_kit(kit_dir)):
        click.echo(line)


@cli.command(epilog="Example: handbill new leeds-kit --name 'Leeds Save Our NHS'")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", default="Our Campaign", show_default=True, help="The campaign's name.")
def new(directory: Path, name: str) -> None:
    """Create a new kit in DIRECTORY, with one example material per stock template."""
    from handbill.publish.scaffold import new_kit

    created = new_kit(directory, name)
    noun = "material" if len(created) == 1 else "materials"
    click.echo(f"Created a kit with {len(created)} {noun} in {display_path(directory)}/")
    click.echo(
        f"Next: edit {display_path(directory / 'handbill.toml')}, then run "
        f"'handbill build --kit {display_path(directory)}'"
    )


def main(prog_name: str | None = None) -> None:
    """Run the CLI; Ctrl-C and SIGTERM stop it with one line (files are never left half-written)."""
    signals.install()
    try:
        code = cli.main(prog_name=prog_name, standalone_mode=False)
    except (KeyboardInterrupt, click.Abort):
        signals.exit_interrupted()
    except click.ClickException as exc:
        exc.show()
        signals.exit_now(exc.exit_code)
    except Exception as exc:  # the last resort: never a traceback, always one line
        click.echo(f"Error: {internal_failure(_command(), exc)}", err=True)
        signals.exit_now(InternalError.exit_code)
    signals.exit_now(code if isinstance(code, int) else 0)


def _command() -> str:
    """ "handbill build faq" for the internal-error line: the command that was running."""
    words = []
    for word in sys.argv[1:4]:
        if word.startswith("-"):
            break  # options and their values (paths) stay out of the line
        words.append(word)
    return " ".join(["handbill", *words])
