"""The Excel and PDF helpers every later table uses."""

import io

from openpyxl import load_workbook

from sanwu.core.pdf import html_to_pdf
from sanwu.core.tables import Column, Table


def _table():
    return Table("收支", [Column("name", "项目"), Column("amount", "金额（元）", money=True)], [{"name": "光伏发电收入", "amount": 8299000}, {"name": "红字冲销", "amount": -150}])


def test_excel_money_is_yuan_with_two_decimals():
    ws = load_workbook(io.BytesIO(_table().to_xlsx())).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("项目", "金额（元）")
    assert rows[1] == ("光伏发电收入", 82990) and rows[2][1] == -1.5
    assert ws["B2"].number_format == "#,##0.00"


def test_csv_and_json():
    t = _table()
    assert t.to_csv().splitlines()[1] == "光伏发电收入,82990.00"
    assert '"amount": "-1.50"' in t.to_json() and "\\u" not in t.to_json()


def test_pdf_with_chinese_text_uses_noto_sans_cjk():
    from django.template import engines

    html = engines["django"].from_string('{% extends "pdf/base.html" %}{% block body %}<h1>大歇村财务公开</h1>{% endblock %}').render({})
    pdf = html_to_pdf(html, uncompressed_pdf=True)
    assert pdf.startswith(b"%PDF") and b"NotoSansCJK" in pdf


def test_a_pdf_leaves_the_garbage_collector_as_it_found_it():
    """core.pdf pauses the collector while WeasyPrint works (few_collections) and restores it."""
    import gc

    from sanwu.core.pdf import few_collections

    threshold, frozen = gc.get_threshold(), gc.get_freeze_count()
    with few_collections():
        assert gc.get_threshold()[0] == threshold[0] * 10
        with few_collections():  # nested: one pause
            assert gc.get_threshold()[0] == threshold[0] * 10
        html_to_pdf("<p>大歇村</p>")
    assert gc.get_threshold() == threshold and gc.get_freeze_count() == frozen
