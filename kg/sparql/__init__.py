"""SPARQL helpers behind ``kg query``: lexical scanning, safety checks, terms, formats, the timed worker.

The public API is :mod:`kg.query`; these modules are its parts.
"""
