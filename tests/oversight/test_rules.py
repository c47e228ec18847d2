"""Each warning rule as a pure function: facts in, findings out (no database)."""

import ast
import datetime as dt
from pathlib import Path

from sanwu.oversight import rules
from sanwu.oversight.rules import BookMonths, Line, Params, Payment, VoucherFacts

D = dt.date
CASH = frozenset({"cash"})
BANK = frozenset({"bank"})
MGMT = frozenset({"management_expense"})
OPEX = frozenset({"operating_expense"})
INCOME = frozenset({"operating_income"})
PAYABLE = frozenset({"payable"})
FIXED = frozenset({"fixed_asset"})
YUAN = 100


def voucher(*lines, vid=1, att=0, kind="normal", date=D(2025, 3, 5), label="2025-03 记-0001", summary="支付"):
    return VoucherFacts(id=vid, village_code="340828100200", date=date, label=label, lines=tuple(lines), attachment_count=att, kind=kind, book_id=7, summary=summary)


def dr(roles, yuan, cp="", st=""):
    return Line(roles, debit=int(yuan * YUAN), counterparty=cp, settlement=st)


def cr(roles, yuan, cp="", st=""):
    return Line(roles, credit=int(yuan * YUAN), counterparty=cp, settlement=st)


# --- the vocabulary: money out, cash payment, expense, expenditure ---------------------------------


def test_an_expense_paid_from_the_cash_box_is_an_expenditure_and_a_cash_payment():
    v = voucher(dr(MGMT, 1500), cr(CASH, 1500))
    assert (v.money_out, v.cash_out, v.expense, v.expenditure) == (150000, 150000, 150000, 150000)


def test_a_bank_payment_of_a_payable_is_an_expenditure_without_expense():
    v = voucher(dr(PAYABLE, 30000), cr(BANK, 30000))
    assert (v.money_out, v.cash_out, v.expense, v.expenditure) == (3000000, 0, 0, 3000000)


def test_an_accrued_expense_is_an_expenditure_though_no_money_moves():
    v = voucher(dr(OPEX, 800), cr(PAYABLE, 800))
    assert (v.money_out, v.expense, v.expenditure) == (0, 80000, 80000)


def test_moving_money_between_bank_and_cash_box_is_not_an_expenditure():
    withdrawal = voucher(dr(CASH, 5000), cr(BANK, 5000))
    deposit = voucher(dr(BANK, 5000), cr(CASH, 5000))
    for v in (withdrawal, deposit):
        assert (v.money_out, v.cash_out, v.expenditure) == (0, 0, 0)


def test_income_is_not_an_expenditure():
    v = voucher(dr(BANK, 1200), cr(INCOME, 1200))
    assert v.expenditure == 0 and v.money_out < 0


def test_red_ink_reversals_and_year_end_closings_are_not_expenditures():
    reversal = voucher(dr(MGMT, -1500), cr(CASH, -1500))
    closing = voucher(dr(frozenset({"current_year_income"}), 1500), cr(MGMT, 1500), kind="closing")
    assert reversal.expenditure == 0 and reversal.cash_out == 0
    assert closing.expenditure == 0


def test_a_payment_split_between_bank_and_cash_counts_only_the_cash_part_as_cash():
    v = voucher(dr(FIXED, 3000), cr(BANK, 2000), cr(CASH, 1000))
    assert (v.money_out, v.cash_out, v.expenditure) == (300000, 100000, 300000)


def test_the_counterparty_is_taken_from_the_paying_lines_first():
    v = voucher(dr(MGMT, 100, cp=""), cr(BANK, 100, cp="岳西县印刷厂"))
    assert v.counterparty == "岳西县印刷厂"
    assert voucher(dr(MGMT, 100), cr(CASH, 100)).counterparty == ""


# --- cash over the limit ---------------------------------------------------------------------------


def test_cash_payment_at_the_limit_is_flagged_below_it_not():
    at = rules.cash_over_limit(voucher(dr(MGMT, 1000), cr(CASH, 1000)))
    below = rules.cash_over_limit(voucher(dr(MGMT, 999.99), cr(CASH, 999.99)))
    assert below == []
    (f,) = at
    assert (f.rule, f.severity, f.subject, f.amount, f.voucher_id, f.village_code) == (
        "cash_over_limit", "medium", "voucher:1", 100000, 1, "340828100200",
    )
    assert "现金支付 1,000.00元" in f.message and "限额 1,000.00元" in f.message


