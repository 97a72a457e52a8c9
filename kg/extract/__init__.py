"""``kg extract``: draft the facts of a new source text for review.

Rule-based extraction for Chinese speeches and reports of political-legal
organs. Every candidate carries its exact quote and code-point offsets; the
draft uses the project vocabulary and marks every node ``zf:reviewStatus zf:Draft``.
"""

from __future__ import annotations

from kg.extract.extractor import extract, extract_text
from kg.extract.knowledge import Knowledge
from kg.extract.model import KINDS, Candidate, Draft
from kg.extract.text import DEFAULT_MAX_CHARS, read_source

__all__ = ["DEFAULT_MAX_CHARS", "KINDS", "Candidate", "Draft", "Knowledge", "extract", "extract_text", "read_source"]
