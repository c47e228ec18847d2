"""`sanwu backup FILE` and `sanwu restore FILE`: the database, the uploaded files and the keys in one
file, encrypted with a passphrase.

What the file holds: a tar stream of `sanwu-backup.json` (what, when, which database, counts), `keys/`
(the secret key, and any other key file kept in the var directory: `*_key`, `*.key`), the database
(`database.sqlite3`, made with SQLite's online backup API, or `database.pgdump`, pg_dump's custom
format) and `media/` (the uploaded files). Both database copies are safe while the server runs:
SQLite's backup reads one consistent snapshot beside the writers (WAL), pg_dump one transaction.

How it is encrypted, in chunks so that memory stays bounded whatever the size of the database:

    b"SANWU-BACKUP\\n" | 1 byte format version | 4 bytes length | JSON header (scrypt n, r, p, salt,
    nonce prefix, chunk size) | 4 bytes length | key check | then chunks, each 4 bytes length + AES-256-GCM

The key is scrypt(passphrase, salt). Chunk i is sealed with the nonce prefix (7 bytes) + i (4 bytes) +
1 byte that is 1 only on the last chunk, and the header as associated data (the STREAM construction):
a chunk changed, moved, dropped or added, a cut-off file or a changed header all fail to open. The key
check (a constant sealed with a nonce no chunk uses) tells a wrong passphrase from a damaged file.
"""

import datetime as dt
import io
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from django.conf import settings
from django.db import connection, connections

from . import crypto
from .errors import Invalid, Problem

MAGIC = b"SANWU-BACKUP\n"
FORMAT = 1
CHUNK = 1 << 20
SCRYPT = {"n": 1 << 15, "r": 8, "p": 1}
MIN_PASSPHRASE = 8
MANIFEST = "sanwu-backup.json"
_CHECK_PLAIN = b"sanwu backup key check"
_CHECK_COUNTER = b"\xff\xff\xff\xff\x02"
PASSPHRASE_ENV = "SANWU_BACKUP_PASSPHRASE"


def _invalid(message: str, path=None) -> Invalid:
    return Invalid(Problem(message, file=str(path) if path else None))


# --- the passphrase ------------------------------------------------------------------------------


def passphrase(path: str | None) -> str:
    """From `--passphrase-file` (its first line) or SANWU_BACKUP_PASSPHRASE; refused without one."""
    if path:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise _invalid(f"读不了口令文件：{exc.strerror}", path) from None
        value = text.splitlines()[0] if text.strip() else ""
    else:
        value = os.environ.get(PASSPHRASE_ENV, "")
    if not value:
        raise _invalid(f"需要口令：用 --passphrase-file 文件 或环境变量 {PASSPHRASE_ENV} 给出（备份含密钥，不能不加密）")
    if len(value) < MIN_PASSPHRASE:
        raise _invalid(f"口令太短：至少 {MIN_PASSPHRASE} 个字符")
    return value


