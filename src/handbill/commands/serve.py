"""``handbill serve``: the download page on this computer, rebuilt as the kit changes."""

from __future__ import annotations

import time
from pathlib import Path

import click

from handbill.commands.options import kit_option, out_option
from handbill.engine import versions


@click.command("serve", epilog="Example: handbill serve --port 8080")
@kit_option
@out_option("Where to build.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
def serve_command(kit_dir: Path, out_dir: Path | None, port: int) -> None:
    """Serve the download page on this computer, rebuilding when the kit changes."""
    from handbill.kit.loader import load_kit
    from handbill.publish.serve import Site, start, watch

    versions.tell_once()  # on an untested WeasyPrint, one line: slower, same pages
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
