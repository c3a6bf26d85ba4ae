"""Lay out HTML with WeasyPrint and write PDF bytes: the one seam around WeasyPrint.

Every use of WeasyPrint, public or private, lives in this package, and nowhere else
(import-linter checks it). Speed work on WeasyPrint's internals (remembered lines, parsed
stylesheets, C bindings from tables, QR drawing, shared fonts, shared merge layouts) is switched
on only for the WeasyPrint versions it was tested with: see ``handbill.engine.versions``.
May import ``handbill.render`` and ``handbill.kit``.
"""

from handbill.engine import bindings, deferred

# WeasyPrint's C bindings from cached tables, when it is first imported on a tested version
# (see bindings.py): every import of WeasyPrint goes through this package, so this runs first.
bindings.install()
# fontTools' subsetter and variable-font instancer imported when first used, not with WeasyPrint
# (see deferred.py).
deferred.install()
