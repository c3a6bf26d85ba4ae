"""Addresses written out in content become links: web addresses, www. and email addresses."""

from __future__ import annotations

from markupsafe import Markup

from handbill.render.autolink import autolink, href_for


def test_web_and_email_addresses_in_text_become_links() -> None:
    html = Markup(
        "<p>See https://example.org/case?a=1&amp;b=2. Or www.example.net, "
        "or write to <strong>desk@example.org</strong>.</p>"
    )
    assert autolink(html) == (
        '<p>See <a href="https://example.org/case?a=1&amp;b=2">https://example.org/case?a=1'
        '&amp;b=2</a>. Or <a href="https://www.example.net">www.example.net</a>, or write to '
        '<strong><a href="mailto:desk@example.org">desk@example.org</a></strong>.</p>'
    )


def test_existing_links_and_plain_text_are_left_as_they_are() -> None:
    html = Markup('<p><a href="https://a.example">https://a.example</a> don&#39;t @handle</p>')
    assert autolink(html) == html


def test_text_that_is_not_markup_is_escaped_before_linking() -> None:
    assert autolink("<b>x@example.org</b>") == (
        '&lt;b&gt;<a href="mailto:x@example.org">x@example.org</a>&lt;/b&gt;'
    )


def test_link_targets() -> None:
    assert href_for("press@example.org") == "mailto:press@example.org"
    assert href_for("www.example.org/a") == "https://www.example.org/a"
    assert href_for("http://example.org") == "http://example.org"
