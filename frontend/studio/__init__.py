"""Trellis Studio: the Reflex app. A client of the Trellis HTTP API only."""
