"""The cooperative's forms."""