def _key(phrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(phrase.encode("utf-8"))


# --- the encrypted stream --------------------------------------------------------------------------


class _Sealer(io.RawIOBase):
    """A write-only file: what tarfile writes is sealed chunk by chunk into `out`."""

    def __init__(self, out, phrase: str):
        salt, self.prefix = secrets.token_bytes(16), secrets.token_bytes(7)
        header = json.dumps({"kdf": "scrypt", **SCRYPT, "salt": salt.hex(), "nonce": self.prefix.hex(), "chunk": CHUNK}).encode()
        self.aad = MAGIC + bytes([FORMAT]) + len(header).to_bytes(4, "big") + header
        self.aead = AESGCM(_key(phrase, salt, **SCRYPT))
        check = self.aead.encrypt(self.prefix + _CHECK_COUNTER, _CHECK_PLAIN, self.aad)
        self.out = out
        out.write(self.aad + len(check).to_bytes(4, "big") + check)
        self.buf = bytearray()
        self.counter = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.buf += data
        while len(self.buf) > CHUNK:  # always keep something back for the last chunk
            self._seal(bytes(self.buf[:CHUNK]), last=False)
            del self.buf[:CHUNK]
        return len(data)

    def _seal(self, plain: bytes, last: bool) -> None:
        nonce = self.prefix + self.counter.to_bytes(4, "big") + (b"\x01" if last else b"\x00")
        sealed = self.aead.encrypt(nonce, plain, self.aad)
        self.out.write(len(sealed).to_bytes(4, "big") + sealed)
        self.counter += 1

    def finish(self) -> None:
        self._seal(bytes(self.buf), last=True)
        self.buf.clear()


class _Opener(io.RawIOBase):
    """A read-only file over an encrypted backup: the plain tar stream, each chunk checked."""

    def __init__(self, src, phrase: str, path):
        self.src, self.path = src, path
        if src.read(len(MAGIC)) != MAGIC:
            raise _invalid("这不是 Sanwu 的备份文件（文件头不对）", path)
        version = src.read(1)
        if version != bytes([FORMAT]):
            raise _invalid(f"备份文件的格式版本 {version[0] if version else '?'} 不认识（本程序认 {FORMAT}）", path)
        size = src.read(4)
        header_bytes = src.read(int.from_bytes(size, "big")) if len(size) == 4 else b""
        try:
            header = json.loads(header_bytes)
            salt, self.prefix = bytes.fromhex(header["salt"]), bytes.fromhex(header["nonce"])
            self.aad = MAGIC + version + size + header_bytes
            self.aead = AESGCM(_key(phrase, salt, int(header["n"]), int(header["r"]), int(header["p"])))
        except (ValueError, KeyError, TypeError):
            raise _invalid("备份文件已损坏（文件头读不出来）", path) from None
        check = self._frame()
        try:
            ok = check is not None and self.aead.decrypt(self.prefix + _CHECK_COUNTER, check, self.aad) == _CHECK_PLAIN
        except InvalidTag:
            ok = False
        if not ok:
            raise _invalid("口令不对：用这个口令打不开备份（或文件头已损坏）", path)
        self.counter = 0
        self.next = self._frame()
        self.plain = b""
        self.done = False

    def _frame(self) -> bytes | None:
        size = self.src.read(4)
        if not size:
            return None
        if len(size) < 4:
            raise _invalid("备份文件不完整（末尾被截断）", self.path)
        data = self.src.read(int.from_bytes(size, "big"))
        if len(data) < int.from_bytes(size, "big"):
            raise _invalid("备份文件不完整（末尾被截断）", self.path)
        return data

    def readable(self) -> bool:
        return True

    def _open_next(self) -> None:
        sealed = self.next
        if sealed is None:
            raise _invalid(f"备份文件不完整（在第 {self.counter + 1} 块处中断）", self.path)
        self.next = self._frame()
        last = self.next is None
        nonce = self.prefix + self.counter.to_bytes(4, "big") + (b"\x01" if last else b"\x00")
        try:
            self.plain = self.aead.decrypt(nonce, sealed, self.aad)
        except InvalidTag:
            cut = "，也可能是文件被截断" if last else ""
            raise _invalid(f"备份文件已损坏（第 {self.counter + 1} 块校验不通过{cut}）", self.path) from None
        self.counter += 1
        self.done = last

    def readinto(self, b) -> int:
        while not self.plain and not self.done:
            self._open_next()
        n = min(len(b), len(self.plain))
        b[:n] = self.plain[:n]
        self.plain = self.plain[n:]
        return n


# --- the database -----------------------------------------------------------------------------------


def _engine() -> str:
    return "sqlite" if connection.vendor == "sqlite" else "postgresql"


def _pg_env() -> dict:
    s = connection.settings_dict
    env = {**os.environ, "PGDATABASE": s["NAME"], "PGUSER": s.get("USER") or "", "PGHOST": s.get("HOST") or "", "PGPORT": str(s.get("PORT") or "")}
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = s["PASSWORD"]
    return {k: v for k, v in env.items() if v != ""}


def _pg(tool: str, args: list[str]) -> None:
    if shutil.which(tool) is None:
        raise _invalid(f"找不到 {tool}：请安装 PostgreSQL 客户端（Debian：apt-get install postgresql-client-15）")
    proc = subprocess.run([tool, *args], env=_pg_env(), capture_output=True, text=True)
    if proc.returncode != 0:
        raise _invalid(f"{tool} 失败（退出码 {proc.returncode}）：{proc.stderr.strip()[-500:]}")


def _dump_database(target: Path) -> None:
    if _engine() == "sqlite":
        connection.ensure_connection()
        dest = sqlite3.connect(target)
        try:
            connection.connection.backup(dest)  # one consistent snapshot; writers go on (WAL)
        finally:
            dest.close()
    else:
        _pg("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", f"--file={target}"])


