"""Finding PEM blocks (``-----BEGIN <LABEL>-----`` .. ``-----END <LABEL>-----``) in any bytes.

Blocks are found in plain files and inside source code, where the body is often a string
literal: escaped newlines (``\\n``), quotes and concatenation are stripped from each line
before the base64 is read. Work is bounded: at most ``max_blocks`` blocks, each at most
``max_block_bytes`` long.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field

_BEGIN = re.compile(rb"-----BEGIN ([A-Z0-9][A-Z0-9 .#_-]{0,62})-----")
_HEADER = re.compile(rb"^\s*([A-Za-z][A-Za-z0-9-]*):\s*(\S.*?)\s*$")
_TOKEN = re.compile(rb"[A-Za-z0-9+/]+={0,2}")
_ESCAPES = re.compile(rb"\\+[rn]")


@dataclass(frozen=True)
class PemBlock:
    """One PEM block: its label, headers, decoded body and where it starts."""

    label: str
    headers: dict[str, str]
    der: bytes | None  # None when the body is not base64; empty when there is no body
    offset: int  # of ``-----BEGIN``
    line: int  # 1-based
    column: int  # 1-based

    def pem(self) -> bytes:
        """The block re-encoded as canonical PEM (for the library's PEM loaders)."""
        body = base64.encodebytes(self.der or b"")
        head = "".join(f"{k}: {v}\n" for k, v in self.headers.items())
        text = f"-----BEGIN {self.label}-----\n{head}{chr(10) if head else ''}"
        return text.encode() + body + f"-----END {self.label}-----\n".encode()


@dataclass
class PemScan:
    """Every block found, and what was passed over."""

    blocks: list[PemBlock] = field(default_factory=list)
    unterminated: list[tuple[str, int]] = field(default_factory=list)  # (label, line)
    over_limit: int = 0  # BEGIN lines not read because the block limit was reached


def _body(raw: bytes) -> tuple[dict[str, str], bytes | None]:
    """Headers and decoded base64 of the text between BEGIN and END."""
    lines = _ESCAPES.sub(b"\n", raw).splitlines()
    headers: dict[str, str] = {}
    chunks: list[bytes] = []
    for line in lines:
        if not chunks:
            match = _HEADER.match(line)
            if match is not None:
                headers[match.group(1).decode("ascii")] = match.group(2).decode(
                    "ascii", "replace")
                continue
        if line.lstrip().startswith(b"=") and chunks:  # an OpenPGP armor checksum
            continue
        tokens = [t for t in _TOKEN.findall(line) if t.strip(b"+/=")]
        if tokens:
            chunks.append(max(tokens, key=len))
    text = b"".join(chunks)
    if not text:
        return headers, b""
    text = text.rstrip(b"=")
    text += b"=" * (-len(text) % 4)
    try:
        return headers, base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return headers, None


def find_pem_blocks(data: bytes, *, max_blocks: int = 1000,
                    max_block_bytes: int = 1 << 20) -> PemScan:
    """The PEM blocks of ``data`` in order, bounded in count and size."""
    scan = PemScan()
    pos = 0
    line = 1
    line_pos = 0  # offset ``line`` was counted up to
    line_start = 0  # offset of the first byte of line ``line``
    while True:
        start = data.find(b"-----BEGIN ", pos)
        if start < 0:
            break
        if len(scan.blocks) >= max_blocks:
            scan.over_limit = data.count(b"-----BEGIN ", start)
            break
        newlines = data.count(b"\n", line_pos, start)
        if newlines:
            line += newlines
            line_start = data.rfind(b"\n", line_pos, start) + 1
        line_pos = start
        match = _BEGIN.match(data, start)
        if match is None:
            pos = start + 11
            continue
        label = match.group(1).decode("ascii")
        end_marker = b"-----END " + match.group(1) + b"-----"
        limit = min(len(data), match.end() + max_block_bytes)
        end = data.find(end_marker, match.end(), limit)
        following = data.find(b"-----BEGIN ", match.end(), limit)
        if end < 0 or 0 <= following < end:
            scan.unterminated.append((label, line))
            pos = match.end()
            continue
        headers, der = _body(data[match.end():end])
        scan.blocks.append(PemBlock(label, headers, der, start, line, start - line_start + 1))
        pos = end + len(end_marker)
    return scan
