"""The kit's version, in a module of its own so that ``kitlib.environment`` reads it without importing ``kitlib``.

Example:
    >>> from kitlib.version import __version__
    >>> __version__.count(".")
    2
"""
__version__ = "0.1.0"
