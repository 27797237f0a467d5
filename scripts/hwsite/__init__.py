"""Shared, importable logic of the site's tools and build hooks (one implementation each)."""
