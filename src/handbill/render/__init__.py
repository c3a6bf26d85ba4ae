"""Render a material to HTML: sandboxed Jinja templates, QR codes, letters, editable copies.

Takes a loaded ``Kit`` and gives final HTML (``RenderedHTML``) and the .docx/.txt copies; no
layout happens here. May import ``handbill.kit`` (and the errors and limits below it) only.
"""
