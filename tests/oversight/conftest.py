from tests.ledger.conftest import book, other_book, post_journal  # noqa: F401  (fixtures shared with the ledger tests)
