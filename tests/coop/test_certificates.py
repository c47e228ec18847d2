"""股权证: issued by the village accountant, numbered per cooperative, reissued with history; the
PDF with its 查询码 only at issue; the public check page the QR code opens; the household lookup
by number and 查询码 (one household only, every miss the same, throttled); the village page's
share totals; and the outsider refused on the page, the PDF, the API and the CLI."""

import datetime as dt
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from sanwu.coop import rules
from sanwu.coop.imports import import_members
from sanwu.coop.models import Certificate, CertificateEvent, CoopSettings, Distribution, DistributionLine, Holder, LookupAttempt
from sanwu.coop.services import certificates as service
from sanwu.coop.services.members import add_member
from sanwu.coop.services.register import collective_holder, household_holder
from sanwu.coop.services.shares import Change, apply_change, holder_for
from sanwu.core import dates
from sanwu.core.audit import AuditEvent
from sanwu.core.errors import Invalid, Refused
from sanwu.disclosure.services import versions

from ..conftest import api_client, client_for, response_bytes
from ..disclosure import pdftext
from ..disclosure.test_public import _csp_clean
from .conftest import make_id, sheet
from .test_import import book_of, no_cap, rows  # noqa: F401  (the fixture)

D = dt.date(2025, 1, 1)
AS_AT = dt.date(2025, 6, 30)


@pytest.fixture
def imported(demo, coop, no_cap):
    """大歇村's cooperative from the sheet: 001 (王大山 head, 李桂英; 2 人口股 + 2.5 劳龄股), 002
    (张小河; 1 人口股), the collective (3 集体股)."""
    book = book_of(coop)
    import_members(demo.accountant, book, sheet(rows()), "名册.csv", D)
    coop.book = book
    return coop


def hh(coop, number: str) -> Holder:
    return holder_for(coop, number)


def issue(demo, coop, number="001", **kw):
    return service.issue_certificate(demo.accountant, hh(coop, number), as_at=kw.pop("as_at", AS_AT), collective=coop, **kw)


def url(name, *args):
    return reverse(f"coop:{name}", args=args)


def without_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


# --- issue and reissue ---------------------------------------------------------------------------


def test_a_certificate_is_numbered_per_cooperative_with_the_shares_as_at_and_only_a_hash_of_its_code(demo, imported):
    cert, code = issue(demo, imported)
    assert cert.number == f"{imported.region_id}-00001" and cert.status == "valid" and cert.supersedes is None
    assert cert.holdings == [
        {"class_id": imported.share_classes.get(name="人口股").pk, "class": "人口股", "units": 200},
        {"class_id": imported.share_classes.get(name="劳龄股").pk, "class": "劳龄股", "units": 250},
    ]
    assert len(code) == 8 and set(code) <= set(rules.QUERY_CODE_ALPHABET)
    assert code not in cert.query_code_hash and cert.query_code_hash == service.query_code_hash(cert.number, code)
    second, code2 = issue(demo, imported, "002")
    assert second.number == f"{imported.region_id}-00002" and code2 != code
    assert [ln["units"] for ln in second.holdings] == [100]
    assert CertificateEvent.objects.filter(certificate=cert, action="issue", actor=demo.accountant).count() == 1
    row = AuditEvent.objects.get(action="coop.certificate.issue", object_id=str(cert.pk))
    assert row.actor == demo.accountant and row.new["shares"] == {"人口股": "2.00", "劳龄股": "2.50"} and code not in str(row.new)


def test_the_shares_are_those_held_at_the_date_given(demo, imported):
    cls = imported.share_classes.get(name="人口股")
    apply_change(demo.accountant, imported, Change("transfer", cls, 50, dt.date(2025, 7, 1), hh(imported, "001"), hh(imported, "002"), approval="理事会决定"))
    before, _ = issue(demo, imported, "002", as_at=AS_AT)
    assert [ln["units"] for ln in before.holdings] == [100]
    after, _ = service.issue_certificate(demo.accountant, hh(imported, "002"), as_at=dt.date(2025, 7, 1), collective=imported, replaces=before.number)
    assert [ln["units"] for ln in after.holdings] == [150]


