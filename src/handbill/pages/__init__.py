"""Page work on laid-out PDFs with pypdf: n-up and booklet imposition, poster tiles, crop
marks, bleed, greyscale, concatenation. May import ``handbill.engine`` (for the few pages it
lays out itself, such as tile labels) and the stages below it.
"""
