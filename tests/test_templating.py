"""Templates: autoescaping on, undefined names are errors, content is never compiled."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import write
from handbill.errors import KitError, TemplateError
from handbill.kit.loader import load_kit, stock_dir
from handbill.render.templating import render_html


def render(kit_dir: Path, name: str = "sheet") -> str:
    kit = load_kit(kit_dir)
    return render_html(kit, kit.materials[name]).html


def test_content_html_and_template_syntax_stay_text(kit_dir: Path) -> None:
    write(
        kit_dir / "materials" / "sheet.md",
        """
        ---
        template: faq
        title: "<script>alert('title')</script>"
        subtitle: "<img src=x onerror=alert(1)>"
        ---
        <script>alert('body')</script> and <img src="file:///etc/passwd">

        {{ ''.__class__ }} {% raw %}x{% endraw %}
        """,
    )
    html = render(kit_dir)
    assert "<script>" not in html
    assert "<img src=x" not in html and '<img src="file' not in html
    # Still text, with the title's quotes made typographic.
    assert "&lt;script&gt;alert(\u2018title\u2019)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;script&gt;alert(‘body’)&lt;/script&gt;" in html
    # Markdown makes __class__ bold, but Jinja never sees it: no "<class 'str'>" appears.
    assert "{{ ‘’.<strong>class</strong> }} {% raw %}x{% endraw %}" in html
    assert "&lt;class" not in html and "<class" not in html


def test_vars_are_escaped(kit_dir: Path) -> None:
    text = (kit_dir / "materials" / "card.md").read_text().replace("Sign today", '"<b>bold</b>"')
    write(kit_dir / "materials" / "card.md", text)
    assert '<p class="slogan">&lt;b&gt;bold&lt;/b&gt;</p>' in render(kit_dir, "card")


def test_undefined_name_names_template_and_line(kit_dir: Path) -> None:
    write(
        kit_dir / "templates" / "card.html",
        '{% extends "_base.html" %}\n{% block body %}\n<p>{{ vars.slogna }}</p>\n{% endblock %}\n',
    )
    with pytest.raises(TemplateError) as info:
        render(kit_dir, "card")
    message = info.value.format_message()
    assert message == (
        "templates/card.html:3: 'slogna' is not defined for this material. Did you mean "
        f"'slogan'? Add it under vars: in {kit_dir / 'materials' / 'card.md'} (and to the "
        "template's vocabulary block, if it has one), or use {{ vars.slogna | default('') }}"
    )


def test_template_syntax_error(kit_dir: Path) -> None:
    write(kit_dir / "templates" / "card.html", "{% block body %}\n{{ material.title }\n")
    with pytest.raises(TemplateError, match=r"card.html:2: template syntax error"):
        render(kit_dir, "card")


def test_qr_needs_a_known_link_and_20mm(kit_dir: Path) -> None:
    write(kit_dir / "templates" / "card.html", "{{ qr('petiton') }}")
    with pytest.raises(TemplateError, match=r"qr\('petiton'\): no link named .*'petition'"):
        render(kit_dir, "card")
    write(kit_dir / "templates" / "card.html", "{{ qr('petition', '12mm') }}")
    with pytest.raises(TemplateError, match=r"12 mm wide; make it at least 20 mm"):
        render(kit_dir, "card")


def test_missing_asset(kit_dir: Path) -> None:
    write(kit_dir / "templates" / "card.html", "{{ asset('img/logo.svg') }}")
    with pytest.raises(TemplateError, match=r"asset 'img/logo.svg' not found; put it in .*assets/"):
        render(kit_dir, "card")


def test_kit_asset_overrides_stock(kit_dir: Path) -> None:
    write(kit_dir / "templates" / "card.html", "{{ asset('css/faq.css') }}")
    assert render(kit_dir, "card") == (stock_dir() / "assets" / "css" / "faq.css").as_uri()
    write(kit_dir / "assets" / "css" / "faq.css", "h1 { color: red }")
    assert render(kit_dir, "card") == (kit_dir / "assets" / "css" / "faq.css").as_uri()


def test_the_kits_own_css_comes_last_and_is_drawn(kit_dir: Path, tmp_path: Path) -> None:
    """assets/css/kit.css adds rules to the stock stylesheets, winning over them, without a
    copy of one; a kit without it links nothing more."""
    import subprocess
    import sys

    from pypdf import PdfReader

    assert "kit.css" not in render(kit_dir, "sheet")
    write(kit_dir / "assets" / "css" / "kit.css", "h1 { color: #00c000; }")
    html = render(kit_dir, "sheet")
    kit_css = (kit_dir / "assets" / "css" / "kit.css").as_uri()
    assert html.index(kit_css) > html.index("css/faq.css") > html.index("css/handbill.css")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "handbill", "build", "sheet", "--kit", str(kit_dir)]
    subprocess.run([*command, "--out", str(out), "-q"], check=True, timeout=120)
    content = PdfReader(out / "sheet.pdf").pages[0].get_contents()
    assert content is not None and b"0 0.752941 0 rg" in content.get_data()  # #00c000


def test_a_kit_css_linked_outside_the_kit_is_refused(kit_dir: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.css"
    outside.write_text("h1 { color: red }")
    (kit_dir / "assets" / "css").mkdir(parents=True)
    (kit_dir / "assets" / "css" / "kit.css").symlink_to(outside)
    with pytest.raises(KitError) as caught:
        load_kit(kit_dir)
    assert caught.value.format_message() == (
        f"{kit_dir / 'assets' / 'css' / 'kit.css'}: this is a link to a file outside the kit, "
        "which handbill does not read; copy the file into the kit folder instead of linking to it."
    )


def test_brand_and_paper_reach_the_page(kit_dir: Path) -> None:
    html = render(kit_dir, "card")
    assert "@page { size: 148mm 105mm; }" in html
    assert "--primary: #c00000;" in html
    assert 'lang="en-GB"' in html


def test_missing_data_column_names_the_table(kit_dir: Path) -> None:
    write(kit_dir / "data" / "events.csv", "date,title\n2030-01-02,Rally\n")
    write(kit_dir / "materials" / "card.md", "---\ntemplate: card\ntitle: T\nper: events\n---\n")
    write(kit_dir / "templates" / "card.html", "<h1>{{ row.title }}</h1><p>{{ row.venue }}</p>")
    kit = load_kit(kit_dir)
    with pytest.raises(TemplateError) as info:
        render_html(kit, kit.materials["card"], kit.data["events"][0], 1)
    assert info.value.format_message() == (
        "card: data/events.csv has no column 'venue' (row 1). Add the column to the file, "
        "or change the template (in card.html line 1)"
    )


def test_data_cells_values_and_field_labels_get_typographic_quotes(kit_dir: Path) -> None:
    write(
        kit_dir / "data" / "groups.csv",
        """
        id,group,place,contact,page
        stj,Don't Cut Us,St John's Hall,o'brien@example.org,https://example.org/st-john's
        """,
    )
    write(
        kit_dir / "templates" / "rows.html",
        """
        {% extends "_base.html" %}
        {% block body %}
        <p class="cell">{{ row.place }}</p>
        <p class="mail">{{ row.contact }}</p>
        <a class="link" href="{{ row.page }}">{{ row.page }}</a>
        {{ content }}
        {% endblock %}
        """,
    )
    write(
        kit_dir / "materials" / "rows.md",
        """
        ---
        template: rows
        title: Rows
        per: groups
        output: rows-{id}
        fields: {mp_name: "your MP's name"}
        ---
        Meet [[group]] at [[place]]; write to [[mp_name]] ([[contact]]).
        """,
    )
    kit = load_kit(kit_dir)
    material = kit.materials["rows"]
    assert material.fields == {"mp_name": "your MP\u2019s name"}
    html = render_html(kit, material, kit.data["groups"][0], 1).html
    assert '<p class="cell">St John\u2019s Hall</p>' in html
    assert 'data-field="group">Don\u2019t Cut Us</span>' in html
    assert 'data-field="place">St John\u2019s Hall</span>' in html
    assert '<span class="blank-label">your MP\u2019s name</span>' in html
    # Addresses keep their straight apostrophes, in text and in attributes.
    assert '<p class="mail">o&#39;brien@example.org</p>' in html
    assert 'data-field="contact">o&#39;brien@example.org</span>' in html
    assert 'href="https://example.org/st-john&#39;s"' in html


@pytest.mark.parametrize(
    ("use", "advice"),
    [
        (
            "{{ b.opening_hours }}",
            "no column 'opening_hours' (its columns: branch, hours); "
            "add the column or fix the name",
        ),
        (
            "{% if b.hour %}x{% endif %}",
            "no column 'hour' (its columns: branch, hours); "
            "add the column or fix the name (did you mean 'hours'?)",
        ),
    ],
)
def test_missing_column_of_a_data_table_names_the_table(
    kit_dir: Path, use: str, advice: str
) -> None:
    # The name is a row's key, so the table is at fault, not the material's vars.
    write(kit_dir / "data" / "branches.csv", "branch,hours\nCentral,9-5\nNorth,10-4\n")
    write(
        kit_dir / "templates" / "card.html",
        '{% extends "_base.html" %}\n{% block body %}\n{% for b in data.branches %}\n'
        f"<p>{{{{ b.branch }}}}</p>\n<p>{use}</p>\n{{% endfor %}}\n{{% endblock %}}\n",
    )
    with pytest.raises(TemplateError) as info:
        render(kit_dir, "card")
    assert info.value.format_message() == f"templates/card.html:5: data/branches.csv has {advice}"


def test_data_rows_still_read_as_mappings(kit_dir: Path) -> None:
    write(kit_dir / "data" / "branches.csv", "branch,hours\nCentral,9-5\n")
    write(
        kit_dir / "templates" / "card.html",
        "{% for b in data.branches %}[{{ b.get('phone', 'none') }}|{{ b['hours'] }}|"
        "{{ b.items() | list | length }}]{% endfor %}",
    )
    assert "[none|9-5|2]" in render(kit_dir, "card")
