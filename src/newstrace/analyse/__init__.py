"""Analysis of article text."""
