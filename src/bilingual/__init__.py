"""bilingual: Danish-English translation, sentence alignment and review."""

__version__ = "0.1.0"
