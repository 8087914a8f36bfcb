"""Command-line interface: thin commands that parse, call the core and render."""
