from django.core.management.base import BaseCommand, CommandError

from sanwu.core.cli_support import cli_actor
from sanwu.disclosure.services import verify_disclosures
from sanwu.ledger.models import Book
from sanwu.ledger.services.verify import verify_book

from .book import find_book


class Command(BaseCommand):
    help = "校验账套：重算哈希链并核对保存的发生额；有问题时退出码为 1，并指出第一张不再相符的凭证"

    def add_arguments(self, parser):
        parser.add_argument("--book", help="只校验这个账套（默认全部账套）")
        parser.add_argument("--as", dest="as_user", help="以该用户身份校验（只校验其管辖范围内的账套）")

    def handle(self, *args, **opts):
        with cli_actor(opts["as_user"]) as actor:
            user = actor.user
            if opts["book"]:
                books = [find_book(opts["book"], user)]
            else:
                qs = Book.objects.all() if user is None else Book.objects.visible_to(user)
                books = qs.order_by("code").iterator()
            bad, count = [], 0
            for book in books:
                count += 1
                check = verify_book(book)
                if check.ok:
                    self.stdout.write(f"{book.code} ok（{check.vouchers} 张已记账凭证）")
                else:
                    self.stdout.write(f"{book.code} 有问题：")
                    for p in check.problems:
                        self.stdout.write(f"  {p}")
                    # Published disclosures carry the chain head of their day: say which no longer hold.
                    for p in verify_disclosures(book):
                        self.stdout.write(f"  {p}")
                    bad.append(check)
        if not count:
            self.stdout.write("没有可校验的账套")
        if bad:
            first = bad[0]
            where = f"第一张不再相符的凭证：{first.first_bad.label}；" if first.first_bad is not None else ""
            raise CommandError(f"{len(bad)} 个账套校验未通过。账套 {first.book.code}：{where}{first.problems[0]}")
