"""guidebot: a Chinese conversational assistant for government service guides."""

__version__ = "0.1.0"
