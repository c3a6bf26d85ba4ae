"""Lay out HTML with WeasyPrint and write PDF bytes: the one seam around WeasyPrint.

Every use of WeasyPrint, public or private, lives in this package, and nowhere else
(import-linter checks it). Speed work on WeasyPrint's internals (remembered lines, parsed
stylesheets, C bindings from tables, QR drawing, shared fonts, shared merge layouts) is switched
on only for the WeasyPrint versions it was tested with: see ``handbill.engine.versions``.
May import ``handbill.render`` and ``handbill.kit``.
"""
