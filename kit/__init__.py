"""canais-kit: configure, check and run ERP <-> online sales channel integrations."""

__version__ = "0.1.0"
__all__ = ["__version__"]
