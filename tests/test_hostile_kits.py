"""Hostile kits: each attack ends in one clear line and exit status 1, within bounded time and
memory, with no connection made and no byte of a file outside the kit in any output."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import write
from hostile import (
    CPU_SECONDS,
    SECRET,
    assert_clear_failure,
    content,
    make_kit,
    outputs_leak,
    run_limited,
    template,
)


@pytest.fixture
def kit(tmp_path: Path) -> Path:
    return make_kit(tmp_path)


# --- Templates are sandboxed -----------------------------------------------------------------

TEMPLATE_ATTACKS = {
    "cycler globals": (
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
        "access to attribute '__init__' of 'type' object is unsafe",
    ),
    "lipsum globals": (
        "{{ lipsum.__globals__['os'].popen('id').read() }}",
        "access to attribute '__globals__' of 'function' object is unsafe",
    ),
    "class mro": (
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "access to attribute '__class__' of 'str' object is unsafe",
    ),
    "reading a file through a path": (
        "{{ material.path.read_text() }}",
        "access to attribute 'read_text' of 'PosixPath' object is unsafe",
    ),
    "walking out of a path": (
        "{{ material.path.parent.parent }}",
        "access to attribute 'parent' of 'PosixPath' object is unsafe",
    ),
    "a gigantic repeat": ("{{ 'x' * 1000000000 }}", "'*' in a template would make"),
    "a gigantic power": ("{{ 2 ** 100000000 }}", "powers go up to 256"),
    "endless output": (
        "{% for i in range(99999) %}{{ 'x' * 999 }}{% endfor %}",
        "the template writes more than 10,000,000 characters of HTML",
    ),
    "an include of itself": (
        '{% include "attack.html" %}',
        "the template calls itself without end",
    ),
    "nesting without end": (
        "<div>" * 20000 + "x" + "</div>" * 20000,
        "the HTML is nested 101 elements deep; at most 100",
    ),
    "division by zero": ("{{ 1 / 0 }}", "the template failed (in attack.html line 1): Zero"),
    "an attachment from outside": (
        '<a rel="attachment" href="file:///etc/passwd">x</a>',
        "refused to fetch file:///etc/passwd (file outside the kit",
    ),
    "an unknown asset outside": ("{{ asset('../../secret.txt') }}", "give a path inside"),
    "a huge number in a style": (
        '<p style="font-size: 1e30px">x</p>',
        "the template's CSS has the length 1e30px",
    ),
}


@pytest.mark.parametrize("case", TEMPLATE_ATTACKS, ids=list(TEMPLATE_ATTACKS))
def test_template_attacks(kit: Path, tmp_path: Path, case: str) -> None:
    body, expected = TEMPLATE_ATTACKS[case]
    template(kit, body)
    result = run_limited(kit, "build", "hostile", "--out", str(tmp_path / "out"))
    assert_clear_failure(result, expected)
    assert "uid=" not in result.stdout + result.stderr
    assert not outputs_leak(tmp_path / "out")


@pytest.mark.slow
def test_a_template_loop_is_stopped_by_the_time_limit(kit: Path, tmp_path: Path) -> None:
    template(
        kit,
        "{% set r = range(99999)|list %}{% for i in r %}{% for j in r %}{% endfor %}{% endfor %}",
    )
    result = run_limited(kit, "build", "hostile", "--out", str(tmp_path / "out"))
    assert_clear_failure(result, "hostile: stopped after 30 s of work, the most handbill gives")
    assert result.seconds < CPU_SECONDS


@pytest.mark.slow
def test_a_template_that_doubles_a_text_is_stopped_by_the_memory_limit(
    kit: Path, tmp_path: Path
) -> None:
    template(
        kit,
        "{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}"
        "{% endfor %}{{ ns.s|length }}",
    )
    result = run_limited(kit, "build", "hostile", "--out", str(tmp_path / "out"))
    assert_clear_failure(result, "hostile: stopped when it needed more than")


# --- Nothing is fetched from the network ---------------------------------------------------------


@pytest.fixture
def listener() -> Iterator[tuple[int, list[object]]]:
    """A TCP listener on loopback that counts the connections it accepts."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    accepted: list[object] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, address = server.accept()
            except OSError:
                continue
            accepted.append(address)
            connection.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], accepted
    stop.set()
    thread.join()
    server.close()


NETWORK_ATTACKS = {
    "image": '<img src="http://127.0.0.1:PORT/x.png">',
    "stylesheet": '<link rel="stylesheet" href="http://127.0.0.1:PORT/x.css">',
    "import": "<style>@import url(http://127.0.0.1:PORT/x.css);</style>",
    "font": "<style>@font-face { font-family: X; src: url(http://127.0.0.1:PORT/x.ttf) }"
    "p { font-family: X }</style><p>x</p>",
    "attachment": '<a rel="attachment" href="http://127.0.0.1:PORT/x">x</a>',
    "template code": "{{ cycler.__init__.__globals__.os.popen('curl 127.0.0.1:PORT').read() }}",
}


