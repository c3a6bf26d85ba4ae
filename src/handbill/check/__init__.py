"""The preflight (``handbill check``): findings on the real PDFs (pages, QR codes, fonts,
imprint, contrast, overflow, boxes). May import ``handbill.build`` (to build stale outputs
first) and the stages below; not ``handbill.merge``.
"""