def test_a_reissue_supersedes_the_old_certificate_whose_code_stops_working(demo, imported):
    old, old_code = issue(demo, imported)
    assert service.lookup(old.number, old_code) is not None
    new, new_code = issue(demo, imported, replaces=old.number)
    old.refresh_from_db()
    assert (old.status, new.status, new.supersedes_id) == ("superseded", "valid", old.pk)
    assert new.number == f"{imported.region_id}-00002"
    assert Certificate.objects.filter(holder=hh(imported, "001")).count() == 2  # history kept
    assert service.lookup(old.number, old_code) is None
    assert service.lookup(old.number, new_code) is None
    assert service.lookup(new.number, new_code)["number"] == new.number
    assert [(e.action, e.to_status) for e in CertificateEvent.objects.filter(certificate=old)] == [("issue", "valid"), ("supersede", "superseded")]
    assert CertificateEvent.objects.get(certificate=new).action == "reissue"
    # the same form posted again (it saw the old number) reissues nothing
    with pytest.raises(Invalid, match="已有变化"):
        issue(demo, imported, replaces=old.number)
    assert Certificate.objects.filter(holder=hh(imported, "001"), status="valid").count() == 1


def test_what_is_refused(demo, imported, other_coop):
    with pytest.raises(Invalid, match="集体股不发股权证"):
        service.issue_certificate(demo.accountant, collective_holder(imported), as_at=AS_AT)
    add_member(demo.accountant, imported, "003", "赵小路", make_id(7), "head", join_reason="birth", joined_on=D)
    with pytest.raises(Invalid, match="003户截至2025-06-30没有股份"):
        issue(demo, imported, "003")
    with pytest.raises(Invalid, match="没有股份"):
        issue(demo, imported, "001", as_at=dt.date(2024, 12, 31))  # before the opening allocation
    with pytest.raises(Invalid, match="晚于今天"):
        issue(demo, imported, as_at=dates.today() + dt.timedelta(days=2))
    with pytest.raises(Invalid, match="发证日期 .* 晚于今天"):
        issue(demo, imported, issued_on=dates.today() + dt.timedelta(days=2))
    other_book = book_of(other_coop)
    import_members(None, other_book, sheet([["001", "是", "钱多多", make_id(9), "户主", "是", "人口股", "1", "", ""]]), "a.csv", D)
    foreign = household_holder(other_coop.households.get(number="001"))
    with pytest.raises(Invalid, match="不是本集体经济组织的持股人"):
        service.issue_certificate(demo.accountant, foreign, as_at=AS_AT, collective=imported)
    with pytest.raises(Refused):
        service.issue_certificate(demo.accountant, foreign, as_at=AS_AT)  # the gate: not her village
    for user in (demo.secretary, demo.township, demo.other_accountant):
        with pytest.raises(Refused):
            service.issue_certificate(user, hh(imported, "001"), as_at=AS_AT)
    assert not Certificate.objects.filter(collective=imported).exists()


