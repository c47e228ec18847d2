"""Sanwu (三务): village books, collective-economy figures and Party-organisation work."""

__version__ = "0.1.0"
