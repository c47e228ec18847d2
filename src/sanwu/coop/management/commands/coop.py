"""sanwu coop <verb>: the cooperative's members, shares, certificates and distributions, each as
the page does it and honouring `--as USERNAME` (without it, the system operator)."""

import json

from django.conf import settings
from django.core.management.base import CommandError

from sanwu.coop import rules
from sanwu.coop.imports import import_members
from sanwu.coop.services import certificates
from sanwu.coop.services import distribution as dist
from sanwu.coop.services import supervision, ventures
from sanwu.coop.services.holdings import holdings
from sanwu.coop.tables import holdings_table, officers_table, reviews_table, ventures_table
from sanwu.core.cli_support import (
    SanwuCommand,
    add_as_argument, add_table_arguments, cli_actor, date_option, emit, existing_file, output_format, write_file_or_binary,
)
from sanwu.core.dates import today
from sanwu.core.permissions import get_visible
from sanwu.ledger.models import Book


def _book(user, code: str) -> Book:
    return get_visible(Book, user, code=code)


class Command(SanwuCommand):
    help = "股份经济合作社：成员、股权、股权证与收益分配"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        # --- members and rosters ---
        imp = sub.add_parser("import-members", help="从 Excel/CSV 导入成员名册和期初股权（全部无误才导入）")
        imp.add_argument("file")
        imp.add_argument("--book", required=True, help="账套编码（账套所属的集体经济组织）")
        imp.add_argument("--date", help="期初登记日期 YYYY-MM-DD（默认今天）")
        add_as_argument(imp)
        # --- shares, the register and certificates ---
        hold = sub.add_parser("holdings", help="某日的持股明细：每个持股人（户或集体）一行，按股份类别")
        hold.add_argument("--book", required=True, help="账套编码")
        hold.add_argument("--date", help="截至日期 YYYY-MM-DD（默认今天）")
        add_table_arguments(hold)
        add_as_argument(hold)
        cert = sub.add_parser("certificate", help="股权证 PDF：该户没有有效股权证时发证（查询码只在此显示一次），否则输出有效股权证（不含查询码）")
        cert.add_argument("--book", required=True, help="账套编码")
        cert.add_argument("--household", required=True, help="户号")
        cert.add_argument("--member", default="", help="成员身份证号：按人持股时为户主以外的成员发证")
        cert.add_argument("--output", required=True, help="PDF 文件名")
        cert.add_argument("--date", help="发证时的持股截止日期 YYYY-MM-DD（默认今天）")
        add_as_argument(cert)
        # --- the distribution ---
        dis = sub.add_parser("distribution", help="收益分配方案：已草拟的方案（含审核、入账、支付情况），或按年终结转后的账簿测算")
        dis.add_argument("--book", required=True, help="账套编码")
        dis.add_argument("--year", required=True, type=int, help="年度")
        dis.add_argument("--reserve-rate", help="公积公益金提取比例（%%，占可分配收益；不给出时用本县规则）；给出时按此测算")
        dis.add_argument("--save", action="store_true", help="把测算结果保存为草拟方案（村会计；已有草拟方案时重新计算）")
        add_table_arguments(dis)
        add_as_argument(dis)
        pay = sub.add_parser("distribution-pay", help="登记已支付分红的户（每户付清），生成付款凭证并提交乡镇审核")
        pay.add_argument("--book", required=True, help="账套编码")
        pay.add_argument("--year", required=True, type=int, help="年度")
        pay.add_argument("--households", required=True, help="已支付的户号，逗号分隔")
        pay.add_argument("--date", help="支付日期 YYYY-MM-DD（默认今天）")
        add_as_argument(pay)
        bank = sub.add_parser("distribution-bank-list", help="分红银行代发清单（未支付的户，含完整账号；仅村会计和乡镇，留审计记录）")
        bank.add_argument("--book", required=True, help="账套编码")
        bank.add_argument("--year", required=True, type=int, help="年度")
        add_table_arguments(bank)
        add_as_argument(bank)
        # --- joint ventures ---
        ven = sub.add_parser("ventures", help="合作经营项目：各方出资与占比（每方一行；--format json 含年度利润分配）")
        ven.add_argument("--book", required=True, help="账套编码")
        add_table_arguments(ven)
        add_as_argument(ven)
        # --- the supervisory committee ---
        off = sub.add_parser("officers", help="任职情况：理事会、财务会计人员、村务监督委员会（监事会）成员（姓名脱敏）")
        off.add_argument("--book", required=True, help="账套编码")
        add_table_arguments(off)
        add_as_argument(off)
        revs = sub.add_parser("finance-reviews", help="民主理财记录：每月审核意见、签字成员与是否过半")
        revs.add_argument("--book", required=True, help="账套编码")
        revs.add_argument("--year", type=int, help="年度（默认全部）")
        add_table_arguments(revs)
        add_as_argument(revs)
        rev = sub.add_parser("finance-review", help="记录一个月的民主理财并签字（须 --as 村务监督委员会在任成员的账号）")
        rev.add_argument("--book", required=True, help="账套编码")
        rev.add_argument("--month", required=True, help="所审月份，如 2025-03")
        rev.add_argument("--remarks", required=True, help="审核意见（无异议也请写明）")
        rev.add_argument("--date", help="理财日期 YYYY-MM-DD（默认今天）")
        add_as_argument(rev)

    def _json(self, data, output: str | None) -> None:
        """JSON to the file named, or to standard output."""
        text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
        if not write_file_or_binary(text.encode("utf-8"), output):
            self.stdout.write(text, ending="")

    def handle(self, *args, action, **opts):
        with cli_actor(opts.get("as_user")) as actor:
            getattr(self, "_" + action.replace("-", "_"))(actor.user, opts)

    # --- members and rosters ---

    def _import_members(self, user, opts):
        path = existing_file(opts["file"])
        book = _book(user, opts["book"])
        r = import_members(user, book, path.read_bytes(), path.name, date_option(opts["date"], "期初登记日期"))
        self.stdout.write(
            f"已导入{book.collective.name}：{r.households}户、{r.people}人（成员{r.members}人，新登记人员{r.new_people}人），股权登记{r.operations}笔\n"
        )

    # --- shares, the register and certificates ---

    def _holdings(self, user, opts):
        book = _book(user, opts["book"])
        on = date_option(opts["date"], "截至日期")
        classes, rows = holdings(book.collective, on)
        emit(holdings_table(classes, rows, on), opts["format"], opts["output"], self.stdout)

    def _certificate(self, user, opts):
        book = _book(user, opts["book"])
        holder = certificates.household_holder_for(book.collective, opts["household"], opts["member"])
        cert, code = certificates.current_certificate(holder), None
        if cert is None:
            cert, code = certificates.issue_certificate(
                user, holder, as_at=date_option(opts["date"], "持股截止日期", default=today()), collective=book.collective,
            )
        elif opts["date"]:
            self.stderr.write(f"{opts['household']}户已有有效的股权证{cert.number}（截至{cert.as_at}）：输出该证，不按 --date 换发\n")
        data = certificates.certificate_pdf(cert, code)
        with open(opts["output"], "wb") as fh:
            fh.write(data)
        certificates.record_download(user, cert, with_code=code is not None)
        if not settings.SANWU_PUBLIC_BASE_URL:
            self.stderr.write("未设置 SANWU_PUBLIC_BASE_URL：二维码中的核验网址指向本机\n")
        if code is not None:
            self.stdout.write(f"已发放股权证 {cert.number}\n查询码 {rules.format_query_code(code)}（只显示这一次，已印在 {opts['output']} 上）\n")
        else:
            self.stdout.write(f"股权证 {cert.number}（有效，截至{cert.as_at}）已写入 {opts['output']}，不含查询码（查询码见原证）\n")

    # --- the distribution ---

    def _saved(self, user, opts):
        book = _book(user, opts["book"])
        d = dist.distribution_of(book, opts["year"])
        if d is None:
            raise CommandError(f"{book}没有{opts['year']}年的收益分配方案")
        return d

    def _distribution(self, user, opts):
        book = _book(user, opts["book"])
        rate = _percent_bp(opts["reserve_rate"]) if opts["reserve_rate"] is not None else None
        if opts["save"]:
            plan = dist.draft(user, book, opts["year"], reserve_rate_bp=rate)
        else:
            saved = dist.distribution_of(book, opts["year"]) if rate is None else None
            plan = saved or dist.compute(book, opts["year"], reserve_rate_bp=rate)
        fmt = output_format(opts["format"], opts["output"])
        if fmt == "json":
            return self._json(dist.plan_json(plan), opts["output"])
        emit(dist.plan_table(plan), fmt, opts["output"], self.stdout)

    def _distribution_pay(self, user, opts):
        d = self._saved(user, opts)
        v = dist.pay(user, d, opts["households"].split(","), date_option(opts["date"], "支付日期"))
        self.stdout.write(f"已登记支付，付款凭证草稿已提交乡镇审核：{v.summary}\n")

    def _distribution_bank_list(self, user, opts):
        d = self._saved(user, opts)
        emit(dist.bank_list(user, d), opts["format"], opts["output"], self.stdout)


    # --- joint ventures ---

    def _ventures(self, user, opts):
        book = _book(user, opts["book"])
        items = list(ventures.ventures_of(book.collective))
        if output_format(opts["format"], opts["output"]) == "json":
            return self._json([ventures.venture_json(v) for v in items], opts["output"])
        emit(ventures_table(book.collective, [(v, ventures.stake_rows(v)) for v in items]), opts["format"], opts["output"], self.stdout)

    # --- the supervisory committee ---

    def _officers(self, user, opts):
        book = _book(user, opts["book"])
        emit(officers_table(book.collective, supervision.officers_of(book.collective)), opts["format"], opts["output"], self.stdout)

    def _finance_reviews(self, user, opts):
        book = _book(user, opts["book"])
        emit(reviews_table(book.collective, supervision.reviews_of(book, opts["year"])), opts["format"], opts["output"], self.stdout)

    def _finance_review(self, user, opts):
        book = _book(user, opts["book"])
        year, month = supervision.parse_month(opts["month"])
        on = date_option(opts["date"], "理财日期", today())
        r = supervision.record_review(user, book, year, month, remarks=opts["remarks"], reviewed_on=on)
        state = supervision.review_state(r)
        self.stdout.write(f"已记录{book.collective.name}{year}年{month}月的民主理财：签字{len(state['signers'])}/{state['committee']}人" + ("，已过半。\n" if state["signed"] else "，尚未过半。\n"))


def _percent_bp(text: str) -> int:
    bp, problems = rules.parse_percent_bp(text)
    if problems or bp is None:
        raise CommandError(f"--reserve-rate 应为0到100之间的百分比，最多两位小数（给出的是「{text}」）")
    return bp

