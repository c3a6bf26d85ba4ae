"""Kit templates run in Jinja's sandbox: no Python internals, no files, no runaway output."""

from __future__ import annotations

import os
import re
import types
from collections.abc import Callable, Iterable
from pathlib import Path, PurePath
from typing import Any

import jinja2
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment

from handbill.errors import TemplateError
from handbill.kit.boundary import read_text
from handbill.kit.cssguard import css_problem

MAX_HTML_CHARS = 10_000_000  # one output's HTML: the example's largest is under 200,000
MAX_SEQUENCE = 1_000_000  # the longest text or list that '*' may make in a template
MAX_EXPONENT = 256
# A template can read these of a file path (the logo's, a material's), and nothing else:
# never its folder, never its contents.
PATH_ATTRIBUTES = frozenset({"as_uri", "name", "stem", "suffix"})


class KitLoader(jinja2.BaseLoader):
    """Templates by name from the kit's templates/ then the stock ones, inside the kit only."""

    def __init__(self, folders: Iterable[Path], roots: tuple[Path, ...]):
        self.folders = tuple(folders)
        self.roots = roots

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)  # refuses '..' and absolute names
        for folder in self.folders:
            path = folder.joinpath(*pieces)
            if path.is_file():
                source = read_text(path, "template", self.roots)
                mtime = os.stat(path).st_mtime_ns

                def uptodate(path: Path = path, mtime: int = mtime) -> bool:
                    try:
                        return os.stat(path).st_mtime_ns == mtime
                    except OSError:
                        return False

                return source, str(path), uptodate
        raise jinja2.TemplateNotFound(template)


class KitSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, closed further for templates that come with a kit.

    Jinja already refuses ``_`` names and Python internals (``__class__``, ``__globals__``)
    and calls that change lists or dicts. On top of that, a file path gives only its name
    and URI, modules are out of reach, and ``*`` and ``**`` cannot make gigantic values.
    """

    intercepted_binops = frozenset({"*", "**"})

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, PurePath) and attr not in PATH_ATTRIBUTES:
            return False
        if isinstance(value, (types.ModuleType, type)):
            return False
        return bool(super().is_safe_attribute(obj, attr, value))

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > MAX_EXPONENT:
            raise TemplateError(f"'** {right}' in a template: powers go up to {MAX_EXPONENT}")
        if operator == "*":
            for sequence, count in ((left, right), (right, left)):
                if (
                    isinstance(sequence, (str, list, tuple))
                    and isinstance(count, int)
                    and len(sequence) * count > MAX_SEQUENCE
                ):
                    raise TemplateError(
                        f"'*' in a template would make {len(sequence) * count:,} items; "
                        f"at most {MAX_SEQUENCE:,}"
                    )
        return super().call_binop(context, operator, left, right)


def render_bounded(template: jinja2.Template, context: dict[str, Any]) -> str:
    """The template's output, stopped once it passes ``MAX_HTML_CHARS``."""
    parts: list[str] = []
    size = 0
    for chunk in template.generate(context):
        size += len(chunk)
        if size > MAX_HTML_CHARS:
            raise TemplateError(
                f"the template writes more than {MAX_HTML_CHARS:,} characters of HTML for one "
                "output; look for a loop that never ends or repeats far too often"
            )
        parts.append(chunk)
    return "".join(parts)


MAX_HTML_DEPTH = 100  # WeasyPrint's layout runs out of Python stack at about 130
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)(?:\s[^>]*)?>|<!--.*?-->", re.S)
# Elements that never have content, so never a closing tag.
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
_RAW = frozenset({"script", "style"})
_SELF_ENDING = frozenset({"p", "li", "dt", "dd", "tr", "td", "th", "option"})
_SURROGATE = re.compile("[\ud800-\udfff]")
_STYLE_ATTRIBUTE = re.compile(r"""\sstyle\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)


def scan_html(html: str) -> tuple[int, list[str]]:
    """How deeply elements nest in ``html`` (counting stops past ``MAX_HTML_DEPTH``), and the
    CSS in its <style> elements and style attributes: one pass over the tags.

    Counted from the tags: a close tag ends the innermost open element of its name, and
    elements never closed count, as they nest in the browser too.
    """
    stack: list[str] = []
    styles: list[str] = []
    deepest = 0
    raw, raw_start = "", 0
    for match in _TAG.finditer(html):
        closing, name = match[1], (match[2] or "").lower()
        if not name:
            continue  # a comment
        if raw:
            if closing and name == raw:
                if raw == "style":
                    styles.append(html[raw_start : match.start()])
                raw = ""
                stack.pop()
            continue
        if closing:
            if name in stack:
                while stack.pop() != name:
                    pass
            continue
        if "style" in match[0]:
            styles += [a or b for a, b in _STYLE_ATTRIBUTE.findall(match[0])]
        if name in _VOID or match[0].endswith("/>"):
            continue
        if name in _SELF_ENDING and stack and stack[-1] == name:
            stack.pop()  # a second <p> or <li> ends the first, as browsers read it
        stack.append(name)
        deepest = max(deepest, len(stack))
        if deepest > MAX_HTML_DEPTH:
            break  # deep enough to refuse; the rest need not be counted
        if name in _RAW:
            raw, raw_start = name, match.end()
    return deepest, styles


def check_html(html: str) -> None:
    """Refuse HTML nested deeper than the layout can take, or with CSS that would break it,
    before the layout tries."""
    surrogate = _SURROGATE.search(html)
    if surrogate:
        raise TemplateError(
            f"the HTML holds U+{ord(surrogate[0]):04X}, half of a character, which cannot be "
            "printed; look for it in the data or the template (e.g. a \\ud800 escape in JSON)"
        )
    depth, styles = scan_html(html)
    if depth > MAX_HTML_DEPTH:
        raise TemplateError(
            f"the HTML is nested {depth} elements deep; at most {MAX_HTML_DEPTH} can be laid "
            "out. Look for a template loop or include that opens elements without closing them"
        )
    for style in styles:
        problem = css_problem(style)
        if problem:
            raise TemplateError(f"the template's CSS has {problem}; correct it")
