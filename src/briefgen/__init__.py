"""briefgen: research writing with verified quotes."""

__version__ = "0.1.0"
