"""Data shipped inside the installed package (see pyproject.toml package-dir)."""