def test_where_the_county_holds_per_member_the_head_holds_the_households_certificate_and_each_member_their_own(demo, coop, no_cap, tmp_path):
    CoopSettings.objects.filter(county_id="340828000000").update(holding_unit="member")
    import_members(demo.accountant, book_of(coop), sheet(rows()), "名册.csv", D)
    holder = service.household_holder_for(coop, "001")
    assert holder.kind == "member" and holder.member.person.name == "王大山"
    cert, code = service.issue_certificate(demo.accountant, holder, as_at=AS_AT, collective=coop)
    assert [(ln["class"], ln["units"]) for ln in cert.holdings] == [("人口股", 100), ("劳龄股", 250)]  # his own, not 李桂英's
    text = pdftext.text(service.certificate_pdf(cert, code))
    assert "王大山" in text and "李*英" in text and "李桂英" not in text
    assert service.lookup(cert.number, code)["head"] == "王*山"
    # every member holds on their own: 李桂英 gets her own certificate, named by her ID number
    wife = service.household_holder_for(coop, "001", make_id(2))
    assert wife.kind == "member" and wife.member.person.name == "李桂英"
    cert2, code2 = service.issue_certificate(demo.accountant, wife, as_at=AS_AT, collective=coop)
    assert [(ln["class"], ln["units"]) for ln in cert2.holdings] == [("人口股", 100)] and cert2.number != cert.number
    text = pdftext.text(service.certificate_pdf(cert2, code2))
    assert "李桂英" in text and "王*山" in text and "王大山" not in text
    with pytest.raises(Invalid, match="001户没有身份证号为"):
        service.household_holder_for(coop, "001", make_id(3))  # 张小河 is of 002
    # the page and the CLI name the member the same way
    page = client_for(demo.accountant).post(
        reverse("coop:certificate_new", args=[coop.pk]), {"household": "001", "member_id": make_id(2), "as_at": "2025-06-30", "issued_on": "2025-07-01", "replaces": cert2.number, "confirm": "on"},
    ).content.decode()
    assert "查询码" in page and Certificate.objects.get(number=cert2.number).status == "superseded"
    out = tmp_path / "c.pdf"
    call_command("coop", "certificate", "--book", f"B{coop.region_id}", "--household", "001", "--member", make_id(2), "--output", str(out))
    assert "李桂英" in pdftext.text(out.read_bytes())


# --- the PDF ---------------------------------------------------------------------------------------


def test_the_pdf_prints_the_code_only_at_issue_and_the_head_in_full(demo, imported, settings):
    settings.SANWU_PUBLIC_BASE_URL = "https://sanwu.example.cn"
    cert, code = issue(demo, imported)
    pdf = service.certificate_pdf(cert, code)
    assert pdf.startswith(b"%PDF")
    text = pdftext.text(pdf)
    for words in ("股 权 证", cert.number, rules.format_query_code(code), "王大山", "李*英", "人口股", "2.00", "劳龄股", "2.50", "4.50",
                  "2025年6月30日", "https://sanwu.example.cn" + service.check_path(cert)):
        assert words in text.replace("\n", ""), words
    assert make_id(1) not in text and make_id(1)[:4] + "**********" + make_id(1)[-4:] in text  # the ID masked
    assert "张" not in text  # another household's people are not on it
    assert len(re.findall(rb"/Type\s*/Page\b", b" ".join(h for h, _ in pdftext.objects(pdf).values()))) == 1  # one page
    reprint = pdftext.text(service.certificate_pdf(cert, None))
    assert "查询码见原证" in reprint and rules.format_query_code(code) not in reprint and cert.number in reprint
    with pytest.raises(Invalid, match="查询码与该股权证不符"):
        service.certificate_pdf(cert, "AAAAAAAA")


# --- the public check page (QR) ---------------------------------------------------------------------


def test_the_check_page_shows_the_certificate_masked_and_whether_it_is_valid(demo, imported):
    cert, _ = issue(demo, imported)
    public = Client()
    page = public.get(service.check_path(cert))
    html = page.content.decode()
    assert page.status_code == 200 and 'data-valid="1"' in html and "有效" in html and "王*山" in html
    assert "人口股" in html and "2.00 股" in html and "4.50 股" in html
    assert "王大山" not in html and "李桂英" not in html and make_id(1)[-4:] not in html and "3408" not in html.replace(imported.region_id, "")
    new, _ = issue(demo, imported, replaces=cert.number)
    html = public.get(service.check_path(cert)).content.decode()
    assert 'data-valid="0"' in html and "已换发" in html and new.number in html


