"""Entry point for ``python -m handbill`` and the ``handbill`` command."""

from __future__ import annotations

from handbill import signals


def run() -> None:
    # Signal handlers go in before the slower imports, so Ctrl-C at any moment ends cleanly.
    signals.install()
    try:
        from handbill.cli import main
    except KeyboardInterrupt:
        signals.exit_interrupted()
    main(prog_name="handbill")


if __name__ == "__main__":
    run()
