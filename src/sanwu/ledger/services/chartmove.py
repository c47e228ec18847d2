"""Old chart to new (财会〔2023〕20号): a book on the 2004 chart moves to the 2023 chart at a year
boundary. A new book is opened for the same collective on the new chart, dated the day after the
old book's last closed year; every closing balance goes, through the mapping in the chart data
(`charts.CHART_MOVES`), into the new book's opening balances, which are confirmed; the old book
is marked as succeeded and takes no more vouchers, and stays readable and verifiable.

Detail sub-accounts a book added under a 2004 account move under the 2023 account their parent
goes to, with their names (new codes under the new parent). Where an old account lands on a new
account that has sub-accounts, it gets a sub-account of its own name there, so that every
balance sits on a leaf.

Who: the book's accountant (who prepares the new book's opening, as for opening balances), or
the county supervisor / city administrator (the book administrators). The move is checked and
made in one step; the mapping report (old code/name/balance → new code/name/balance, totals
tied) is printed from the record kept (`ChartMove`)."""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction

from sanwu.core.errors import Invalid, Problem
from sanwu.core.money import format_yuan
from sanwu.core.tables import Column, Table

from ..charts import CHART_VERSIONS, chart_moves
from ..models import Account, AccountMonth, Book, ChartMove, Period, Voucher
from .books import confirm_opening, make_book, new_book_problems, set_opening_balances
from .reports import balances
from .roles import BOOK_ADMIN_ROLES, MAKE_ROLES, audit_change, require_role

MOVE_ROLES = MAKE_ROLES | BOOK_ADMIN_ROLES


def move_cutoff(book: Book, to_chart: str) -> tuple[dt.date | None, list[Problem]]:
    """The last day of the old book (31 December of its last year closed and confirmed by the
    township, the year-end closing done), or the problems that stop the move — every one."""
    problems: list[Problem] = []
    if book.successor_id:
        successor = Book.objects.filter(pk=book.successor_id).values_list("code", flat=True).first()
        return None, [Problem(f"账套「{book.code}」已换用新会计制度，由账套「{successor}」接续，不能再次转换")]
    if to_chart not in CHART_VERSIONS:
        return None, [Problem(f"会计制度应为 2023 或 2004，而不是「{to_chart}」", field="to")]
    if book.chart == to_chart:
        return None, [Problem(f"账套「{book.code}」已在执行{CHART_VERSIONS[to_chart]}", field="to")]
    if not chart_moves(book.chart, to_chart):
        return None, [Problem(f"没有从 {book.chart} 年制度到 {to_chart} 年制度的科目对照", field="to")]
    if not book.opening_confirmed:
        problems.append(Problem(f"账套「{book.code}」的期初余额尚未确认"))
    year = (
        Period.objects.filter(book=book, month=12, status="closed").order_by("-year").values_list("year", flat=True).first()
    )
    if year is None:
        problems.append(Problem(
            f"账套「{book.code}」还没有结账并经乡镇确认的年度：新旧制度在年度之间衔接，"
            "请先做年终结转、结账至12月并由乡镇确认，再换用新制度"
        ))
        return None, problems
    cutoff = dt.date(year, 12, 31)
    left = _pnl_left(book, year)
    if left:
        shown = "、".join(f"{a.code} {a.name} {format_yuan(abs(v))} 元" for a, v in left[:5])
        more = f"等 {len(left)} 个科目" if len(left) > 5 else ""
        problems.append(Problem(f"{year}年尚未完成年终结转：{shown}{more}仍有余额，请先结转本年收益"))
    later = Voucher.objects.filter(book=book, date__gt=cutoff).count()
    if later:
        problems.append(Problem(
            f"账套「{book.code}」在 {year}年12月31日之后还有 {later} 张凭证（含草稿），"
            f"新旧制度只能在 {year + 1}年1月1日衔接：请先处理这些凭证"
        ))
    return (cutoff if not problems else None), problems


def _pnl_left(book: Book, year: int) -> list[tuple[Account, int]]:
    """Income, expense, 本年收益 and 各项分配 accounts with a balance at the end of `year` (what the
    year-end closing leaves at zero, as `periods.year_end_left` keeps December open for)."""
    closing = {acc_id: t[3] for acc_id, t in balances(book, (year, 1), (year, 12)).items()}
    out = []
    for a in Account.objects.filter(book=book, is_leaf=True).order_by("code"):
        if (a.category == "pnl" or a.role_set & {"current_year_income", "distribution_items"}) and closing.get(a.pk, 0):
            out.append((a, closing[a.pk]))
    return out


