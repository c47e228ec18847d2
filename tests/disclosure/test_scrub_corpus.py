"""A corpus of real-looking voucher summaries and counterparties: what must change before it is
published and what must stay exactly as written (pure functions, no database)."""

import pytest

from sanwu.core.masking import Names, scrub
from sanwu.disclosure.services.scrub import people_named, public_party, role_names

REGISTERED = Names(["储兰荣", "汪德胜"])

# (text as entered, text as published)
MUST_CHANGE = [
    ("联系人130 721 94961", "联系人（电话已隐去）"),
    ("联系人130.7219.4961", "联系人（电话已隐去）"),
    ("联系人130-7219-4961", "联系人（电话已隐去）"),
    ("联系人 1307 2194 961", "联系人 （电话已隐去）"),
    ("电话１３０７２１９４９６１", "电话（电话已隐去）"),  # full-width digits
    ("电话一三零七二一九四九六一", "电话（电话已隐去）"),  # Chinese numerals
    ("电话幺三零 七二一九 四九六幺", "电话（电话已隐去）"),
    ("座机0556 888 1234", "座机（电话已隐去）"),
    ("身份证340828 19500101 1234", "身份证（证件号已隐去）"),
    ("身份证３４０８２８１９５００１０１１２３４", "身份证（证件号已隐去）"),
    ("支付储兰荣误工补贴", "支付储*荣误工补贴"),
]

MUST_STAY = [
    "收到光伏发电收入12,500.00元",
    "支付王家湾水渠维修款",
    "张村组道路硬化工程款",
    "2025-03-05 收到1200.50元，记-0001，共3笔",
    "金额合计3580.00元",
    "第一三五组村民代表会议误工补贴",
    "购买办公用品一批",
    "岳西县主簿镇大歇村股份经济合作社",
    "两委会议",
    "2024年第三季度租金",
]


@pytest.mark.parametrize("text,published", MUST_CHANGE)
def test_must_change(text, published):
    assert scrub(text, REGISTERED) == published


@pytest.mark.parametrize("text", MUST_STAY)
def test_must_stay(text):
    assert scrub(text, REGISTERED) == text


def test_person_counterparty_not_registered_is_masked_in_summary_and_party():
    """The case found from outside: neither 王小明 is registered, and both went out unmasked."""
    parties = [("王小明施工队（负责人王小明）", "")]
    people = people_named(parties)
    assert people.mask(scrub("支付王小明劳务费", REGISTERED)) == "支付王*明劳务费"
    assert public_party("王小明施工队（负责人王小明）", REGISTERED) == "王*明施工队（负责人王*明）"


def test_kind_given_at_entry_decides():
    # Entered as a person: masked as a whole, whatever its words say.
    assert public_party("李大军工程队", kind="person") == "李****队"
    assert public_party("李大军工程队") == "李大军工程队"  # without a kind its words make it an organisation
    # Entered as an organisation: the name stays, people it names by role are masked.
    assert public_party("岳西县某某建筑有限公司（法定代表人赵四海）", kind="organisation") == "岳西县某某建筑有限公司（法定代表人赵*海）"
    assert people_named([("赵四海", "person")]).mask("付赵四海工资") == "付赵*海工资"


def test_role_names():
    assert role_names("王小明施工队（负责人王小明）") == ["王小明"]
    assert role_names("联系人：陈静") == ["陈静"]
    assert role_names("国网岳西县供电公司") == []