def test_the_public_pages_are_csp_clean_and_kept_by_no_one(demo, imported):
    cert, code = issue(demo, imported)
    public = Client()
    for resp in (public.get(service.check_path(cert)), public.get(url("public_lookup")), lookup_post(public, cert.number, code)):
        assert resp.status_code == 200
        _csp_clean(resp.content.decode())
        assert "no-store" in resp["Cache-Control"] and resp["X-Robots-Tag"] == "noindex"


def test_a_wrong_token_and_an_unknown_number_answer_the_same(demo, imported):
    cert, _ = issue(demo, imported)
    public = Client()
    wrong = public.get(url("public_check", cert.number, "0" * service.TOKEN_LENGTH))
    unknown_number = f"{imported.region_id}-00099"
    unknown = public.get(url("public_check", unknown_number, service.check_token(unknown_number)))
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.content == unknown.content and "没有找到这张股权证" in wrong.content.decode()
    assert cert.number not in wrong.content.decode()
    assert service.check(cert.number, service.check_token(cert.number)) is not None


# --- the household lookup ----------------------------------------------------------------------------


def lookup_post(client, number, code, ip="10.0.0.1"):
    return client.post(url("public_lookup"), {"number": number, "code": code}, REMOTE_ADDR=ip)


def test_the_lookup_with_both_keys_shows_that_household_only(demo, imported):
    cert, code = issue(demo, imported)
    issue(demo, imported, "002")
    public = Client()
    assert public.get(url("public_lookup")).status_code == 200
    r = lookup_post(public, cert.number, code.lower()[:4] + "-" + code.lower()[4:])  # as typed: any case, the hyphen
    html = r.content.decode()
    assert r.status_code == 200 and 'data-household="001"' in html and "王*山" in html
    assert "人口股" in html and "2.00 股" in html and "劳龄股" in html and "4.50 股" in html
    assert 'data-household="002"' not in html and "张*河" not in html and "王大山" not in html and make_id(1)[-4:] not in html
    assert r["Cache-Control"].startswith("max-age=0") or "no-store" in r["Cache-Control"]
    assert AuditEvent.objects.filter(action="coop.certificate.lookup", object_id=str(cert.pk), ip="10.0.0.1").count() == 1


def test_a_wrong_code_and_an_unknown_number_give_the_identical_answer(demo, imported):
    cert, code = issue(demo, imported)
    public = Client()
    unknown_number = f"{imported.region_id}-00099"
    wrong = lookup_post(public, cert.number, "ABCDEFGH")
    unknown = lookup_post(public, unknown_number, code)
    assert wrong.status_code == unknown.status_code == 200
    # the same page but for the number typed, which the form keeps for retyping the code
    assert without_csrf(wrong.content.decode()).replace(cert.number, "N") == without_csrf(unknown.content.decode()).replace(unknown_number, "N")
    assert "没有查到" in wrong.content.decode() and "data-household" not in wrong.content.decode()
    missing = lookup_post(public, cert.number, "")
    assert missing.status_code == 422 and "都印在股权证上" in missing.content.decode()  # both keys required
    assert service.lookup(cert.number, "") is None and service.lookup("", code) is None


def test_the_lookup_is_throttled_per_address(demo, imported):
    cert, code = issue(demo, imported)
    public = Client()
    for _ in range(service.LOOKUP_FAILURES_PER_ADDRESS):
        assert lookup_post(public, cert.number, "ABCDEFGH", ip="10.0.0.7").status_code == 200
    blocked = lookup_post(public, cert.number, code, ip="10.0.0.7")  # the right code, but too late
    assert blocked.status_code == 429 and service.THROTTLED in blocked.content.decode() and "data-household" not in blocked.content.decode()
    assert lookup_post(public, cert.number, code, ip="10.0.0.8").status_code == 200  # another address
    assert not LookupAttempt.objects.filter(ip_hash__contains="10.0.0").exists()  # addresses kept hashed


