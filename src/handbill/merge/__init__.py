"""Mail merge: one copy of a material per row of a supporters' table, as one PDF (and split
files), with the shared-layout speed-up. May import ``handbill.build`` and the stages below;
not ``handbill.check``.
"""
