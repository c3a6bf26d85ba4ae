"""Load and validate a kit: handbill.toml, materials, data, fonts, and the kit boundary.

Owns every read of a kit's files (``boundary``: inside the kit, ordinary files, size caps) and
turns them into checked values (``Kit``, ``Config``, ``Material``). The first stage of the
pipeline: it may import only ``handbill.errors`` and ``handbill.guard``, never a later stage.
"""
