"""handbill: build offline, print-ready campaign materials from a kit of content and templates."""

from __future__ import annotations

__version__ = "0.1.0"
