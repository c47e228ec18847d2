"""`sanwu keys status|rotate`: the keys of personal data encrypted at rest (core.crypto)."""

from django.apps import apps
from django.db import transaction

from sanwu.core import audit, crypto
from sanwu.core.cli_support import cli_actor, SanwuCommand
from sanwu.regions.models import Person


# Every encrypted column: ID numbers, payees' bank account numbers.
ENCRYPTED = (("regions.Person", "id_number_encrypted"), ("payments.PaymentRequest", "payee_account_encrypted"))


def rotate() -> int:
    """A new current key; every encrypted value re-encrypted under it in one transaction; then
    the old keys dropped. Returns the number of values re-encrypted."""
    crypto.add_key()
    count = 0
    with transaction.atomic():
        for label, column in ENCRYPTED:
            model = apps.get_model(label)
            for pk, token in model.objects.values_list("pk", column).iterator(chunk_size=2000):
                if token:
                    model.objects.filter(pk=pk).update(**{column: crypto.reencrypt(token)})
                    count += 1
        audit.record("keys.rotate", object_type="core.crypto", note=f"{count} 项个人信息已用新密钥重新加密")
    crypto.drop_old_keys()
    return count


class Command(SanwuCommand):
    help = "个人信息加密密钥：status 查看，rotate 轮换（生成新密钥、重新加密全部数据、删除旧密钥）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        sub.add_parser("status", help="密钥文件位置与密钥个数")
        sub.add_parser("rotate", help="轮换密钥")

    def handle(self, *args, verb, **opts):
        if verb == "status":
            self.stdout.write(f"密钥文件：{crypto.key_file()}\n密钥个数：{crypto.key_count()}\n加密的身份证号：{Person.objects.count()} 条")
            return
        with cli_actor(None):
            count = rotate()
        self.stdout.write(f"已轮换密钥，重新加密 {count} 项个人信息（身份证号、收款账号）。")
