"""The statistics brief: every sentence against the hand computation, the table behind each, and
the renderings (text, Word, PDF)."""

from sanwu.economy import services
from sanwu.economy import rules as R
from sanwu.economy.services import Amounts, VillageYear, brief, summarise
from sanwu.regions.models import Region

from .conftest import V1, V6, YUEXI, decide


def yuexi():
    return Region.objects.get(code=YUEXI)


def test_brief_sentences_match_the_hand_computation(hand):
    v6 = Region.objects.get(code=V6).name
    b = brief.build(hand.demo.county, yuexi(), 2025)
    assert b.title == "岳西县2025年村级集体经济发展情况" and b.base_year == 2024
    assert b.sentences == [
        # 247,000,115 / 6 = 41,166,686 fen; 2024: 143,999,998 / 6 = 24,000,000; +17,166,686 = 71.5%
        "2025年，岳西县6个村村均经营性收入41.17万元，比2024年增加17.17万元、增长71.5%；村均经营收益29.15万元。",
        f"经营性收入50万元以上的强村2个，占33.3%；最高的是五河镇{v6}，经营性收入120.00万元。",
        "经营性收入30万元、50万元、100万元以上的村分别有3个、2个、1个（目标分别为100个、50个、10个），"
        "其中30万元以上尚差97个、50万元以上尚差48个、100万元以上尚差9个。",
        "空壳村1个、仅有光伏收入的村1个、经营性收入不足15万元的薄弱村1个，与2024年的1个、0个、2个相比，"
        "分别持平、增加1个、减少1个；空壳村占比保持16.7%。",
        "全年村集体总收入312.50万元，其中经营性收入247.00万元、补助收入65.00万元；光伏收入22.00万元，占经营性收入的8.9%。",
        "按激励办法，3个村可获体量奖共8.00万元，3个村可获增量奖共4.50万元，另有4个村经营性收入有增量、待履行程序。",
    ]
    # the table behind each sentence
    avg = b.parts[0].table
    assert avg.rows[0] == {"name": "岳西县（合计）", "villages": 6, "operating_income": 247_000_115, "average_operating_income": 41_166_686,
                           "operating_return": 174_900_085, "average_operating_return": 29_150_014}
    assert avg.rows[-1]["name"] == "岳西县（2024年）" and avg.rows[-1]["average_operating_income"] == 24_000_000
    assert [r["code"] for r in b.parts[1].table.rows] == [V6, V1]
    assert [(r["tier"], r["count"], r["target"], r["gap"]) for r in b.parts[2].table.rows] == [("30万元以上", 3, 100, 97), ("50万元以上", 2, 50, 48), ("100万元以上", 1, 10, 9)]
    classes = {r["class"]: r for r in b.parts[3].table.rows}
    assert classes["薄弱村"]["base_count"] == 2 and classes["薄弱村"]["count"] == 1 and classes["薄弱村"]["change"] == -1
    assert b.parts[4].table.rows[2] == {"item": "其中：光伏收入", "amount": 22_000_010, "share": "7.0%"}  # of total income 312,500,115


def test_brief_after_rules_and_approvals(hand):
    demo = hand.demo
    s = services.settings_for(YUEXI)
    values = {f: getattr(s, f) for f in services.SETTING_FIELDS}
    services.update_settings(demo.county, YUEXI, values, [R.Tier(30 * R.WAN, 3, R.WAN), R.Tier(50 * R.WAN, 2, 2 * R.WAN), R.Tier(100 * R.WAN, 1, 5 * R.WAN)])
    for user, village in ((demo.secretary, V1), (None, V6)):
        decide(user, village)
    services.approve_cadre_reward(demo.township, V1, 2025)
    services.approve_cadre_reward(demo.other_township, V6, 2025)
    b = brief.build(demo.county, yuexi(), 2025, 2024)
    assert b.sentences[2] == "经营性收入30万元、50万元、100万元以上的村分别有3个、2个、1个（目标分别为3个、2个、1个），均已完成目标。"
    # 50,000.11 + 100,000.00 = 150,000.11 → 15.00万元
    assert b.sentences[5] == (
        "按激励办法，3个村可获体量奖共8.00万元，3个村可获增量奖共4.50万元；经“四议两公开”和乡镇核准，"
        "2个村按经营性收入增量的20%奖励村干部共15.00万元，另有2个村经营性收入有增量、待履行程序。"
    )


def test_brief_for_a_township_and_the_scope(hand):
    b = brief.build(hand.demo.township, Region.objects.get(code="340828100000"), 2025)
    assert b.sentences[0].startswith("2025年，主簿镇3个村村均经营性收入27.33万元")  # 82,000,065 / 3
    assert "目标" not in b.sentences[2]  # targets are set per county
    names = [Region.objects.get(code=c).name for c in ("340828100200", "340828100201", "340828100202")]
    assert [r["name"] for r in b.parts[0].table.rows][1:4] == names  # the township's villages, one row each
    assert b.parts[0].table.rows[1]["operating_income"] == 70_000_055


def v(code, oi, pv=0):
    return VillageYear(code=code, name=f"村{code}", township_code="t", township_name="某镇", county_code="c", year=2020,
                       rules=R.DEFAULTS, now=Amounts(oi, oi, oi, pv, 0))


def test_compose_pure_all_cleared_and_falling_share():
    base = summarise([v("1", 0), v("2", 12 * R.WAN, 12 * R.WAN), v("3", 5 * R.WAN), v("4", 20 * R.WAN)], 2018)
    base.year = 2018
    now = summarise([v("1", 16 * R.WAN), v("2", 30 * R.WAN), v("3", 60 * R.WAN), v("4", 20 * R.WAN)], 2020)
    parts = brief.compose("某县", now, None, base)
    assert parts[0].text == "2020年，某县4个村村均经营性收入31.50万元；村均经营收益31.50万元。"
    assert parts[3].text == "某县已全面消除空壳村、仅有光伏收入的村和经营性收入不足15万元的薄弱村（2018年分别为1个、1个、1个）。"
    later = summarise([v("1", 0), v("2", 30 * R.WAN), v("3", 60 * R.WAN), v("4", 20 * R.WAN), v("5", 20 * R.WAN)], 2020)
    parts = brief.compose("某县", later, None, summarise([v("1", 0), v("2", 0), v("3", 1)], 2018))
    assert parts[3].text == (
        "空壳村1个、仅有光伏收入的村0个、经营性收入不足15万元的薄弱村0个，与2018年的2个、0个、1个相比，"
        "分别减少1个、持平、减少1个；空壳村占比由66.7%降至20.0%。"
    )
    empty = brief.compose("某镇", summarise([], 2020), None, None)
    assert [p.text for p in empty] == ["2020年，某镇还没有村建立账簿，无法统计集体经济。"]


def test_renderings(hand):
    b = brief.build(None, yuexi(), 2025)
    text = brief.to_text(b)
    assert text.startswith("岳西县2025年村级集体经济发展情况\n")
    assert "　　2025年，岳西县6个村村均经营性收入41.17万元" in text
    assert "附表1　村均经营性收入（对应第1句）\n名称\t村数\t经营性收入合计" in text
    assert "岳西县（合计）\t6\t2,470,001.15\t411,666.86\t1,749,000.85\t291,500.14" in text
    doc = brief.to_doc_html(b)
    assert "urn:schemas-microsoft-com:office:word" in doc and "41.17万元" in doc and '<td class="num">2,470,001.15</td>' in doc
    pdf = brief.to_pdf(b)
    assert pdf.startswith(b"%PDF")
