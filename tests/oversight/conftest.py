import pytest

from tests.ledger.conftest import book, other_book, post_journal  # noqa: F401  (fixtures shared with the ledger tests)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