def _load_database(source: Path) -> None:
    connections.close_all()
    if _engine() == "sqlite":
        src, dest = sqlite3.connect(source), sqlite3.connect(connection.settings_dict["NAME"], timeout=20)
        try:
            src.backup(dest)  # page by page into the configured file, under SQLite's own locks
        finally:
            src.close()
            dest.close()
    else:
        _pg("pg_restore", ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error", f"--dbname={connection.settings_dict['NAME']}", str(source)])
    connections.close_all()


COUNTED = {"regions_region": "区划", "auth_user": "用户", "ledger_book": "账套", "ledger_voucher": "凭证"}


def database_counts() -> dict[str, int]:
    """Rows of the tables that say whether a database holds anything (absent tables: 0)."""
    tables = set(connection.introspection.table_names())
    out = {}
    with connection.cursor() as cursor:
        for table in COUNTED:
            if table in tables:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
                out[table] = cursor.fetchone()[0]
            else:
                out[table] = 0
    return out


def _describe(counts: dict[str, int]) -> str:
    return "、".join(f"{counts[t]} 个{label}" if label in ("区划", "用户", "账套") else f"{counts[t]} 张{label}" for t, label in COUNTED.items() if counts.get(t))


# --- files -----------------------------------------------------------------------------------------


PII_KEY_NAME = "pii.key"


def _key_files() -> dict[str, bytes]:
    """The secret key in force, and every other key file kept in the var directory."""
    keys = {"secret_key": settings.SECRET_KEY.encode()}
    pii = Path(settings.SANWU_PII_KEY_FILE)
    if pii.is_file():  # the keys of the ID numbers encrypted at rest (core.crypto), wherever kept
        keys[PII_KEY_NAME] = pii.read_bytes()
    var = Path(settings.VAR_DIR)
    for path in sorted(var.iterdir()) if var.is_dir() else []:
        if path.is_file() and path.name not in keys and path != pii and (path.name.endswith("_key") or path.name.endswith(".key")):
            keys[path.name] = path.read_bytes()
    return keys


def _media_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()) if root.is_dir() else []


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes, mode: int = 0o600) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), mode, int(dt.datetime.now().timestamp())
    tar.addfile(info, io.BytesIO(data))


@dataclass(frozen=True)
class Summary:
    path: Path
    engine: str
    counts: dict
    media_files: int
    keys: list[str]
    size: int = 0

    def __str__(self) -> str:
        db = "SQLite" if self.engine == "sqlite" else "PostgreSQL"
        return f"数据库（{db}：{_describe(self.counts) or '空'}）、上传文件 {self.media_files} 个、密钥 {len(self.keys)} 个"


# --- backup and restore -----------------------------------------------------------------------------


