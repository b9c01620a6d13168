"""Importing a customer's claim history from files (checked row by row by claims.history)."""
