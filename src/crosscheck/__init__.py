"""crosscheck: claim-by-claim agreement and contradiction across news articles."""

__version__ = "0.1.0"
