"""The tests of stance; a package so that shared helpers import as ``tests.<module>``."""
