"""The ``educonnect`` command line. It reaches adapters through the plugin
manager only (never by importing them), like any embedding application."""