def test_cash_limit_is_the_countys_parameter():
    v = voucher(dr(MGMT, 600), cr(CASH, 600))
    assert rules.cash_over_limit(v) == []
    assert len(rules.cash_over_limit(v, Params(cash_limit=500 * YUAN))) == 1


def test_a_bank_payment_and_a_withdrawal_are_never_cash_payments():
    assert rules.cash_over_limit(voucher(dr(MGMT, 9000), cr(BANK, 9000))) == []
    assert rules.cash_over_limit(voucher(dr(CASH, 9000), cr(BANK, 9000))) == []
    assert rules.cash_over_limit(voucher(dr(BANK, 9000), cr(CASH, 9000))) == []


# --- no attachment ---------------------------------------------------------------------------------


def test_expenditure_without_attachment_is_flagged():
    (f,) = rules.no_attachment(voucher(dr(OPEX, 200), cr(BANK, 200)))
    assert f.rule == "no_attachment" and f.amount == 20000 and "附件 0 张" in f.message


def test_expenditure_with_attachment_and_income_without_are_not():
    assert rules.no_attachment(voucher(dr(OPEX, 200), cr(BANK, 200), att=1)) == []
    assert rules.no_attachment(voucher(dr(BANK, 200), cr(INCOME, 200))) == []


# --- large expenditure without a decision ---------------------------------------------------------


def test_large_expenditure_without_a_completed_decision_is_flagged_high():
    v = voucher(dr(FIXED, 50000), cr(BANK, 50000))
    (f,) = rules.large_without_decision(v, decided=False)
    assert (f.rule, f.severity, f.amount) == ("large_without_decision", "high", 5000000)
    assert "四议两公开" in f.message


def test_large_expenditure_with_a_decision_or_below_the_threshold_is_not():
    assert rules.large_without_decision(voucher(dr(FIXED, 50000), cr(BANK, 50000)), decided=True) == []
    assert rules.large_without_decision(voucher(dr(FIXED, 49999.99), cr(BANK, 49999.99)), decided=False) == []


def test_the_threshold_is_the_countys_parameter():
    v = voucher(dr(FIXED, 20000), cr(BANK, 20000))
    assert len(rules.large_without_decision(v, False, Params(large_amount=2 * rules.WAN))) == 1


# --- round sums ------------------------------------------------------------------------------------


def test_large_round_sum_payments_are_flagged_low():
    (f,) = rules.round_sum(voucher(dr(PAYABLE, 30000), cr(BANK, 30000)))
    assert (f.rule, f.severity, f.amount) == ("round_sum", "low", 3000000)


def test_not_round_or_not_large_or_not_paid_out_is_not_flagged():
    assert rules.round_sum(voucher(dr(PAYABLE, 30000.5), cr(BANK, 30000.5))) == []
    assert rules.round_sum(voucher(dr(PAYABLE, 5000), cr(BANK, 5000))) == []
    assert rules.round_sum(voucher(dr(CASH, 10000), cr(BANK, 10000))) == []  # a withdrawal
    assert rules.round_sum(voucher(dr(BANK, 20000), cr(INCOME, 20000))) == []  # income


def test_round_unit_and_minimum_are_parameters():
    v = voucher(dr(PAYABLE, 5000), cr(BANK, 5000))
    assert len(rules.round_sum(v, Params(round_min=5000 * YUAN, round_unit=1000 * YUAN))) == 1


# --- the same counterparty and amount twice ---------------------------------------------------------


def pay(vid, order, day, cp="岳西县建材公司", yuan=3200, book=7):
    return Payment(vid, order, D(2025, 3, day), cp, yuan * YUAN, f"2025-03 记-{order:04d}", "340828100200", book)


def test_the_same_counterparty_and_amount_within_seven_days_flags_the_later_one():
    first, second = pay(1, 1, 3), pay(2, 2, 10)
    (f,) = rules.duplicate_payments([second], [first])
    assert (f.rule, f.subject, f.voucher_id, f.amount) == ("duplicate_payment", "voucher:2", 2, 320000)
    assert "2025-03 记-0001" in f.message and "相隔 7 天" in f.message


