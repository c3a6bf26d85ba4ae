"""Build outputs: jobs through every stage, worker processes, the build cache, atomic writes
and the manifest. May import ``handbill.pages``, ``handbill.engine`` and the stages below.
"""
