"""Publish built outputs: the download page (site), the live preview (serve), print-run packs
and new kits (scaffold). May import ``handbill.check``, ``handbill.merge``, ``handbill.build``
and every stage below.
"""
