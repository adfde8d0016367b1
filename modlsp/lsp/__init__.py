"""The LSP glue: pygls handlers that translate requests, call the core, convert results."""
