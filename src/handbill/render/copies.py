"""What a material's editable copies hold, in the order its PDF prints it, for each template."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from markupsafe import Markup

from handbill.kit.fields import WORDS_PER_MINUTE, speech_length, split_sections
from handbill.kit.material import Material
from handbill.kit.pressoffice import PressOffice
from handbill.render.autolink import autolink
from handbill.render.exporters import Block, blocks_of

# The stock templates whose copies are not "title, then content" (see copy_of).
LETTER, RELEASE, SPEECH = "letter", "press-release", "speech"
NOTES = ("notes to editors", "notes for editors")


@dataclass(frozen=True)
class Copy:
    """An editable copy's heading line ("" for none) and its blocks, as the PDF orders them."""

    title: str
    blocks: list[Block]


@dataclass(frozen=True)
class Timing:
    """A speech's running times, as its PDF prints them: the whole, and each section's."""

    total: str  # "Speaking time: about 5 minutes at 130 words a minute"
    sections: dict[str, str]  # section title -> "about 40 seconds"


def speech_timing(content_html: str) -> Timing:
    """The running times of a speech's content, as the speech template works them out."""
    sections = split_sections(content_html)
    seconds = sum(section.seconds for section in sections)
    # The whole as the PDF says it (templates/speech.html, the speaking_time filter).
    return Timing(
        f"Speaking time: {speech_length(seconds)} at {WORDS_PER_MINUTE} words a minute",
        {section.title: f"about {section.duration}" for section in sections if section.title},
    )


def _timed(blocks: list[Block], timing: Timing) -> list[Block]:
    """Each level-2 heading followed by its section's running time, as in the PDF."""
    timed = []
    for block in blocks:
        duration = timing.sections.get(block.text) if block.kind == "heading" else None
        if duration and block.level == 2:
            block = Block("heading", 2, [*block.runs, (f" ({duration})", False, False)])
        timed.append(block)
    return timed


def _line(text: str, bold: bool = False, italic: bool = False) -> Block:
    return Block("paragraph", runs=[(text, bold, italic)])


def copy_of(
    material: Material, content_html: str, press: PressOffice, addresses: Sequence[str] = ()
) -> Copy:
    """The copy of ``material`` whose filled-in content is ``content_html``; ``addresses``
    are the web addresses its QR codes lead to.

    A letter is pasted into an email as it is: it starts with its salutation, no title (its
    PDF prints none either; the addresses and date are the PDF's, the email has its own). A
    press release is laid out as newsrooms receive one by email (see ``_release``). Any
    other material, a speech included, gives its title, subtitle and content; a speech adds
    the running times its PDF prints, which the speaker times cuts by.
    """
    if material.template == LETTER:
        # The remark under the sender's address ("not for publication") travels with it.
        remark = material.vars.get("sender_remark")
        extra = [_line(remark.strip())] if isinstance(remark, str) and remark.strip() else []
        return Copy("", blocks_of(content_html) + extra)
    if material.template == RELEASE:
        return Copy(material.title, _release(material, content_html, press, addresses))
    blocks = [_line(material.subtitle, italic=True)] if material.subtitle else []
    content = blocks_of(content_html)
    if material.template == SPEECH:
        timing = speech_timing(content_html)
        blocks.append(_line(timing.total, bold=True))
        content = _timed(content, timing)
    return Copy(material.title, blocks + content)


def _release(
    material: Material, content_html: str, press: PressOffice, addresses: Sequence[str]
) -> list[Block]:
    """A press release after its headline: the embargo line and date, the standfirst, the
    main text, each quote with its speaker, ENDS, the notes to editors and the media contact,
    with every address written out in full, as the PDF prints them."""
    variables = material.vars
    blocks = [
        _line(str(variables.get("embargo") or "FOR IMMEDIATE RELEASE"), bold=True),
        _line(str(variables.get("date") or "[date]")),
    ]
    standfirst = material.subtitle or str(variables.get("standfirst", ""))
    if standfirst:
        blocks.append(_line(standfirst, bold=True))
    # Addresses linked as in the PDF, to be written out in full. The content's HTML is
    # Markdown's, with raw HTML off: already safe.
    sections = split_sections(str(autolink(Markup(content_html))))  # nosec B704
    for section in sections:
        if section.title.lower() in ("quotes", *NOTES):
            continue
        if section.title:
            blocks.append(Block("heading", 2, [(section.title, False, False)]))
        blocks += blocks_of(section.html)
    speakers = iter(press.spokespeople)
    for section in sections:
        if section.title.lower() != "quotes":
            continue
        for quote in blocks_of(section.html):
            # In italics, and the speaker in bold, as the PDF's pull quotes (in the .docx).
            blocks.append(replace(quote, runs=[(text, bold, True) for text, bold, _ in quote.runs]))
            if variables.get("credit_quotes", True) and quote.kind == "paragraph":
                speaker = next(speakers, "[add a spokesperson under [press] spokespeople]")
                blocks.append(_line(f"\u2014 {speaker}", bold=True))
    blocks.append(_line("ENDS", bold=True))
    for section in sections:
        if section.title.lower() in NOTES:
            blocks.append(Block("heading", 2, [(section.title, False, False)]))
            blocks += blocks_of(section.html)
    blocks.append(
        Block(
            "heading", 2, [(str(variables.get("contact_heading", "Media contact")), False, False)]
        )
    )
    for key, own, label in (
        ("contact_name", press.contact_name, "Name"),
        ("contact_email", press.email, "Email"),
        ("contact_phone", press.phone, "Phone"),
    ):
        value = str(variables.get(key) or own).strip()
        # As the PDF: a detail missing from [press] says what to add, never a blank to fill.
        missing = "contact_name" if key == "contact_name" else key.removeprefix("contact_")
        blocks.append(_line(f"{label}: {value or f'[add {missing} under [press]]'}"))
    # The contact box's QR codes, as the addresses they lead to.
    blocks += [_line(f"Online: {address}") for address in addresses]
    return blocks
