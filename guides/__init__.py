"""The guide knowledge base: models, catalogue I/O, importers and search."""
