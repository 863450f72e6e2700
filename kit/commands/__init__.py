"""CLI command groups, one module each; see :mod:`kit.cli`."""
