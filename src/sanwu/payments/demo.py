"""Demo payment requests for the loaded demo city: one township's first village with users
(大歇村: its accountant, secretary and the township's supervisor) gets a request in every state —
a draft, one waiting for the village, one for the township, one sent to the bank, one paid by the
bank and its voucher made, one sent back by the village and one the bank failed — through the
services, as those users. Idempotent: a book that has requests already is left alone. Cheap: a
dozen rows, one draft voucher."""

from sanwu.core.codes import county_of, township_of
from sanwu.core.errors import Invalid
from sanwu.decisions.models import Matter
from sanwu.decisions.rules import DECIDED_STAGES
from sanwu.ledger.models import Book
from sanwu.regions.models import RoleAssignment

from . import rules, services
from .models import PaymentRequest
from .services import RequestData

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
YUAN = 100

# (payee, kind, account number, bank, yuan, purpose, expense account role, state)
REQUESTS = [
    ("岳西县宏达建筑工程有限公司", "organisation", "3400 1234 5678 9012 345", "农商银行岳西支行", 68_000, "村部屋面防水维修工程款", "welfare_expense", "paid"),
    ("王大山", "person", "6217 0000 1111 2222 333", "邮储银行岳西支行", 3_600, "护林员第四季度劳务费", "management_expense", "reviewed_sent"),
    ("岳西县绿源茶叶机械厂", "organisation", "3400 9876 5432 1098 765", "农商银行岳西支行", 18_500, "茶叶加工厂揉捻机维修", "operating_expense", "approved"),
    ("李秀英", "person", "6228 4800 9999 8888 777", "农业银行岳西支行", 2_400, "村保洁员11月工资", "management_expense", "submitted"),
    ("岳西县文印社", "organisation", "3400 5555 6666 7777 888", "农商银行岳西支行", 860, "村务公开栏制作费", "management_expense", "draft"),
    ("张明华", "person", "6217 1111 2222 3333 444", "邮储银行岳西支行", 1_200, "村民小组会议误工补贴", "management_expense", "rejected"),
    ("陈小军", "person", "6217 2222 3333 4444 555", "邮储银行岳西支行", 4_800, "河道清淤劳务费", "welfare_expense", "bank_failed"),
]


FALLBACK = ("management_expense", "operating_expense", "other_expense")  # a chart without the role (公益支出 is 2023's)


def _user(role: str, code: str):
    ra = RoleAssignment.objects.filter(role=role, region_id=code).select_related("user").order_by("user_id").first()
    return ra.user if ra else None


def load_demo(seed: int = 2021) -> dict[str, int]:
    with_secretary = RoleAssignment.objects.filter(role="village_secretary").values("region_id")
    ra = RoleAssignment.objects.filter(role="village_accountant", region_id__in=with_secretary).select_related("user").order_by("region_id").first()
    book = Book.objects.filter(region_id=ra.region_id, opening_confirmed=True).order_by("code").first() if ra else None
    if book is None or PaymentRequest.objects.filter(book=book).exists():
        return {"requests": 0}
    accountant, secretary = ra.user, _user("village_secretary", book.region_id)
    township = _user("township_supervisor", township_of(book.region_id))
    banks = services.bank_accounts(book)
    if not banks or secretary is None or township is None:
        return {"requests": 0}
    services.set_payer_account(accountant, book, banks[0].code, "3400 1020 3040 5060 708", "农商银行岳西支行")
    matter = Matter.objects.filter(village_id=book.region_id, stage__in=DECIDED_STAGES).exclude(status="abandoned").order_by("id").first()
    accounts = {}
    for a in book.accounts.filter(is_leaf=True, is_open=True).order_by("code"):
        for role in a.role_set:
            accounts.setdefault(role, a.code)
    t = services.thresholds_for(county_of(book.region_id))
    made = 0
    sent = []
    for payee, kind, number, bank, yuan, purpose, role, state in REQUESTS:
        code = accounts.get(role) or next((accounts[r] for r in FALLBACK if r in accounts), None)
        if code is None:
            continue
        d = RequestData(payee, kind, number, bank, yuan * YUAN, purpose, code, matter.pk if matter and yuan >= 50_000 else None)
        if services.needs_matter_for(book, d.amount) and d.matter_id is None:
            continue
        req = services.create_request(accountant, book, d, receipts=[(f"{purpose}-发票.pdf", PDF)])
        made += 1
        if state == "draft":
            continue
        services.submit(accountant, req)
        if state == "rejected":
            services.reject(secretary, req, "误工补贴标准须先经村民小组会议确定，请附会议记录")
            continue
        if state == "submitted":
            continue
        services.approve(secretary, req, "刘建国" if rules.needs_committee(d.amount, t) else "")
        if state == "approved":
            continue
        services.review(township, req)
        sent.append((req, state))
    if sent:
        services.send_bank_file(township, township_of(book.region_id))
        lines = ["业务参考号,结果,原因"]
        for req, state in sent:
            if state == "paid":
                lines.append(f"{req.reference},成功,")
            elif state == "bank_failed":
                lines.append(f"{req.reference},失败,收款账号与户名不符")
        if len(lines) > 1:
            services.read_bank_result(township, township_of(book.region_id), "\n".join(lines).encode(), "银行回单.csv")
        for req, state in sent:
            if state == "paid":
                try:
                    services.make_voucher(accountant, req)
                except Invalid:  # the demo book's current month closed: the request waits for its voucher
                    pass
    return {"requests": made}

