"""Channels: the ways cases arrive and leave besides the HTTP faces (email)."""
