"""Importers for external catalogue exports."""
