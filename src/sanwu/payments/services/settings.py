"""The county's thresholds (`PaymentSettings`, defaults in `rules.DEFAULTS`) and the account each
book pays from (`PayerAccount`)."""

from django.db import connection, transaction

from sanwu.core import audit, permissions
from sanwu.core.errors import Invalid, Problem
from sanwu.core.masking import normalize_account
from sanwu.ledger.models import Account, Book
from sanwu.regions.services import registered_county

from .. import rules
from ..models import PayerAccount, PaymentSettings
from ..rules import Thresholds
from .permissions import MAKE_ROLES, SETTINGS_ROLES

FIELDS = ("matter_threshold", "committee_threshold", "warn_without_request", "warn_min_amount")


def thresholds_for(county_code: str) -> Thresholds:
    """One county's thresholds (plain SQL: the posting hook asks at every posting)."""
    qn = connection.ops.quote_name
    with connection.cursor() as cur:
        cur.execute(f"SELECT {', '.join(qn(f) for f in FIELDS)} FROM {qn(PaymentSettings._meta.db_table)} WHERE county_id = %s", [county_code])
        row = cur.fetchone()
    if row is None:
        return rules.DEFAULTS
    values = dict(zip(FIELDS, row))
    values["warn_without_request"] = bool(values["warn_without_request"])
    return Thresholds(**values)


def update_thresholds(user, county_code: str, **values) -> Thresholds:
    """A county supervisor sets the county's thresholds (audited, old and new values)."""
    county = registered_county(county_code)
    permissions.require(user, SETTINGS_ROLES, county_code, "修改该县的资金支付审批参数", object_type="payments.settings", object_id=county_code)
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise Invalid([Problem(f"未知参数「{k}」") for k in sorted(unknown)])
    with transaction.atomic():
        row = PaymentSettings.objects.select_for_update().filter(county=county).first()
        old = thresholds_for(county_code)
        new = Thresholds(**{f: values.get(f, getattr(old, f)) for f in FIELDS})
        problems = rules.thresholds_errors(new)
        if problems:
            raise Invalid([Problem(p) for p in problems])
        row = row or PaymentSettings(county=county)
        for f in FIELDS:
            setattr(row, f, getattr(new, f))
        row.updated_by = user if getattr(user, "pk", None) else None
        row.save()
        audit.record("payments.settings.update", row, actor=user, region_code=county_code,
                     old={f: getattr(old, f) for f in FIELDS}, new={f: getattr(new, f) for f in FIELDS})
    return new


def bank_accounts(book: Book) -> list[Account]:
    """The book's open leaf bank-role accounts, in code order."""
    return [a for a in Account.objects.filter(book=book, is_leaf=True, is_open=True).order_by("code") if "bank" in a.role_set]


def payer_account_of(book: Book) -> PayerAccount | None:
    return PayerAccount.objects.filter(book=book).select_related("account").first()


def set_payer_account(user, book: Book, account_code: str, number: str, bank: str) -> PayerAccount:
    """The accountant registers the bank account the village pays from (for the bank file)."""
    permissions.require(user, MAKE_ROLES, book.region_id, "登记付款账户", object_type="payments.payer", object_id=book.code)
    problems = []
    account = next((a for a in bank_accounts(book) if a.code == account_code), None)
    if account is None:
        problems.append(Problem(f"科目「{account_code}」不是本账套启用的末级银行存款科目", field="银行存款科目"))
    digits = normalize_account(number)
    if not digits.isdigit() or not 8 <= len(digits) <= rules.MAX_ACCOUNT_DIGITS:
        problems.append(Problem(f"付款账号应为8到{rules.MAX_ACCOUNT_DIGITS}位数字", field="付款账号"))
    if not (bank or "").strip() or len(bank.strip()) > 100:
        problems.append(Problem("请填写开户行（不超过100个字）", field="开户行"))
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        row, _ = PayerAccount.objects.update_or_create(book=book, defaults={"account": account, "number": digits, "bank": bank.strip()})
        audit.record("payments.payer", row, actor=user, region_code=book.region_id, new={"account": account.code, "number": digits, "bank": row.bank})
    return row
