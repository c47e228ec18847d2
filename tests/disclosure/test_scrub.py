"""Free text made fit for the public page: numbers that identify a person dropped, registered
names masked, organisations kept (pure functions, no database)."""

from sanwu.core.masking import Names, scrub
from sanwu.disclosure.services.scrub import is_organisation, mask_contact, public_party


def test_id_numbers_phones_and_bank_accounts_are_dropped():
    assert scrub("身份证340828195001011234，另一个34082819500101123X。") == "身份证（证件号已隐去），另一个（证件号已隐去）。"
    assert scrub("电话13912345678或139-1234-5678或+86 139 1234 5678") == "电话（电话已隐去）或（电话已隐去）或（电话已隐去）"
    assert scrub("座机0556-8881234") == "座机（电话已隐去）"
    assert scrub("打到6222 0212 3456 7890 123") == "打到（账号已隐去）"
    assert scrub("卡号6222021234567890123") == "卡号（账号已隐去）"
    # ordinary numbers stay: amounts, dates, voucher numbers
    assert scrub("2025-03-05 收到1200.50元，记-0001，共3笔") == "2025-03-05 收到1200.50元，记-0001，共3笔"


def test_registered_names_are_masked_longest_first():
    names = Names(["王明", "王明华", "李秀英", "张"])
    assert scrub("王明华和王明向李秀英借款", names) == "王*华和王*向李*英借款"
    assert scrub("与其他文字无关", names) == "与其他文字无关"
    assert scrub("王明，13912345678", names) == "王*，（电话已隐去）"


def test_a_counterparty_is_a_company_or_a_person():
    names = Names(["张三明"])
    assert public_party("国网岳西县供电公司") == "国网岳西县供电公司"
    assert public_party("主簿镇财政所") == "主簿镇财政所"
    assert public_party("桥塘桥林业专业合作社") == "桥塘桥林业专业合作社"
    assert public_party("张三明养殖场", names) == "张*明养殖场"  # a registered name inside a business name
    assert public_party("王德明") == "王*明"  # not registered, still a person
    assert public_party("王德明13912345678") == "王*明"
    assert public_party("王德明（身份证340828195001011234）") == "王*明"
    assert public_party("李四") == "李*"
    assert public_party("") == ""
    assert is_organisation("岳西农村商业银行") and not is_organisation("储兰荣")


def test_contact_is_kept_masked():
    assert mask_contact("13912345678") == "139****5678"
    assert mask_contact("139 1234 5678") == "139****5678"
    assert mask_contact("微信 zhang_1960") == "微******0"
    assert mask_contact("") == ""


def test_the_countys_names_are_kept_until_someone_is_registered(demo):
    from sanwu.core.codes import id_check_char
    from sanwu.regions.models import Person
    from sanwu.regions.services import add_person, registered_names

    village = demo.accountant.role_assignments.get().region_id
    first = registered_names(village)
    assert registered_names(village) is first  # the same register: kept, not read again
    number = "340828199001012" + "34"
    number += id_check_char(number)
    add_person(demo.accountant, village, "欧阳新来", number)
    again = registered_names(village)
    assert again is not first and "欧阳新来" in again.names and scrub("欧阳新来交来租金", again) == "欧**来交来租金"
    Person.objects.filter(name="欧阳新来").delete()
    assert "欧阳新来" not in registered_names(village).names
