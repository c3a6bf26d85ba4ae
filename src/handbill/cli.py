"""The command line: a thin Click group; each verb lives in ``handbill.commands``."""

from __future__ import annotations

import sys

import click

from handbill import __version__, signals
from handbill.commands.build import build
from handbill.commands.check import check_command
from handbill.commands.listing import list_materials
from handbill.commands.new import new
from handbill.commands.pack import pack_command
from handbill.commands.serve import serve_command
from handbill.commands.site import site_command
from handbill.errors import InternalError, internal_failure

# The kit reader, the templates and the layout stages are imported inside the commands that
# use them: `handbill --help`, and a rebuild with nothing to do, never pay for them.

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT, epilog="Example: handbill build faq --kit my-campaign")
@click.version_option(__version__, "--version", prog_name="handbill")
def cli() -> None:
    """Build print-ready campaign materials (PDF) from a kit of content and templates."""


for command in (
    build,
    check_command,
    site_command,
    serve_command,
    pack_command,
    list_materials,
    new,
):
    cli.add_command(command)


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