@dataclass
class _NewChart:
    """The new book's accounts while they are mapped: by code, with children's names."""

    book: Book
    by_code: dict[str, Account] = field(default_factory=dict)

    def sub(self, parent: Account, name: str, source: str = "", is_open: bool = True) -> Account:
        """`parent`'s sub-account named `name`: the one there, or a new one (next free code)."""
        kids = [a for a in self.by_code.values() if a.parent_id == parent.pk]
        same = next((a for a in kids if a.name == name), None)
        if same is not None:
            return same
        used = {int(a.code[len(parent.code):]) for a in kids if a.code[len(parent.code):].isdigit()}
        n = next((i for i in range(1, 100) if i not in used), None)
        if n is None:
            raise Invalid(Problem(f"新账科目「{parent}」下的明细科目已满（99个），无法转入「{name}」"))
        acc = Account.objects.create(
            book=self.book, code=f"{parent.code}{n:02d}", name=name, category=parent.category, side=parent.side,
            roles=parent.roles, parent=parent, standard=False, is_leaf=True, is_open=is_open, default_source=source,
        )
        if parent.is_leaf:
            parent.is_leaf = False
            parent.save(update_fields=["is_leaf"])
        self.by_code[acc.code] = acc
        return acc


def _carrying(accounts: list[Account], by_id: dict[int, Account], used: set[int]) -> set[int]:
    """The old accounts that bring something into the new book: a balance or postings (`used`),
    or a detail sub-account the book added (itself and the accounts above it, which it goes
    under). Only these get the sub-accounts the mapping names (an unused 应付福利费 or 企业上交利润
    makes none; a standard sub-account has its own mapping and brings its parent nothing)."""
    out = set(used)
    for a in accounts:
        if not a.standard:
            node = a
            while node is not None and node.pk not in out - used:
                out.add(node.pk)
                node = by_id.get(node.parent_id)
    return out


def migrate_chart(user, book: Book, to_chart: str, new_code: str) -> ChartMove:
    """Move `book` to `to_chart` as the new book `new_code` (see the module's text)."""
    require_role(user, book, MOVE_ROLES, "换用新会计制度")
    moves = chart_moves(book.chart, to_chart)
    with transaction.atomic():
        book = Book.objects.select_for_update().get(pk=book.pk)  # one move of a book at a time
        cutoff, problems = move_cutoff(book, to_chart)
        if cutoff is not None:
            problems += new_book_problems(new_code)
        if problems:
            raise Invalid(problems)
        new = make_book(
            user, new_code, book.region, to_chart, name=book.collective.name, credit_code=book.collective.credit_code,
            start_date=cutoff + dt.timedelta(days=1), collective=book.collective,
        )
        chart = _NewChart(new, {a.code: a for a in Account.objects.filter(book=new)})
        old_accounts = list(Account.objects.filter(book=book).order_by("code"))  # parents before children
        old_by_id = {a.pk: a for a in old_accounts}
        closing = {acc_id: t[3] for acc_id, t in balances(book, (cutoff.year, 1), (cutoff.year, 12)).items()}
        used = set(AccountMonth.objects.filter(book=book).values_list("account_id", flat=True).distinct())
        used |= {pk for pk, v in closing.items() if v}
        carries = _carrying(old_accounts, old_by_id, used)
        target: dict[str, Account] = {}
        for a in old_accounts:
            m = moves.get(a.code) if a.standard else None
            if m is not None:
                to = chart.by_code[m.new]
                target[a.code] = chart.sub(to, m.sub) if m.sub and a.pk in carries else to
            else:
                parent = old_by_id.get(a.parent_id)
                if parent is None or parent.code not in target:
                    raise Invalid(Problem(f"科目「{a}」在对照表中没有对应的新科目"))
                target[a.code] = chart.sub(target[parent.code], a.name, a.default_source, a.is_open)
        # Every account in use lands on a leaf: one whose balance or postings arrive on an account
        # with sub-accounts gets a sub-account of its own name there.
        for a in old_accounts:
            if a.is_leaf and a.pk in used and not target[a.code].is_leaf:
                target[a.code] = chart.sub(target[a.code], a.name, a.default_source, a.is_open)
        opening: dict[str, int] = {}
        for a in old_accounts:
            if a.is_leaf and closing.get(a.pk):
                code = target[a.code].code
                opening[code] = opening.get(code, 0) + closing[a.pk]
        set_opening_balances(user, new, opening)
        confirm_opening(user, new)
        book.successor = new
        book.save(update_fields=["successor"])
        move = ChartMove.objects.create(
            old_book=book, new_book=new, cutoff=cutoff, made_by=user if user is not None and user.pk else None,
            account_map={code: acc.code for code, acc in target.items()},
        )
        audit_change(
            user, "book.chart_move", book, region_code=book.region_id,
            old={"chart": book.chart}, new={"chart": to_chart, "successor": new.code, "cutoff": cutoff.isoformat(), "accounts": len(opening)},
        )
    return move


