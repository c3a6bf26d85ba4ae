"""Helpers for the hostile-kit tests: a build under CPU and memory limits, and its checks."""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from conftest import FIXTURE_KIT, write

CPU_SECONDS = 60  # the build must stop itself, with its own message, well inside these
ADDRESS_SPACE = 1536 * 1024 * 1024
SECRET = "SECRET-7f3a-outside-the-kit"
ATTACK_TEMPLATE = '{% extends "_base.html" %}{% block body %}BODY{% endblock %}\n'


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str
    seconds: float  # of work: the child's CPU time, which a loaded machine does not inflate


def run_limited(kit: Path, *args: str, timeout: float = 150) -> Result:
    """``handbill ARGS --kit KIT`` in a subprocess under CPU and address-space limits."""

    def limits() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS + 5))
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [sys.executable, "-m", "handbill", *args, "--kit", str(kit)],
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=limits,
        cwd=kit,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    work = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return Result(done.returncode, done.stdout, done.stderr, work)


def assert_clear_failure(result: Result, expected: str) -> None:
    """Exit 1 (not killed by a limit, not an internal error), no traceback, the message."""
    assert result.code == 1, (result.code, result.stderr[-2000:])
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert "internal error" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert errors and expected in errors[0], result.stderr[-2000:]
    assert all(len(line) < 600 for line in result.stderr.splitlines())


def make_kit(tmp_path: Path) -> Path:
    """The fixture kit with a material 'hostile' on the kit's own template 'attack', and a
    secret file beside the kit (outside it) that no output may ever contain."""
    target = tmp_path / "kit"
    shutil.copytree(FIXTURE_KIT, target)
    write(target / "materials" / "hostile.md", "---\ntemplate: attack\ntitle: T\n---\nHello\n")
    write(target / "templates" / "attack.html", ATTACK_TEMPLATE.replace("BODY", "{{ content }}"))
    write(tmp_path / "secret.txt", SECRET)
    write(tmp_path / "secret.json", f'[{{"title": "{SECRET}"}}]')
    write(tmp_path / "secret.md", f"---\ntemplate: faq\ntitle: {SECRET}\n---\n{SECRET}\n")
    write(tmp_path / "secret.toml", f'[campaign]\nname = "{SECRET}"\n')
    return target


def template(kit: Path, body: str) -> None:
    write(kit / "templates" / "attack.html", ATTACK_TEMPLATE.replace("BODY", body))


def content(kit: Path, text: str, front: str = "") -> None:
    write(kit / "materials" / "hostile.md", f"---\ntemplate: attack\ntitle: T\n{front}---\n{text}")


def outputs_leak(out: Path) -> list[str]:
    """Output files that hold the secret, in their bytes or their text as pdftotext reads it."""
    leaks = []
    for path in out.rglob("*") if out.exists() else ():
        if not path.is_file():
            continue
        data = path.read_bytes()
        text = ""
        if path.suffix == ".pdf":
            text = subprocess.run(
                ["pdftotext", str(path), "-"], capture_output=True, text=True
            ).stdout
        if SECRET.encode() in data or SECRET in text:
            leaks.append(path.name)
    return leaks
