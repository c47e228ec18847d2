import os


from sanwu.core import backup
from sanwu.core.cli_support import cli_actor, SanwuCommand


class Command(SanwuCommand):
    help = (
        "从 sanwu backup 的文件恢复数据库、上传文件和密钥到当前配置的位置（DATABASE_URL、SANWU_VAR_DIR）。"
        "目标不是空的时候拒绝，除非加 --force；恢复前请先停掉服务"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="sanwu backup 写的备份文件")
        parser.add_argument("--passphrase-file", help="口令文件（取第一行）")
        parser.add_argument("--force", action="store_true", help="目标数据库或上传文件目录不是空的也覆盖（原有的上传文件和密钥改名保留）")

    def handle(self, *args, **opts):
        with cli_actor(None):
            summary = backup.restore(opts["file"], backup.passphrase(opts["passphrase_file"]), force=opts["force"])
        self.stdout.write(f"已从 {summary.path} 恢复：{summary}")
        if os.environ.get("SANWU_SECRET_KEY"):
            self.stderr.write("注意：环境变量 SANWU_SECRET_KEY 已设置，它优先于恢复的 var/secret_key；要用备份里的密钥请去掉它")