def test_eight_days_apart_another_amount_or_another_counterparty_is_not_a_duplicate():
    first = pay(1, 1, 3)
    assert rules.duplicate_payments([pay(2, 2, 11)], [first]) == []
    assert rules.duplicate_payments([pay(2, 2, 4, yuan=3201)], [first]) == []
    assert rules.duplicate_payments([pay(2, 2, 4, cp="另一家公司")], [first]) == []
    assert rules.duplicate_payments([pay(2, 2, 4, book=8)], [first]) == []


def test_duplicates_within_one_batch_flag_only_the_later_posted():
    a, b = pay(1, 1, 5), pay(2, 2, 5)
    (f,) = rules.duplicate_payments([a, b], [])
    assert f.voucher_id == 2 and "同一天" in f.message


def test_a_back_dated_voucher_posted_later_is_the_one_flagged():
    earlier_posted, back_dated = pay(1, 5, 10), pay(2, 6, 8)
    (f,) = rules.duplicate_payments([back_dated], [earlier_posted])
    assert f.voucher_id == 2


def test_the_window_is_a_parameter():
    assert len(rules.duplicate_payments([pay(2, 2, 20)], [pay(1, 1, 3)], Params(duplicate_days=30))) == 1


def test_payment_of_needs_an_expenditure_and_a_counterparty():
    assert rules.payment_of(voucher(dr(MGMT, 100), cr(BANK, 100, cp="甲")), 3).amount == 10000
    assert rules.payment_of(voucher(dr(MGMT, 100), cr(BANK, 100)), 3) is None
    assert rules.payment_of(voucher(dr(BANK, 100, cp="甲"), cr(INCOME, 100)), 3) is None


# --- months not closed by the 10th ----------------------------------------------------------------


def book_months(closed=(), start=D(2025, 1, 1)):
    return BookMonths(3, "340828100200", "大歇村股份经济合作社", start, frozenset(closed))


def test_a_month_open_after_the_10th_of_the_next_is_overdue():
    assert rules.month_not_closed(book_months(), D(2025, 2, 10)) == []  # the deadline day itself is still in time
    (f,) = rules.month_not_closed(book_months(), D(2025, 2, 11))
    assert (f.rule, f.subject, f.book_id, f.occurred_on, f.severity) == ("month_not_closed", "book:3:2025-01", 3, D(2025, 2, 10), "low")
    assert "2025年1月" in f.message


def test_one_warning_for_the_earliest_open_month_counting_the_rest():
    (f,) = rules.month_not_closed(book_months(closed={(2025, 1)}), D(2025, 5, 20))
    assert f.subject == "book:3:2025-02"
    assert "共 3 个月" in f.message  # February, March and April (May is not due yet)


def test_closed_months_in_time_raise_nothing():
    closed = {(2025, m) for m in range(1, 5)}
    assert rules.month_not_closed(book_months(closed=closed), D(2025, 5, 20)) == []


def test_the_close_day_is_a_parameter():
    assert rules.month_not_closed(book_months(), D(2025, 2, 6), Params(close_day=5)) != []
    assert rules.overdue_months(book_months(), D(2025, 4, 11)) == [(2025, 1), (2025, 2), (2025, 3)]


# --- disclosures and questions (data from the disclosure app) ---------------------------------------


def test_overdue_disclosures_become_findings_per_village_and_period():
    items = [
        {"village_code": "340828100200", "period": "2025-03", "label": "2025年3月", "due_date": D(2025, 4, 10)},
        {"village_code": "340828101200", "period": "2025-03", "label": "2025年3月", "due_date": D(2025, 6, 30)},  # not yet due
    ]
    (f,) = rules.disclosure_overdue(items, D(2025, 4, 20))
    assert (f.rule, f.subject, f.village_code, f.severity) == ("disclosure_overdue", "disclosure:340828100200:2025-03", "340828100200", "medium")
    assert f.message.startswith("2025年3月 财务公开逾期未发布") and f.occurred_on == D(2025, 4, 10)


def test_overdue_questions_become_findings_per_question():
    class Q:
        def __init__(self, pk, village_code, deadline):
            self.pk, self.village_code, self.deadline = pk, village_code, deadline

    found = rules.question_overdue([Q(5, "340828100200", D(2025, 4, 1)), Q(6, "340828100200", D(2025, 5, 1))], D(2025, 4, 20))
    assert [(f.rule, f.subject, f.severity) for f in found] == [("question_overdue", "question:5", "high")]
    assert rules.RULES["question_overdue"].responsible == "township"