def test_the_lookup_is_throttled_per_number_from_any_address(demo, imported):
    cert, code = issue(demo, imported)
    for i in range(service.LOOKUP_FAILURES_PER_NUMBER):
        assert service.lookup(cert.number, "ABCDEFGH", ip=f"10.1.{i}.1") is None
    with pytest.raises(Invalid, match=service.THROTTLED):
        service.lookup(cert.number, code, ip="10.2.0.1")
    # an unknown number is throttled the same way: the answer says nothing of which numbers exist
    unknown = f"{imported.region_id}-00099"
    for i in range(service.LOOKUP_FAILURES_PER_NUMBER):
        assert service.lookup(unknown, "ABCDEFGH", ip=f"10.3.{i}.1") is None
    with pytest.raises(Invalid, match=service.THROTTLED):
        service.lookup(unknown, code, ip="10.4.0.1")


def test_the_lookup_shows_the_households_approved_dividends_only(demo, imported):
    cert, code = issue(demo, imported)
    holder = hh(imported, "001")
    approved = Distribution.objects.create(collective=imported, book=imported.book, year=2025, status="approved")
    DistributionLine.objects.create(distribution=approved, holder=holder, units=450, amount=123456, paid=100000)
    DistributionLine.objects.create(distribution=approved, holder=hh(imported, "002"), units=100, amount=27435, paid=0)
    draft = Distribution.objects.create(collective=imported, book=imported.book, year=2026, status="draft")
    DistributionLine.objects.create(distribution=draft, holder=holder, units=450, amount=999999, paid=0)
    assert service.dividends_for(holder) == [{"year": 2025, "amount_fen": 123456, "paid_fen": 100000, "unpaid_fen": 23456}]
    html = lookup_post(Client(), cert.number, code).content.decode()
    assert "2025年" in html and "1,234.56 元" in html and "已发 1,000.00 元" in html and "未发 234.56 元" in html
    assert "9,999.99" not in html and "274.35" not in html


# --- the pages -------------------------------------------------------------------------------------


def test_the_accountant_issues_on_the_page_sees_the_code_once_and_downloads_it(demo, imported):
    client = client_for(demo.accountant)
    today = dates.today().isoformat()
    form = client.get(url("certificate_new", imported.pk))
    assert form.status_code == 200 and f'name="as_at" value="{today}"' in form.content.decode()  # the date input reads it
    r = client.post(url("certificate_new", imported.pk), {"household": "001", "as_at": "2025-06-30", "issued_on": today, "replaces": ""})
    assert r.status_code == 200
    cert = Certificate.objects.get(collective=imported, status="valid")
    code = re.search(r"data-query-code>([A-Z0-9-]+)<", r.content.decode()).group(1)
    assert service.lookup(cert.number, code) is not None
    pdf = client.post(url("certificate_pdf", imported.pk, cert.number), {"code": code.replace("-", "")})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and code in pdftext.text(pdf.content)
    later = client.get(url("certificate_pdf", imported.pk, cert.number))
    assert later.status_code == 200 and "查询码见原证" in pdftext.text(later.content)
    downloads = AuditEvent.objects.filter(action="coop.certificate.pdf", object_id=str(cert.pk)).order_by("id")
    assert [e.new["with_code"] for e in downloads] == [True, False]
    # a wrong code prints nothing
    bad = client.post(url("certificate_pdf", imported.pk, cert.number), {"code": "AAAAAAAA"})
    assert bad.status_code == 302 and downloads.count() == 2
    # a reissue needs its confirmation; the same form posted twice reissues once
    form = {"household": "001", "as_at": "2025-06-30", "issued_on": today, "replaces": cert.number}
    r = client.post(url("certificate_new", imported.pk), form)
    assert r.status_code == 422 and "请勾选确认" in r.content.decode()
    page = client.get(url("certificate_new", imported.pk) + "?household=001").content.decode()
    assert "data-reissue" in page and cert.number in page
    assert client.post(url("certificate_new", imported.pk), {**form, "confirm": "on"}).status_code == 200
    again = client.post(url("certificate_new", imported.pk), {**form, "confirm": "on"})
    assert again.status_code == 422 and "已有变化" in again.content.decode()
    assert Certificate.objects.filter(collective=imported).count() == 2
    # the old one's page says by which it was replaced
    old = client.get(url("certificate", imported.pk, cert.number)).content.decode()
    assert "已换发为" in old and f"{imported.region_id}-00002" in old