@pytest.mark.parametrize("case", NETWORK_ATTACKS, ids=list(NETWORK_ATTACKS))
def test_nothing_connects_to_the_network(
    kit: Path, tmp_path: Path, listener: tuple[int, list[object]], case: str
) -> None:
    port, accepted = listener
    template(kit, NETWORK_ATTACKS[case].replace("PORT", str(port)))
    result = run_limited(kit, "build", "hostile", "--out", str(tmp_path / "out"))
    assert result.code == 1 and "Traceback" not in result.stderr, result.stderr
    assert accepted == []


# --- One kit boundary for every read ----------------------------------------------------------


def link(path: Path, target: str | Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() or path.is_symlink():
        path.unlink()
    os.symlink(target, path)


def _strings_link(kit: Path) -> None:
    link(kit / "templates" / "strings" / "cy.toml", kit.parent / "secret.toml")
    write(kit / "materials" / "hostile.cy.md", "---\ntitle: Cerdyn\n---\nHelo\n")


BOUNDARY_ATTACKS: dict[str, tuple[Callable[[Path], object], str]] = {
    "template include": (
        lambda kit: (
            link(kit / "templates" / "leak.txt", kit.parent / "secret.txt"),
            template(kit, '{% include "leak.txt" %}'),
        ),
        "templates/leak.txt: this is a link to a file outside the kit",
    ),
    "template include of /etc/passwd": (
        lambda kit: (
            link(kit / "templates" / "leak.txt", "/etc/passwd"),
            template(kit, '{% include "leak.txt" %}'),
        ),
        "templates/leak.txt: this is a link to a file outside the kit",
    ),
    "csv table": (
        lambda kit: (
            link(kit / "data" / "x.csv", kit.parent / "secret.txt"),
            template(kit, "{{ data.x }}"),
        ),
        "data/x.csv: this is a link to a file outside the kit",
    ),
    "json table": (
        lambda kit: (
            link(kit / "data" / "x.json", "../../secret.json"),
            template(kit, "{{ data.x }}"),
        ),
        "data/x.json: this is a link to a file outside the kit",
    ),
    "material": (
        lambda kit: link(kit / "materials" / "x.md", kit.parent / "secret.md"),
        "materials/x.md: this is a link to a file outside the kit",
    ),
    "handbill.toml": (
        lambda kit: link(kit / "handbill.toml", kit.parent / "secret.toml"),
        "handbill.toml: this is a link to a file outside the kit",
    ),
    "string table": (_strings_link, "templates/strings/cy.toml: this is a link to a file"),
    "the templates folder": (
        lambda kit: (
            shutil.move(kit / "templates", kit.parent / "elsewhere"),
            link(kit / "templates", kit.parent / "elsewhere"),
        ),
        "this is a link to a file outside the kit",
    ),
    "a device": (
        lambda kit: link(kit / "data" / "x.csv", "/dev/zero"),
        "data/x.csv: this is a link to a file outside the kit",
    ),
    "a named pipe": (
        lambda kit: ((kit / "data").mkdir(), os.mkfifo(kit / "data" / "x.csv")),
        "data/x.csv: not an ordinary file (a named pipe)",
    ),
    "a font": (
        lambda kit: link(kit / "assets" / "fonts" / "x.ttf", "/dev/zero"),
        "assets/fonts/x.ttf: this is a link to a file outside the kit",
    ),
    "the logo": (
        lambda kit: (
            link(kit / "assets" / "logo.png", kit.parent / "secret.txt"),
            write(
                kit / "handbill.toml",
                (kit / "handbill.toml").read_text() + '\n[brand]\nlogo = "assets/logo.png"\n',
            ),
        ),
        "Config value 'brand.logo': 'assets/logo.png': this is a link to a file outside the kit",
    ),
    "an image in content": (
        lambda kit: (
            link(kit / "assets" / "img" / "x.png", kit.parent / "secret.txt"),
            content(kit, "![x](assets/img/x.png)\n"),
        ),
        "refused to fetch",
    ),
}


@pytest.mark.parametrize("case", BOUNDARY_ATTACKS, ids=list(BOUNDARY_ATTACKS))
def test_nothing_is_read_from_outside_the_kit(kit: Path, tmp_path: Path, case: str) -> None:
    setup, expected = BOUNDARY_ATTACKS[case]
    setup(kit)
    out = tmp_path / "out"
    result = run_limited(kit, "build", "--out", str(out), timeout=60)
    assert_clear_failure(result, expected)
    assert SECRET not in result.stdout + result.stderr
    assert "root:x:0" not in result.stdout + result.stderr
    assert not outputs_leak(out)


def test_a_link_inside_the_kit_is_followed(kit: Path, tmp_path: Path) -> None:
    write(kit / "templates" / "parts" / "greeting.html", "<p>Greetings from inside</p>")
    link(kit / "templates" / "greeting.html", kit / "templates" / "parts" / "greeting.html")
    template(kit, '{% include "greeting.html" %}')
    result = run_limited(kit, "build", "hostile", "--out", str(tmp_path / "out"))
    assert result.code == 0, result.stderr
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "out" / "hostile.pdf"), "-"], capture_output=True, text=True
    ).stdout
    assert "Greetings from inside" in text
