"""The cooperative's pages, one module per topic."""
