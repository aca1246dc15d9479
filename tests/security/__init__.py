"""Regression tests for issue 9: each attack a hostile contributor tried, refused."""
