"""modlsp: a language server and checker for Go modules."""

__version__ = "0.1.0"
