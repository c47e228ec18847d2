import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sanwu.assets.imports import import_cards
from sanwu.assets.models import Card, CardEvent, Register
from sanwu.core.errors import Invalid

GOOD = """资产编号,名称,科目编码,取得日期,原值,使用年限（月）,残值率,已提折旧,存放地点,状态
FW-01,村部办公楼,151,2015-06-01,800000.00,240,5,350000.00,村部,在用
JQ-02,茶叶加工设备,151,2020-03-15,120000,,,30000,茶厂,出租
TD-03,旧仓库,151,2010-01-01,50000,120,5,47500,二组,闲置
"""


def test_a_sheet_of_cards_is_the_register_opening(demo, book, tmp_path, capsys):
    f = tmp_path / "资产.csv"
    f.write_text(GOOD, encoding="utf-8")
    call_command("assets", "import", str(f), "--book", book.code, "--as", demo.accountant.username)
    cards = {c.number: c for c in Card.objects.filter(book=book)}
    assert set(cards) == {"FW-01", "JQ-02", "TD-03"}
    assert (cards["FW-01"].cost, cards["FW-01"].accumulated, cards["FW-01"].residual_bp, cards["FW-01"].origin) == (80_000_000, 35_000_000, 500, "opening")
    assert (cards["JQ-02"].kind, cards["JQ-02"].life_months, cards["JQ-02"].residual_bp, cards["JQ-02"].state) == ("other_fixed", 60, 500, "leased")  # the kind's defaults
    assert (cards["TD-03"].kind, cards["TD-03"].net) == ("other_fixed", 2_500_00)  # fully depreciated: the residual is left
    assert Register.objects.get(book=book).since == (2025, 1)
    assert CardEvent.objects.filter(card__book=book, action="import").count() == 3
    assert "已导入" in capsys.readouterr().out


def test_land_is_never_depreciated(demo, book):
    data = "资产编号,名称,科目编码,取得日期,原值,种类\nTD-1,集体土地,151,2010-01-01,50000,土地\n".encode()
    (card,) = import_cards(demo.accountant, book, data, "land.csv")
    assert card.depreciable is False and card.life_months == 0


def test_a_bad_sheet_names_every_problem_and_writes_nothing(demo, book):
    bad = """资产编号,名称,科目编码,取得日期,原值,使用年限（月）,残值率,已提折旧,存放地点,状态
FW-01,村部办公楼,151,2015-06-01,800000.00,240,5,350000.00,村部,在用
FW-01,重复编号,151,2015-06-01,100,240,5,0,村部,在用
X-2,,101,2015-13-01,12.345,abc,120,0,,报废
X-3,超额折旧,151,2015-06-01,1000,60,5,999,,在用
"""
    with pytest.raises(Invalid) as exc:
        import_cards(demo.accountant, book, bad.encode(), "bad.csv")
    text = "\n".join(exc.value.messages)
    assert "第4行「科目编码（account）」列：科目「101」不是本账套启用的资产类末级科目" in text
    assert "取得日期（acquired）" in text and "使用年限（月）「abc」" in text and "残值率「120」" in text and "状态「报废」" in text
    assert "文件「bad.csv」" in text
    assert "资产编号「FW-01」已登记" in text and "第3行" in text and "已提折旧 999.00 元超过原值减残值 950.00 元" in text and "第4行" in text
    assert "「已提折旧（accumulated）」列" in text or "已提折旧（accumulated）" in text
    assert not Card.objects.filter(book=book).exists()


def test_another_village_cannot_import_into_the_book(demo, book, tmp_path):
    f = tmp_path / "a.csv"
    f.write_text(GOOD, encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("assets", "import", str(f), "--book", book.code, "--as", demo.other_accountant.username)
    assert not Card.objects.exists()


def test_the_cli_shows_the_month_per_card_in_fen_and_posts_it_for_review(demo, book, card, capsys):
    call_command("assets", "depreciate", "--book", book.code, "--year", "2025", "--month", "1", "--post")
    capsys.readouterr()
    call_command("assets", "depreciate", "--book", book.code, "--year", "2025", "--month", "2", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert data["total_fen"] == 9_500 and data["cards"][0]["asset_no"] == "JQ-001" and data["run"] is None
    call_command("assets", "depreciate", "--book", book.code, "--year", "2025", "--month", "2", "--post", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert data["run"]["status"] == "pending" and data["run"]["voucher"].startswith("2025-02")
    with pytest.raises(CommandError, match="已计提折旧"):
        call_command("assets", "depreciate", "--book", book.code, "--year", "2025", "--month", "2", "--post")
