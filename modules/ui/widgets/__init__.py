"""Pieces of pages that more than one page shows, or that would make a page long."""
