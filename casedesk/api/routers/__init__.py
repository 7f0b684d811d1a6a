"""Routers of the native API. Each translates HTTP to one service call and back."""