def backup(path: str | Path, phrase: str) -> Summary:
    """Write the encrypted backup to `path` (first to `path.part`, renamed when complete)."""
    path = Path(path).resolve()
    if path.is_dir():
        raise _invalid("这是一个目录：请给出备份文件名", path)
    path.parent.mkdir(parents=True, exist_ok=True)
    media = Path(settings.MEDIA_ROOT)
    keys = _key_files()
    counts = database_counts()
    part = path.with_name(path.name + ".part")
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".sanwu-backup-") as tmp:
        db_name = "database.sqlite3" if _engine() == "sqlite" else "database.pgdump"
        db_file = Path(tmp) / db_name
        _dump_database(db_file)
        files = _media_files(media)
        manifest = {
            "format": FORMAT, "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "engine": _engine(),
            "database": db_name, "counts": counts, "media_files": len(files), "keys": sorted(keys),
        }
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as out:
                sealer = _Sealer(out, phrase)
                with tarfile.open(fileobj=sealer, mode="w|", format=tarfile.PAX_FORMAT) as tar:
                    _add_bytes(tar, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode())
                    for name, data in keys.items():
                        _add_bytes(tar, f"keys/{name}", data)
                    tar.add(db_file, arcname=db_name, recursive=False)
                    for f in files:
                        tar.add(f, arcname="media/" + f.relative_to(media).as_posix(), recursive=False)
                sealer.finish()
                out.flush()
                os.fsync(out.fileno())
            os.replace(part, path)
        except BaseException:
            part.unlink(missing_ok=True)
            raise
    return Summary(path, _engine(), counts, len(files), sorted(keys), path.stat().st_size)


def target_problems() -> list[str]:
    """Why the configured place is not empty (nothing: a restore may go there)."""
    out = []
    counts = database_counts()
    if any(counts.values()):
        out.append(f"目标数据库不是空的（{_describe(counts)}）")
    files = _media_files(Path(settings.MEDIA_ROOT))
    if files:
        out.append(f"上传文件目录 {settings.MEDIA_ROOT} 不是空的（{len(files)} 个文件）")
    return out


def restore(path: str | Path, phrase: str, force: bool = False) -> Summary:
    """Restore a backup into the configured database, MEDIA_ROOT and var directory. Refuses a
    place that holds anything unless `force`; everything is opened and checked before anything
    is replaced."""
    path = Path(path).resolve()
    if not path.is_file():
        raise _invalid("找不到备份文件", path)
    var, media = Path(settings.VAR_DIR), Path(settings.MEDIA_ROOT)
    with open(path, "rb") as src:
        opener = _Opener(src, phrase, path)  # a wrong passphrase stops here
        problems = target_problems()
        if problems and not force:
            raise _invalid("；".join(problems) + "。恢复会覆盖它们；确认要覆盖时加 --force")
        var.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=var, prefix=".sanwu-restore-") as tmp:
            staged = Path(tmp)
            try:
                with tarfile.open(fileobj=io.BufferedReader(opener, CHUNK), mode="r|") as tar:
                    tar.extractall(staged, filter="data")
            except tarfile.TarError as exc:
                raise _invalid(f"备份文件已损坏（内容读不出来：{exc}）", path) from None
            try:
                manifest = json.loads((staged / MANIFEST).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                raise _invalid("备份文件里没有说明（sanwu-backup.json）", path) from None
            if manifest.get("engine") != _engine():
                have = "SQLite" if _engine() == "sqlite" else "PostgreSQL"
                raise _invalid(f"备份来自 {manifest.get('engine')}，当前数据库是 {have}：不能跨数据库恢复", path)
            db_file = staged / manifest["database"]
            if not db_file.is_file():
                raise _invalid("备份文件里没有数据库", path)
            _load_database(db_file)
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            if media.exists():
                if _media_files(media):
                    media.rename(media.with_name(f"{media.name}.before-restore-{stamp}"))
                else:
                    shutil.rmtree(media)
            media.parent.mkdir(parents=True, exist_ok=True)
            if (staged / "media").is_dir():
                (staged / "media").rename(media)
            else:
                media.mkdir()
            keys = sorted(p.name for p in (staged / "keys").iterdir()) if (staged / "keys").is_dir() else []
            for name in keys:
                target = Path(settings.SANWU_PII_KEY_FILE) if name == PII_KEY_NAME else var / name
                data = (staged / "keys" / name).read_bytes()
                if problems and target.exists() and target.read_bytes() != data:  # forced: keep the old one aside
                    target.rename(target.with_name(f"{name}.before-restore-{stamp}"))
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
    crypto.forget_keys()
    return Summary(path, _engine(), database_counts(), len(_media_files(media)), keys)