# --- The mapping report ---------------------------------------------------------------------


def _direction(balance: int) -> tuple[str, int]:
    if balance > 0:
        return "借", balance
    if balance < 0:
        return "贷", -balance
    return "平", 0


def chart_move_report(move: ChartMove) -> dict:
    """The mapping report: one line per old leaf account (old code, name and closing balance →
    new code, name and the amount carried into it), and the totals of the old book's closing
    balances and of the new book's opening balances as stored, which tie."""
    old, new = move.old_book, move.new_book
    moves = chart_moves(old.chart, new.chart)
    closing = balances(old, (move.cutoff.year, 1), (move.cutoff.year, 12))
    new_accounts = {a.code: a for a in Account.objects.filter(book=new)}
    opening = {ob.account.code: ob.balance for ob in new.opening_balances.select_related("account")}
    lines = []
    old_accounts = list(Account.objects.filter(book=old).order_by("code"))
    by_id = {a.pk: a for a in old_accounts}
    for a in old_accounts:
        if not a.is_leaf:
            continue
        amount = closing.get(a.pk, (0, 0, 0, 0))[3]
        to = new_accounts.get(move.account_map.get(a.code, ""))
        m, node = moves.get(a.code) if a.standard else None, a
        while m is None and node is not None and not node.standard:  # a detail sub-account: its standard ancestor's note
            node = by_id.get(node.parent_id)
            m = moves.get(node.code) if node is not None else None
        note = ""
        if m is not None:
            note = m.note + ("（对照待核对）" if m.uncertain else "")
            if not a.standard:
                note = f"明细科目随上级「{node.code} {node.name}」转入" + (f"；{note}" if note else "")
        side, value = _direction(amount)
        lines.append({
            "old_code": a.code, "old_name": a.name, "old_side": side, "old_balance": value, "balance": amount,
            "new_code": to.code if to else "", "new_name": _path(to, new_accounts) if to else "",
            "new_side": side, "new_balance": value, "note": note,
        })
    old_debit = sum(line["balance"] for line in lines if line["balance"] > 0)
    old_credit = -sum(line["balance"] for line in lines if line["balance"] < 0)
    new_debit = sum(v for v in opening.values() if v > 0)
    new_credit = -sum(v for v in opening.values() if v < 0)
    return {
        "book": new, "chart_label": CHART_VERSIONS[new.chart],  # what the statement PDFs' heading names
        "old_book": old, "new_book": new, "cutoff": move.cutoff, "start": new.start_date, "made_at": move.made_at,
        "old_chart": CHART_VERSIONS[old.chart], "new_chart": CHART_VERSIONS[new.chart], "lines": lines,
        "totals": {"old_debit": old_debit, "old_credit": old_credit, "new_debit": new_debit, "new_credit": new_credit},
        "tied": old_debit == new_debit and old_credit == new_credit and old_debit == old_credit,
    }


def _path(account: Account, by_code: dict[str, Account]) -> str:
    """The account's name with its parents' (应付款—应付福利费)."""
    names = [account.name]
    node = account
    while node.parent_id:
        node = next(a for a in by_code.values() if a.pk == node.parent_id)
        names.append(node.name)
    return "—".join(reversed(names))


def chart_move_table(report: dict) -> Table:
    t = report["totals"]
    rows = list(report["lines"])
    rows.append({"old_name": "借方合计", "old_balance": t["old_debit"], "new_name": "借方合计", "new_balance": t["new_debit"],
                 "note": "相符" if t["old_debit"] == t["new_debit"] else "不符"})
    rows.append({"old_name": "贷方合计", "old_balance": t["old_credit"], "new_name": "贷方合计", "new_balance": t["new_credit"],
                 "note": "相符" if t["old_credit"] == t["new_credit"] else "不符"})
    return Table(
        f"新旧会计制度科目余额对照表（{report['old_book'].code} → {report['new_book'].code}，{report['cutoff']}）",
        [
            Column("old_code", "原科目编码", width=12), Column("old_name", "原科目名称", width=22), Column("old_side", "方向"),
            Column("old_balance", "原账期末余额", money=True, width=16), Column("new_code", "新科目编码", width=12),
            Column("new_name", "新科目名称", width=28), Column("new_side", "方向"), Column("new_balance", "转入新账金额", money=True, width=16),
            Column("note", "说明", width=50),
        ],
        rows,
    )


def chart_move_of(book: Book) -> ChartMove | None:
    """The move that made this book, or that this book made (either side)."""
    return ChartMove.objects.filter(old_book=book).first() or ChartMove.objects.filter(new_book=book).first()
