"""The opening roster and share register from a sheet: all or nothing, problems by file, row and
column; the holdings come out as the sheet says; the outsider can do none of it."""

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from sanwu.coop.imports import import_members
from sanwu.coop.models import CoopSettings, Holding, Household, Member, MemberEvent, ShareOperation
from sanwu.coop.services import replay_problems
from sanwu.coop.services.holdings import holdings
from sanwu.core.audit import AuditEvent
from sanwu.core.errors import Invalid, Refused
from sanwu.ledger import services as ledger
from sanwu.regions.models import Person

from .conftest import make_id, sheet

D = dt.date(2025, 1, 1)


def rows():
    return [
        ["001", "是", "王大山", make_id(1), "户主", "是", "人口股", "1", "岳西农商行", "6228 4800 1234 5678"],
        ["001", "否", "李桂英", make_id(2), "配偶", "是", "人口股", "1", "", ""],
        ["001", "是", "王大山", make_id(1), "户主", "是", "劳龄股", "2.5", "", ""],
        ["002", "是", "张小河", make_id(3), "户主", "是", "人口股", "1", "", ""],
        ["002", "否", "张丽", make_id(4), "子女", "否", "", "", "", ""],
        ["集体", "", "", "", "", "", "集体股", "3", "", ""],
    ]


def book_of(coop):
    b = ledger.create_book(None, f"B{coop.region_id}", coop.region_id, "2023", start_date=dt.date(2025, 1, 1), collective=coop)
    ledger.confirm_opening(None, b)
    return b


@pytest.fixture
def book(coop):
    return book_of(coop)


@pytest.fixture(autouse=True)
def no_cap(db):
    """These sheets hold two households: no cap, unless a test sets one (浙江's 3% needs 34)."""
    return CoopSettings.objects.create(county_id="340828000000", holder_cap_bp=0)


def run(*args, **kw):
    out = io.StringIO()
    call_command("coop", *args, stdout=out, **kw)
    return out.getvalue()


def test_a_sheet_becomes_households_members_and_the_register(demo, coop, book, tmp_path):
    assert book is not None and book.collective_id == coop.pk
    f = tmp_path / "名册.csv"
    f.write_bytes(sheet(rows()))
    out = run("import-members", str(f), "--book", book.code, "--date", "2025-01-01", "--as", demo.accountant.username)
    assert "2户、4人（成员3人" in out and "股权登记4笔" in out
    hh = {h.number: h for h in Household.objects.filter(collective=coop)}
    assert set(hh) == {"001", "002"}
    assert hh["001"].bank_account == "6228480012345678" and hh["001"].bank_account_masked.endswith("5678")
    assert "1234" not in hh["001"].bank_account_masked
    heads = Member.objects.filter(collective=coop, is_head=True).select_related("person")
    assert {m.person.name for m in heads} == {"王大山", "张小河"}
    assert Member.objects.get(person__name="张丽").is_member is False
    assert MemberEvent.objects.filter(member__collective=coop, action="add").count() == 4
    # per household (the default): 001 holds 2 人口股 + 2.5 劳龄股, 002 one 人口股, the collective 3 集体股
    classes, held = holdings(coop)
    by_name = {c.name: c.pk for c in classes}
    table = {r.key: {c: r.units.get(pk, 0) for c, pk in by_name.items()} for r in held}
    assert table == {
        "001": {"人口股": 200, "劳龄股": 250, "集体股": 0},
        "002": {"人口股": 100, "劳龄股": 0, "集体股": 0},
        "集体": {"人口股": 0, "劳龄股": 0, "集体股": 300},
    }
    assert replay_problems(coop) == []
    assert AuditEvent.objects.filter(action="coop.import_members", actor=demo.accountant).count() == 1
    # the CLI's holdings, as JSON: one row per holder, shares by class as decimal text
    data = json.loads(run("holdings", "--book", book.code, "--format", "json", "--as", demo.accountant.username))
    assert [r["holder"] for r in data] == ["001", "002", "集体"]
    assert data[0]["人口股"] == "2.00" and data[0]["劳龄股"] == "2.50" and data[0]["total"] == "4.50"
    assert data[2]["集体股"] == "3.00"
    # as at a date before the import: nothing held
    assert json.loads(run("holdings", "--book", book.code, "--date", "2024-12-31", "--format", "json")) == []