def test_the_list_its_excel_and_the_pdf_for_readers_in_scope(demo, imported):
    cert, _ = issue(demo, imported)
    issue(demo, imported, "002")
    for user in (demo.accountant, demo.secretary, demo.township, demo.county):
        client = client_for(user)
        page = client.get(url("certificates", imported.pk))
        assert page.status_code == 200 and cert.number in page.content.decode() and "王*山" in page.content.decode()
        assert client.get(url("certificate", imported.pk, cert.number)).status_code == 200
    client = client_for(demo.township)
    assert "王大山" not in client.get(url("certificates", imported.pk)).content.decode()
    wb = load_workbook(io.BytesIO(response_bytes(client.get(url("certificates", imported.pk) + "?format=xlsx"))))
    values = [[c.value for c in row] for row in wb.active.iter_rows()]
    assert values[0][:3] == ["证书编号", "户号", "户主/持股人"] and [v[0] for v in values[1:]] == [f"{imported.region_id}-00002", cert.number]
    assert values[2][1:3] == ["001", "王*山"]
    pdf = client.get(url("certificate_pdf", imported.pk, cert.number))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="coop.certificate.pdf", actor=demo.township).count() == 1
    # only the accountant prints the code, and only into her own village's certificate
    assert client.post(url("certificate_pdf", imported.pk, cert.number), {"code": "AAAAAAAA"}).status_code == 403
    assert client_for(demo.secretary).post(url("certificate_new", imported.pk), {"household": "001"}).status_code == 403
    detail = client_for(demo.accountant).get(url("detail", imported.pk)).content.decode()
    assert url("certificates", imported.pk) in detail  # the tab


def test_the_outsider_gets_nothing(demo, imported):
    cert, code = issue(demo, imported)
    for user in (demo.other_accountant, demo.other_township):
        client = client_for(user)
        for path in (url("certificates", imported.pk), url("certificates", imported.pk) + "?format=xlsx", url("certificate_new", imported.pk),
                     url("certificate", imported.pk, cert.number), url("certificate_pdf", imported.pk, cert.number)):
            assert client.get(path).status_code in (403, 404), (user, path)
        assert client.post(url("certificate_new", imported.pk), {"household": "001", "as_at": "2025-06-30", "issued_on": "2025-07-01"}).status_code in (403, 404)
        assert client.post(url("certificate_pdf", imported.pk, cert.number), {"code": code}).status_code in (403, 404)
        assert api_client(user).get(f"/api/v1/coop/{imported.pk}/certificates").status_code == 404
    assert not AuditEvent.objects.filter(action="coop.certificate.pdf").exists()
    assert Certificate.objects.filter(collective=imported).count() == 1


# --- the API and the CLI -----------------------------------------------------------------------------


