
from sanwu.core import backup
from sanwu.core.cli_support import cli_actor, SanwuCommand


class Command(SanwuCommand):
    help = (
        "备份：数据库、上传文件和密钥写进一个用口令加密的文件（运行中也可以备份）。"
        f"口令用 --passphrase-file 文件 或环境变量 {backup.PASSPHRASE_ENV} 给出"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="备份文件，例如 /srv/backup/sanwu-2026-12-03.sanwu")
        parser.add_argument("--passphrase-file", help="口令文件（取第一行）")

    def handle(self, *args, **opts):
        with cli_actor(None):
            summary = backup.backup(opts["file"], backup.passphrase(opts["passphrase_file"]))
        self.stdout.write(f"已备份到 {summary.path}（{summary.size / 1e6:.1f} MB，已加密）：{summary}")