def test_per_member_holding_gives_each_member_their_own(demo, coop, book):
    CoopSettings.objects.filter(county_id="340828000000").update(holding_unit="member")
    import_members(demo.accountant, book, sheet(rows()), "名册.csv", D)
    _, held = holdings(coop)
    assert sorted(r.total for r in held if r.kind == "member") == [100, 100, 350]
    assert [r.kind for r in held].count("collective") == 1


def test_every_problem_is_named_and_nothing_is_written(demo, coop, book):
    bad = rows()
    bad[1][3] = "340828197001010021"  # wrong checksum
    bad[3][1] = "否"  # 002 has no head now
    bad[3][4] = "子女"
    bad[4][7] = "1"  # shares on a non-member
    bad[4][6] = "人口股"
    bad.append(["003", "是", "赵一", make_id(1), "户主", "是", "人口股", "1.234", "", ""])  # 王大山's ID again; 3 decimals
    bad.append(["集体", "", "", "", "", "", "人口股", "1", "", ""])
    people_before = Person.objects.count()
    with pytest.raises(Invalid) as exc:
        import_members(demo.accountant, book, sheet(bad), "名册.csv", D)
    text = "\n".join(exc.value.messages)
    assert "名册.csv" in text
    problems = {(p.row, p.field) for p in exc.value.problems}
    assert (3, "身份证号（id_number）") in problems  # checksum, row 3 (the header is row 1)
    assert (6, "份额（shares）") in problems  # a non-member with shares
    assert (8, "份额（shares）") in problems and (8, "身份证号（id_number）") in problems  # 1.234; a person in two households
    assert (9, "股份类别（share_class）") in problems  # the collective holds 人口股
    assert any("002户没有户主" in p.message for p in exc.value.problems)
    assert Household.objects.filter(collective=coop).count() == 0
    assert ShareOperation.objects.filter(collective=coop).count() == 0
    assert Person.objects.count() == people_before


def test_the_opening_register_is_imported_once(demo, coop, book):
    import_members(demo.accountant, book, sheet(rows()), "名册.csv", D)
    with pytest.raises(Invalid, match="只能导入一次"):
        import_members(demo.accountant, book, sheet(rows()), "名册.csv", D)
    assert ShareOperation.objects.filter(collective=coop).count() == 4


def test_a_person_of_another_cooperative_is_refused(demo, coop, book, other_coop):
    other_book = book_of(other_coop)
    import_members(None, other_book, sheet(rows()[:1]), "a.csv", D)
    with pytest.raises(Invalid, match="不能同时是两个集体经济组织的成员"):
        import_members(demo.accountant, book, sheet(rows()), "名册.csv", D)


def test_the_cap_refuses_a_holder_above_it(demo, coop, book):
    CoopSettings.objects.filter(county_id="340828000000").update(holder_cap_bp=3000)  # 30% per member
    big = rows()
    big[2][7] = "20"  # 001 (2 members): 22 of 26 shares, above 60%
    with pytest.raises(Invalid, match=r"001户（2名成员）持股22.00股，超过总股份26.00股的60%上限"):
        import_members(demo.accountant, book, sheet(big), "名册.csv", D)


def test_english_headers_and_an_xlsx_file(demo, coop, book):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["household", "head", "name", "id_number", "relation", "member", "share_class", "shares"])
    for r in rows():
        ws.append(r[:8])
    buf = io.BytesIO()
    wb.save(buf)
    r = import_members(demo.accountant, book, buf.getvalue(), "roster.xlsx", D)
    assert (r.households, r.people, r.operations) == (2, 4, 4)
    assert Holding.objects.filter(holder__collective=coop).count() == 4


def test_the_outsider_imports_nothing_and_sees_no_holdings(demo, coop, book, tmp_path):
    with pytest.raises(Refused):
        import_members(demo.other_accountant, book, sheet(rows()), "名册.csv", D)
    with pytest.raises(Refused):
        import_members(demo.secretary, book, sheet(rows()), "名册.csv", D)
    import_members(demo.accountant, book, sheet(rows()), "名册.csv", D)
    with pytest.raises(CommandError):
        run("holdings", "--book", book.code, "--as", demo.other_accountant.username)
    with pytest.raises(CommandError):
        run("holdings", "--book", book.code, "--as", demo.other_township.username)
    assert "001" in run("holdings", "--book", book.code, "--format", "csv", "--as", demo.township.username)
