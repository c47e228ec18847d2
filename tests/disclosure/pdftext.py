"""Just enough of a PDF reader to get the text out of WeasyPrint's PDFs in tests: objects (also
inside object streams), Flate streams, each font's ToUnicode map, and the text operators of the
pages' content streams (Tf, Tj, TJ). No dependency beyond zlib."""

import re
import zlib

_OBJ = re.compile(rb"(\d+)\s+(\d+)\s+obj\b")
_REF = rb"(\d+)\s+0\s+R"


def _stream(data: bytes, pos: int, head: bytes) -> bytes:
    length = int(re.search(rb"/Length\s+(\d+)", head).group(1))
    start = data.index(b"stream", pos) + len(b"stream")
    if data[start : start + 2] == b"\r\n":
        start += 2
    elif data[start : start + 1] in (b"\n", b"\r"):
        start += 1
    raw = data[start : start + length]
    return zlib.decompress(raw) if b"/FlateDecode" in head else raw


def objects(data: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """Object number -> (dictionary text, decoded stream or None)."""
    out: dict[int, tuple[bytes, bytes | None]] = {}
    for m in _OBJ.finditer(data):
        num = int(m.group(1))
        body_start = m.end()
        s = data.find(b"stream", body_start)
        e = data.find(b"endobj", body_start)
        if s != -1 and s < e:
            head = data[body_start:s]
            out[num] = (head, _stream(data, body_start, head))
        else:
            out[num] = (data[body_start:e], None)
    for num, (head, body) in list(out.items()):
        if body is not None and b"/ObjStm" in head:
            n = int(re.search(rb"/N\s+(\d+)", head).group(1))
            first = int(re.search(rb"/First\s+(\d+)", head).group(1))
            ints = [int(x) for x in body[:first].split()]
            pairs = [(ints[2 * i], ints[2 * i + 1]) for i in range(n)]
            for i, (onum, off) in enumerate(pairs):
                end = first + pairs[i + 1][1] if i + 1 < n else len(body)
                out.setdefault(onum, (body[first + off : end], None))
    return out


def _cmap(text: bytes) -> dict[int, str]:
    out: dict[int, str] = {}

    def uni(hexs: bytes) -> str:
        raw = bytes.fromhex(hexs.decode())
        return raw.decode("utf-16-be", errors="replace")

    for block in re.findall(rb"beginbfchar(.*?)endbfchar", text, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            out[int(src, 16)] = uni(dst)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", text, re.S):
        for lo, hi, rest in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(\[[^\]]*\]|<[0-9A-Fa-f]+>)", block):
            lo_i, hi_i = int(lo, 16), int(hi, 16)
            if rest.startswith(b"["):
                for i, dst in enumerate(re.findall(rb"<([0-9A-Fa-f]+)>", rest)):
                    out[lo_i + i] = uni(dst)
            else:
                base = int(rest[1:-1], 16)
                width = len(rest) - 2
                for i in range(hi_i - lo_i + 1):
                    out[lo_i + i] = uni(f"{base + i:0{width}X}".encode())
    return out


def _fonts_of(objs, res_head: bytes) -> dict[bytes, dict[int, str]]:
    m = re.search(rb"/Font\s*(<<.*?>>|" + _REF + rb")", res_head, re.S)
    if not m:
        return {}
    font_dict = m.group(1)
    if not font_dict.startswith(b"<<"):
        font_dict = objs[int(m.group(2))][0]
    fonts = {}
    for name, ref in re.findall(rb"/([^\s/<>\[\]()]+)\s+" + _REF, font_dict):
        head = objs[int(ref)][0]
        tu = re.search(rb"/ToUnicode\s+" + _REF, head)
        fonts[name] = _cmap(objs[int(tu.group(1))][1] or b"") if tu else {}
    return fonts


def _decode(hexs: bytes, cmap: dict[int, str], width: int = 4) -> str:
    hexs = re.sub(rb"\s", b"", hexs)
    return "".join(cmap.get(int(hexs[i : i + width], 16), "") for i in range(0, len(hexs), width))


def text(data: bytes) -> str:
    """All the text of the PDF's pages, in content-stream order."""
    objs = objects(data)
    out = []
    for head, _ in objs.values():
        if not re.search(rb"/Type\s*/Page\b", head):
            continue
        res = re.search(rb"/Resources\s+" + _REF, head)
        res_head = objs[int(res.group(1))][0] if res else head
        fonts = _fonts_of(objs, res_head)
        contents = re.search(rb"/Contents\s*(\[[^\]]*\]|" + _REF + rb")", head)
        refs = [int(x) for x in re.findall(_REF, contents.group(1))] if contents else []
        for ref in refs:
            stream = objs[ref][1] or b""
            cmap: dict[int, str] = {}
            for tok in re.finditer(rb"/([^\s/<>\[\]()]+)\s+[\d.]+\s+Tf|\[(.*?)\]\s*TJ|<([0-9A-Fa-f\s]*)>\s*Tj", stream, re.S):
                if tok.group(1) is not None:
                    cmap = fonts.get(tok.group(1), {})
                elif tok.group(2) is not None:
                    out.append("".join(_decode(h, cmap) for h in re.findall(rb"<([0-9A-Fa-f\s]*)>", tok.group(2))))
                else:
                    out.append(_decode(tok.group(3), cmap))
            out.append("\n")
    return "".join(out)