def test_the_rules_module_is_pure():
    """No import of models, services or the database, at module level or inside a function: what
    the rules need from the books and the other apps is passed in by the services."""
    tree = ast.parse(Path(rules.__file__).read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    assert imported == {"datetime", "collections", "collections.abc", "dataclasses", "functools", "typing", "sanwu.core.money", "sanwu.ledger.charts"}


# --- parameters ------------------------------------------------------------------------------------


def test_defaults_are_stated_and_checked():
    p = rules.DEFAULTS
    assert (p.cash_limit, p.large_amount, p.duplicate_days, p.round_min, p.round_unit, p.close_day, p.response_days) == (
        100000, 5000000, 7, 1000000, 1000000, 10, 7,
    )
    assert rules.params_errors(p) == []
    bad = Params(cash_limit=0, duplicate_days=0, round_min=100, round_unit=1000, close_day=31, disabled=frozenset({"nope"}))
    assert len(rules.params_errors(bad)) == 5


def test_voucher_findings_respect_disabled_rules():
    v = voucher(dr(MGMT, 20000), cr(CASH, 20000))
    assert {f.rule for f in rules.voucher_findings(v)} == {"cash_over_limit", "no_attachment", "round_sum"}
    assert {f.rule for f in rules.voucher_findings(v, Params(disabled=frozenset({"round_sum", "no_attachment"})))} == {"cash_over_limit"}


def _months_of(lo: int, hi: int) -> frozenset:
    return frozenset((i // 12, i % 12 + 1) for i in range(lo, hi + 1))


def test_an_unbroken_run_of_closed_months_is_counted_in_arithmetic_exactly_as_walked():
    """The dashboard counts overdue months from (first, last) of a book's closed run: the same
    first month and count as walking every month since the book's start, for every placement of
    the run (before, across, after the start; past the last due month; none) and deadline day."""
    start = D(2019, 5, 1)
    s = 2019 * 12 + 4
    for close_day in (1, 10, 28):
        p = Params(close_day=close_day)
        for as_of in (D(2019, 5, 20), D(2019, 6, 10), D(2019, 7, 11), D(2021, 1, 1), D(2021, 3, 9), D(2021, 3, 10), D(2021, 3, 28)):
            runs = [None] + [(lo, hi) for lo in range(s - 3, s + 26, 2) for hi in range(lo, s + 28, 3)]
            for run in runs:
                closed = _months_of(*run) if run else frozenset()
                walked = rules.overdue_months(BookMonths(1, "340828100200", "大歇村", start, closed), as_of, p)
                assert rules.overdue_of_closed_run(start, run, as_of, p) == ((walked[0], len(walked)) if walked else None), (close_day, as_of, run)


def test_a_voucher_that_neither_pays_nor_spends_is_left_out_only_when_no_rule_could_flag_it():
    """`may_flag` is a shortcut for batches: wherever it says False, every posting rule finds
    nothing — for incomes, transfers, closings and payments, under the defaults and under
    parameters at their smallest (thresholds of one fen; zero thresholds, which `params_errors`
    refuses, make it say True)."""
    cases = [
        voucher(dr(BANK, 5000), cr(INCOME, 5000), summary="收到光伏发电收入"),
        voucher(dr(CASH, 2000), cr(BANK, 2000), summary="提取现金"),
        voucher(dr(BANK, 2000), cr(CASH, 2000), summary="现金存入银行"),
        voucher(dr(INCOME, 800), cr(FIXED, 800), kind="closing"),
        voucher(dr(OPEX, 3000, cp="施工队"), cr(CASH, 3000, cp="施工队"), summary="支付工程款"),
        voucher(dr(MGMT, 120), cr(PAYABLE, 120), summary="计提管理费用"),
        voucher(dr(CASH, -500), cr(INCOME, -500), summary="红字冲销收入"),
    ]
    smallest = Params(cash_limit=1, large_amount=1, round_min=1, round_unit=1)
    for p in (rules.DEFAULTS, smallest):
        for v in cases:
            if not rules.may_flag(v, p):
                assert rules.voucher_findings(v, p) == [] and rules.payment_of(v, 1) is None, v.summary
    assert [rules.may_flag(v, smallest) for v in cases] == [False, False, False, False, True, True, True]  # red ink on cash pays out
    assert all(rules.may_flag(v, Params(cash_limit=0)) for v in cases if v.kind != "closing")
