"""Browsing big clip lists: keyset pages, facet counts and the time histogram."""
