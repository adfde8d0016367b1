"""The pure core: syntax, rules, formatting and edits. Imports neither pygls nor lsprotocol."""
