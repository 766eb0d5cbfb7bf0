"""Statements stage: sentences of a document with the figures, dates and actors the rules compare."""
