"""Reliability, shown with real OS processes on committed data (SQLite and PostgreSQL alike):

- several processes posting to one book at once end with unique, gapless numbers per month, an
  intact hash chain, and kept totals equal to the entries;
- an import killed (SIGKILL) in the middle of its write leaves the book exactly as it was;
- a posted entry edited directly in the database (trigger dropped) is caught by `sanwu verify`,
  which exits 1 naming the voucher;
- a village accountant cannot see, post to or export another village's book through the CLI.
"""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections import defaultdict

import pytest
from django.db import connection
from django.db.models import Sum

from sanwu.ledger import services, triggers
from sanwu.ledger.models import Account, AccountMonth, Book, Entry, SourceMonth, Voucher
from sanwu.ledger.services.verify import verify_book

from tests.conftest import database_url

from .conftest import post_journal

pytestmark = pytest.mark.django_db(transaction=True)

SANWU = [sys.executable, "-m", "sanwu.cli"]


def child_env() -> dict:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "sanwu.settings", "DATABASE_URL": database_url()}


def sanwu(*args, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run([*SANWU, *map(str, args)], env=child_env(), capture_output=True, text=True, timeout=timeout)


def make_book(user_with_village, creator, code: str) -> Book:
    """A fresh 2023-chart book for the user's village (its own code, so demo books may coexist)."""
    village = user_with_village.role_assignments.get().region_id
    book = services.create_book(creator, code, village, "2023", start_date=dt.date(2025, 1, 1))
    services.confirm_opening(None, book)
    return book


@pytest.fixture
def live_book(demo_live) -> Book:
    return make_book(demo_live.accountant, demo_live.county, "REL-DX")


@pytest.fixture
def live_other_book(demo_live) -> Book:
    return make_book(demo_live.other_accountant, None, "REL-GH")


def snapshot(book: Book) -> dict:
    book.refresh_from_db()
    return {
        "vouchers": list(Voucher.objects.filter(book=book).order_by("id").values_list("id", "status", "number", "seq", "hash")),
        "entries": Entry.objects.filter(voucher__book=book).count(),
        "months": sorted(AccountMonth.objects.filter(book=book).values_list("account_id", "year", "month", "debit", "credit")),
        "sources": SourceMonth.objects.filter(book=book).count(),
        "head": (book.chain_head, book.posted_count),
    }


# --- concurrency ------------------------------------------------------------------------------

WORKER = r"""
import datetime as dt
import sys

import django

django.setup()
from django.contrib.auth import get_user_model

from sanwu.ledger import services
from sanwu.ledger.models import Book
from sanwu.ledger.services import EntryDraft, VoucherDraft

book_code, worker, count, mode = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
users = {u.username: u for u in get_user_model().objects.filter(username__in=["accountant_1", "township_1"])}
book = Book.objects.get(code=book_code)


def draft(i):
    amount = worker * 100_000 + i + 1  # fen, distinct for every voucher
    return VoucherDraft(
        date=dt.date(2025, i % 3 + 1, worker + 1),
        summary=f"进程{worker}第{i}张",
        entries=[EntryDraft("102", debit=amount, settlement="bank"), EntryDraft("501", credit=amount, source="pv")],
    )


print("ready", flush=True)
sys.stdin.readline()  # all workers start together
if mode == "one-by-one":  # make, submit, review and post each voucher
    for i in range(count):
        v = services.save_draft(users["accountant_1"], book, draft(i))
        services.submit(users["accountant_1"], v)
        services.review_and_post(users["township_1"], v)
else:  # batches of five through post_drafts
    for i in range(0, count, 5):
        services.post_drafts(users["township_1"], book, [draft(j) for j in range(i, min(i + 5, count))])
print("done", flush=True)
"""

WORKERS = 4
PER_WORKER = 30


def test_concurrent_posting_keeps_numbers_chain_and_totals(live_book):
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, live_book.code, str(w), str(PER_WORKER), "one-by-one" if w % 2 else "batch"],
            env=child_env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for w in range(WORKERS)
    ]
    try:
        for p in procs:
            assert p.stdout.readline().strip() == "ready", p.stderr.read()
        for p in procs:  # release them at once
            p.stdin.write("go\n")
            p.stdin.flush()
        results = [p.communicate(timeout=300) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    for p, (out, err) in zip(procs, results):
        assert p.returncode == 0, err
        assert out.strip() == "done"

    posted = list(Voucher.objects.filter(book=live_book, status="posted").values("year", "month", "number", "seq", "total"))
    assert len(posted) == WORKERS * PER_WORKER
    # Unique and gapless numbers in each month, and along the chain.
    by_month = defaultdict(list)
    for v in posted:
        by_month[(v["year"], v["month"])].append(v["number"])
    assert set(by_month) == {(2025, 1), (2025, 2), (2025, 3)}
    for numbers in by_month.values():
        assert sorted(numbers) == list(range(1, len(numbers) + 1))
    assert sorted(v["seq"] for v in posted) == list(range(1, WORKERS * PER_WORKER + 1))
    # The chain is intact and the kept totals equal the entries (verify checks both).
    check = verify_book(live_book)
    assert check.ok, check.problems
    assert check.vouchers == WORKERS * PER_WORKER
    # Totals equal what the workers posted, to the fen.
    expected = sum(w * 100_000 + i + 1 for w in range(WORKERS) for i in range(PER_WORKER))
    bank = Account.objects.get(book=live_book, code="102")
    income = Account.objects.get(book=live_book, code="501")
    assert AccountMonth.objects.filter(book=live_book, account=bank).aggregate(d=Sum("debit"))["d"] == expected
    assert AccountMonth.objects.filter(book=live_book, account=income).aggregate(c=Sum("credit"))["c"] == expected
    assert Entry.objects.filter(voucher__book=live_book).aggregate(d=Sum("debit"))["d"] == expected
    assert SourceMonth.objects.filter(book=live_book, source="pv").aggregate(c=Sum("credit"))["c"] == expected
    assert sum(v["total"] for v in posted) == expected


# --- a killed import ----------------------------------------------------------------------------

BIG = 30_000  # vouchers (60,000 rows): several seconds of writing, long enough to be killed in


def big_csv(path, n: int) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("日期,凭证号,摘要,科目编码,借方金额,贷方金额,结算方式,收入来源\n")
        for i in range(1, n + 1):
            date = f"2025-{i % 12 + 1:02d}-{i % 28 + 1:02d}"
            amount = f"{i % 50_000 + 1}.{i % 100:02d}"
            fh.write(f"{date},K{i},批量导入{i},102,{amount},,银行,\n")
            fh.write(f"{date},K{i},批量导入{i},501,,{amount},,光伏\n")


def test_an_import_killed_in_the_middle_leaves_the_book_as_it_was(demo_live, live_book, tmp_path):
    post_journal(demo_live.accountant, live_book, "2025-03-05 之前已记的凭证\n  102 100.00 -\n  501 - 100.00 pv\n")
    before = snapshot(live_book)
    path = tmp_path / "big.csv"
    big_csv(path, BIG)
    proc = subprocess.Popen(
        [*SANWU, "import", "vouchers", str(path), "--book", live_book.code, "--post"],
        env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        seen = []
        for line in proc.stderr:  # progress lines, one per phase step
            seen.append(line.strip())
            if line.startswith(f"写入账套：0/{BIG}"):
                break
        assert seen and seen[-1].startswith("写入账套：0/"), seen
        # The file has been read and checked; the process holds the book's lock inside its one
        # transaction and is now writing 30,000 vouchers (seconds). Kill it there.
        time.sleep(0.5)
        assert proc.poll() is None, "the import finished before it could be killed"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    assert proc.stdout.read() == ""  # it never reported success

    assert snapshot(live_book) == before
    assert not Voucher.objects.filter(book=live_book, source_no__startswith="K").exists()
    check = verify_book(live_book)
    assert check.ok and check.vouchers == 1
    # The book is usable at once: the next voucher continues the numbering and the chain.
    (v,) = post_journal(demo_live.accountant, live_book, "2025-03-06 之后\n  101 1.00 -\n  504 - 1.00\n")
    assert v.label == "2025-03 记-0002" and v.seq == 2 and verify_book(live_book).ok


# --- tampering is caught by `sanwu verify` -----------------------------------------------------


def test_editing_a_posted_entry_in_the_database_is_caught_by_sanwu_verify(demo_live, live_book, live_other_book):
    vs = post_journal(
        demo_live.accountant,
        live_book,
        "2025-02-01 一\n  101 10.00 -\n  504 - 10.00\n"
        "2025-03-05 二\n  102 1200.50 -\n  501 - 1200.50 pv\n"
        "2025-03-06 三\n  513 10.00 -\n  101 - 10.00 cash\n",
    )
    ok = sanwu("verify")
    assert ok.returncode == 0, ok.stderr
    assert f"{live_book.code} ok（3 张已记账凭证）" in ok.stdout and f"{live_other_book.code} ok" in ok.stdout

    triggers.uninstall(connection)
    try:
        Entry.objects.filter(voucher=vs[1], line=1).update(debit=120051)
    finally:
        triggers.install(connection)
    assert len(triggers.installed(connection)) == len(triggers.RULES)

    for args in (["verify"], ["verify", "--book", live_book.code]):
        proc = sanwu(*args)
        assert proc.returncode == 1
        assert "2025-03 记-0001" in proc.stderr and "第一张不再相符的凭证" in proc.stderr
        assert "被改动" in proc.stdout and "2025-03 记-0001" in proc.stdout
    # The other book is still fine on its own.
    proc = sanwu("verify", "--book", live_other_book.code)
    assert proc.returncode == 0 and "ok" in proc.stdout


# --- the CLI keeps a village accountant out of another village's book -------------------------


def test_a_village_accountant_cannot_reach_another_villages_book_through_the_cli(demo_live, live_book, live_other_book, tmp_path):
    post_journal(demo_live.other_accountant, live_other_book, "2025-03-05 关河村收入\n  102 50.00 -\n  501 - 50.00\n")
    before = snapshot(live_other_book)
    f = tmp_path / "v.csv"
    f.write_text(
        "日期,凭证号,摘要,科目编码,借方金额,贷方金额\n2025-04-01,1,越权,102,1.00,\n2025-04-01,1,越权,501,,1.00\n",
        encoding="utf-8",
    )
    other = live_other_book.code
    attempts = [
        ["report", "trial-balance", "--book", other, "--year", "2025", "--format", "csv", "--as", "accountant_1"],
        ["import", "vouchers", f, "--book", other, "--post", "--as", "accountant_1"],
        ["import", "vouchers", f, "--book", other, "--as", "accountant_1"],
        ["export", "beancount", "--book", other, "--as", "accountant_1"],
        ["verify", "--book", other, "--as", "accountant_1"],
    ]
    for args in attempts:
        proc = sanwu(*args)
        assert proc.returncode == 1, args
        assert f"账套「{other}」不存在或不在您的管辖范围内" in proc.stderr, (args, proc.stderr)
        assert proc.stdout == "" and "关河村" not in proc.stderr
    assert snapshot(live_other_book) == before
    # The same user on their own book succeeds, so it is the scope that refused.
    own = sanwu("import", "vouchers", f, "--book", live_book.code, "--post", "--as", "accountant_1")
    assert own.returncode == 0, own.stderr
    report = sanwu("report", "trial-balance", "--book", live_book.code, "--year", "2025", "--month", "4", "--as", "accountant_1")
    assert report.returncode == 0 and "102,银行存款,0.00,0.00,1.00" in report.stdout
