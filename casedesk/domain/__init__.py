"""Pure business rules: no I/O, no framework imports, `now` always passed in."""
