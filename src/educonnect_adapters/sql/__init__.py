"""What the SQL stores (SQLite, PostgreSQL) share; registers no plugin.

An adapter imports the core and, where it is a SQL store, this package only.
"""
