"""Frames for mining and the loaders that fill them.

``frames`` (pandera shapes) and ``triangle`` (loss triangles from long data) are pure: the estimators
take what they declare. ``loader`` (claims and customers), ``book`` (the book's paid and incurred
triangles) and ``series`` (monthly counts and payments) read the database with SQL.
"""
