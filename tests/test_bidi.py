"""Right-to-left pages: Latin runs isolated and Urdu digits, over the whole page's HTML."""

from __future__ import annotations

from handbill.render.bidi import digits_for, isolate_page

URDU = "۰۱۲۳۴۵۶۷۸۹"


def test_template_words_get_isolated_but_not_styles_titles_or_isolated_runs() -> None:
    page = (
        '<html dir="rtl"><head><title>ACO</title><style>p { color: red }</style></head>'
        '<body class="x"><p class="cta">کہیں کہ ACO اور ICP معاہدوں</p>'
        '<p><bdi dir="ltr">NHS England</bdi> 24 <span dir="ltr">Leigh Day 2</span></p>'
        "<svg><text>QR</text></svg></body></html>"
    )
    done = isolate_page(page, digits_for("ur"))
    cta = 'کہیں کہ <bdi dir="ltr">ACO</bdi> اور <bdi dir="ltr">ICP</bdi> معاہدوں'
    assert f'<p class="cta">{cta}' in done
    assert "<title>ACO</title><style>p { color: red }</style>" in done
    assert '<bdi dir="ltr">NHS England</bdi> ۲۴ <span dir="ltr">Leigh Day 2</span>' in done
    assert "<svg><text>QR</text></svg>" in done


def test_digits_in_urdu_text_but_not_in_names() -> None:
    done = isolate_page("<body><p>سماعت 24 اپریل 2018؛ 999 Call for the NHS</p></body>", URDU)
    assert "سماعت ۲۴ اپریل ۲۰۱۸؛ " in done
    assert '<bdi dir="ltr">999\u00a0Call\u00a0for\u00a0the\u00a0NHS</bdi>' in done
    assert digits_for("ur-PK") == URDU and digits_for("ar") == "" and digits_for("cy") == ""
