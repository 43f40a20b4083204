"""Pure domain rules: no Qt, no I/O. Shared by service, simulator, client and GUI."""
