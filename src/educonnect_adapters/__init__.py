"""Adapters for educonnect: one subpackage per adapter, each depending on the core only."""