def test_the_api_lists_the_certificates_masked(demo, imported):
    old, _ = issue(demo, imported)
    new, _ = issue(demo, imported, replaces=old.number)
    data = api_client(demo.township).get(f"/api/v1/coop/{imported.pk}/certificates").json()
    assert [d["number"] for d in data] == [new.number, old.number]
    assert data[0] == {
        "number": new.number, "household": "001", "head": "王*山", "as_at": "2025-06-30", "issued_on": new.issued_on.isoformat(),
        "shares": {"人口股": "2.00", "劳龄股": "2.50"}, "total": "4.50", "status": "valid", "status_label": "有效",
        "supersedes": old.number, "superseded_by": None,
    }
    assert data[1]["status"] == "superseded" and data[1]["superseded_by"] == new.number
    assert "hash" not in str(data) and old.query_code_hash not in str(data)
    valid = api_client(demo.township).get(f"/api/v1/coop/{imported.pk}/certificates?status=valid").json()
    assert [d["number"] for d in valid] == [new.number]


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("coop", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_cli_issues_once_then_writes_the_valid_certificate(demo, imported, tmp_path):
    book = imported.book.code
    first = tmp_path / "001.pdf"
    out, _ = run("certificate", "--book", book, "--household", "001", "--output", str(first), "--date", "2025-06-30", "--as", demo.accountant.username)
    cert = Certificate.objects.get(collective=imported)
    code = re.search(r"查询码 ([A-Z0-9]{4}-[A-Z0-9]{4})", out).group(1)
    assert cert.number in out and cert.as_at == AS_AT and service.lookup(cert.number, code) is not None
    assert first.read_bytes().startswith(b"%PDF") and code in pdftext.text(first.read_bytes())
    again = tmp_path / "again.pdf"
    out, _ = run("certificate", "--book", book, "--household", "001", "--output", str(again), "--as", demo.township.username)
    assert "不含查询码" in out and code not in out and Certificate.objects.filter(collective=imported).count() == 1
    assert "查询码见原证" in pdftext.text(again.read_bytes())
    assert AuditEvent.objects.filter(action="coop.certificate.pdf", object_id=str(cert.pk)).count() == 2


def test_the_cli_refuses_the_outsider_and_a_reader_who_would_issue(demo, imported, tmp_path):
    book = imported.book.code
    for user in (demo.other_accountant, demo.other_township):
        with pytest.raises(CommandError):
            run("certificate", "--book", book, "--household", "001", "--output", str(tmp_path / "x.pdf"), "--as", user.username)
    with pytest.raises(CommandError, match="无权发放股权证"):
        run("certificate", "--book", book, "--household", "002", "--output", str(tmp_path / "y.pdf"), "--as", demo.secretary.username)
    with pytest.raises(CommandError, match="没有999户"):
        run("certificate", "--book", book, "--household", "999", "--output", str(tmp_path / "z.pdf"), "--as", demo.accountant.username)
    assert not Certificate.objects.filter(collective=imported).exists()
    assert not any(tmp_path.iterdir())


# --- the village page -------------------------------------------------------------------------------


def coop_section(html: str) -> str:
    m = re.search(r'<section class="card" id="coop".*?</section>', html, re.S)
    assert m, "no cooperative section"
    return m.group(0)


def test_the_village_page_shows_the_share_totals_and_no_household(demo, imported):
    issue(demo, imported)
    html = Client().get(f"/v/{imported.region_id}/").content.decode()
    section = coop_section(html)
    assert imported.name in section and "人口股" in section and "3.00 股" in section and "劳龄股" in section and "2.50 股" in section
    assert "集体股" in section and "8.50 股" in section and "2 户（人）持股" in section
    assert url("public_lookup") in section
    for name in ("王大山", "王*山", "李*英", "张*河", "001户", "002户", f"{imported.region_id}-0000"):
        assert name not in section, name
    # the page's frozen copy follows the register
    before = versions.village(imported.region_id)
    cls = imported.share_classes.get(name="人口股")
    apply_change(demo.accountant, imported, Change("transfer", cls, 50, dt.date(2025, 7, 1), hh(imported, "001"), hh(imported, "002"), approval="理事会决定"))
    assert versions.village(imported.region_id) != before


def test_a_village_without_shares_has_no_section(demo, coop):
    html = Client().get(f"/v/{coop.region_id}/").content.decode()
    assert 'id="coop"' not in html and service.public_summary(coop.region_id) is None
