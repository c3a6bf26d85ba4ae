"""``handbill new``: a new kit that builds as it is."""

from __future__ import annotations

from pathlib import Path

import click

from handbill.errors import display_path


@click.command(epilog="Example: handbill new leeds-kit --name 'Leeds Save Our NHS'")
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
