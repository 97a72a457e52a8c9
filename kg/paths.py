"""Kept for modules not yet moved to :mod:`kg.project`, which now answers where data lives."""

from __future__ import annotations

from kg.project import PACKAGE_DIR, default_out_dir, default_store_path, ontology_dir, queries_dir, seeds_dir

__all__ = ["PACKAGE_DIR", "default_out_dir", "default_store_path", "ontology_dir", "queries_dir", "seeds_dir"]
