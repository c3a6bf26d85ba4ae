"""``handbill build``: build materials (and mail merges) into PDFs and editable copies."""

from __future__ import annotations

import re
import sys
import time
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import click

from handbill.build.places import PRIVATE_NOTE, private_folder
from handbill.build.writers import output_folder
from handbill.commands.options import kit_option, out_option
from handbill.engine import versions
from handbill.errors import BuildError, InternalError, any_internal, display_path

if TYPE_CHECKING:
    from handbill.kit.loader import Kit

FILLED = "filled"  # --from-form's copies, in <OUT>-private/filled/ unless --out says otherwise
A_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
FROM_FORM_HELP = "Fill in the fields from a filled-in NAME.form.pdf (with one material named)."


@click.command(
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
    "--pdf-x",
    "pdf_x",
    type=click.Choice(["4", "1a", "none"], case_sensitive=False),
    default=None,
    help="Press PDFs in CMYK as PDF/X-4, or PDF/X-1a for shops that ask for it, or none: RGB "
    "as on screen.  [default: as handbill.toml [print] pdf_x says, else 4]",
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
@click.option("--from-form", "from_form", type=A_FILE, metavar="FILLED.pdf", help=FROM_FORM_HELP)
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
    "--keep-stale",
    is_flag=True,
    help="Leave the files of materials (or data rows) no longer in the kit in place, out of "
    "manifest.json, rather than deleting them.",
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
    pdf_x: str | None,
    greyscale: bool,
    language: str | None,
    group: str | None,
    merge_table: Path | None,
    from_form: Path | None,
    split: bool,
    on_bad_row: str,
    keep_html: bool,
    no_cache: bool,
    keep_stale: bool,
    run_check: bool,
    quiet: bool,
) -> None:
    """Build the named materials, or all of them, into PDFs (and .docx/.txt where listed).

    Outputs whose inputs (content, data, templates, CSS, fonts, images, handbill.toml,
    options) have not changed since the last build into the same folder are not rebuilt.
    """
    if pdf_x and mode != "press":
        raise click.UsageError("--pdf-x is for print-shop PDFs: add --mode press")
    overrides = parse_settings(settings)
    if not (no_cache or run_check or merge_table or split or from_form) and _unchanged(
        kit_dir,
        out_dir,
        names,
        language,
        group,
        (mode, marks, greyscale, keep_html, pdf_x and pdf_x.lower()),
        overrides,
        quiet,
    ):
        return
    # Imported only now: a rebuild with nothing to do is answered without them (importing them
    # took twice as long as the whole answer does).
    from handbill.build.jobs import Options, jobs_for
    from handbill.kit.loader import buildable, check_settings, load_kit

    options = Options(mode, marks, greyscale, keep_html, pdf_x and pdf_x.lower())
    versions.tell_once()  # on an untested WeasyPrint, one line: slower, same pages
    kit = load_kit(kit_dir)
    if from_form is not None:
        # --set wins over the form, as over every other source of values.
        overrides = {**_form_values(kit, names, from_form), **overrides}
        if out_dir is None:
            # One speaker's details are theirs, not the kit's: their copy goes in the private
            # folder, and the blank material and its form stay published as they were.
            out_dir = private_folder(output_folder(kit.root, None)) / FILLED
    if merge_table is not None:
        _merge(
            kit, names, language, merge_table, out_dir, split, on_bad_row, jobs, overrides, quiet
        )
        return
    if split:
        raise click.UsageError("--split only works with --merge CSV")
    from handbill.build.runner import build as build_kit  # a merge does without it

    chosen, _, _ = buildable(kit, kit.select(names, language))
    check_settings(kit, chosen, overrides)
    count = len(jobs_for(kit, chosen, group))
    run = partial(build_kit, kit, names, out_dir, jobs, overrides=overrides, options=options)
    run = partial(
        run, use_cache=not no_cache, language=language, group=group, keep_stale=keep_stale
    )
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
        raise error("\n".join([*report.failures, report.summary]), closing=1)
    if not quiet:
        for line in report.recorded.lines():
            click.echo(line)
        click.echo(f"{report.summary} -> {destination(report.out_dir, report.private)}")
    if run_check:
        from handbill.commands.check import report_check

        report_check(kit, names, report.out_dir, jobs, as_json=False)


def _form_values(kit: Kit, names: tuple[str, ...], filled: Path) -> dict[str, str]:
    """The values filled in a form handbill wrote for the one material named."""
    from handbill.kit.loader import fields_used
    from handbill.pages.formvalues import read_form

    if len(names) != 1:
        raise click.UsageError(
            "--from-form needs the one material the form is of, e.g. "
            "handbill build speech-3min --from-form speech-3min.form.pdf"
        )
    material = kit.select(names)[0]
    return read_form(filled, material.name, fields_used(material) | set(kit.config.fields))


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
    out = output_folder(kit_dir, out_dir)
    request = request_key(kit_dir, names, language, group, options, overrides)
    found = unchanged_build(out, request, kit_dir)
    if found is None:
        return False
    summary, warnings, private = found
    for warning in warnings:
        click.secho(f"Warning: {warning}", fg="yellow", err=True)
    if not quiet:
        seconds = f"{time.perf_counter() - started:.1f}"
        click.echo(f"{summary.replace('{seconds}', seconds)} -> {destination(out, private)}")
    return True


def _merge(
    kit: Kit,
    names: tuple[str, ...],
    language: str | None,
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
    material = kit.select(names, language)[0]  # with --lang, its version in that language
    report = merge(kit, material, table, out_dir, split, on_bad_row == "skip", jobs, overrides)
    for line in [*report.skipped, *report.warnings]:
        click.secho(f"Warning: {line}", fg="yellow", err=True)
    if not quiet:
        for line in report.recorded.lines():
            click.echo(line)
        out = output_folder(kit.root, out_dir)
        click.echo(f"{report.summary} -> {destination(out, True, public=False)}")


def destination(out_dir: Path, private: bool, public: bool = True) -> str:
    """Where a build wrote, for the end of its summary line: the output folder, and the private
    folder beside it when private outputs went there (never to be published with the rest)."""
    places = [f"{display_path(out_dir)}/"] if public else []
    if private:
        places.append(f"private ({PRIVATE_NOTE}): {display_path(private_folder(out_dir))}/")
    return "; ".join(places)


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
