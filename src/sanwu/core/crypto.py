"""Personal data at rest: ID numbers (and, when they come, bank account numbers) are stored
encrypted, with keys kept apart from the database, and found by a keyed hash.

Keys live in a key file (`SANWU_PII_KEY_FILE`, default `var/pii.key`, mode 600, never
committed, never in the database), created on first use:

    {"hash_key": "…", "keys": ["<current Fernet key>", "<older key>", …]}

`encrypt` uses the first key; `decrypt` tries each (cryptography's MultiFernet), so rotation is:
put a new key first, re-encrypt every row (`sanwu keys rotate` does both in one transaction),
then drop the old key. The lookup hash is HMAC-SHA256 under `hash_key`, which rotation keeps, so
a unique index on it still finds a person by ID number without decrypting anything."""

import hashlib
import hmac
import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

from .errors import Invalid


def key_file() -> Path:
    return Path(settings.SANWU_PII_KEY_FILE)


def _write_temp(path: Path, data: dict) -> str:
    """The data in a fresh private file beside `path` (its own name, so writers never share one)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(data, fh)
        fh.flush()
        os.fsync(fh.fileno())
    return tmp


def _write(path: Path, data: dict) -> None:
    tmp = _write_temp(path, data)
    os.replace(tmp, path)


def _create(path: Path) -> None:
    """The first key file, made whole before it has its name; when two processes start at once
    (server workers, test workers) the first link wins and the other reads the winner's keys."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _write_temp(path, {"hash_key": Fernet.generate_key().decode(), "keys": [Fernet.generate_key().decode()]})
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(tmp)


def _read() -> dict:
    path = key_file()
    if not path.exists():
        _create(path)
    try:
        data = json.loads(path.read_text())
        if not data.get("keys") or not data.get("hash_key"):
            raise ValueError
    except ValueError:
        raise Invalid(f"个人信息密钥文件「{path}」已损坏") from None
    return data


@lru_cache(maxsize=1)
def _keys() -> tuple[MultiFernet, bytes]:
    data = _read()
    return MultiFernet([Fernet(k.encode()) for k in data["keys"]]), data["hash_key"].encode()


def forget_keys() -> None:
    """Drop the cached keys (after a rotation, or in tests that switch key files)."""
    _keys.cache_clear()


def encrypt(text: str) -> str:
    return _keys()[0].encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _keys()[0].decrypt(token.encode()).decode()
    except InvalidToken:
        raise Invalid("个人信息无法解密：密钥文件与数据库不匹配") from None


def lookup_hash(text: str) -> str:
    """The keyed hash an encrypted value is found by (equal texts, equal hashes)."""
    return hmac.new(_keys()[1], text.encode(), hashlib.sha256).hexdigest()


def add_key() -> None:
    """Put a new current key in front of the old ones (the old still decrypt)."""
    data = _read()
    data["keys"].insert(0, Fernet.generate_key().decode())
    _write(key_file(), data)
    forget_keys()


def drop_old_keys() -> int:
    """Keep only the current key; returns how many were dropped. Only after every row is re-encrypted."""
    data = _read()
    dropped = len(data["keys"]) - 1
    data["keys"] = data["keys"][:1]
    _write(key_file(), data)
    forget_keys()
    return dropped


def key_count() -> int:
    return len(_read()["keys"])


def reencrypt(token: str) -> str:
    """The same value under the current key."""
    return _keys()[0].rotate(token.encode()).decode()
