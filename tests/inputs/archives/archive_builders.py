"""Archives built by the tests themselves: well-formed ones and hostile ones."""

from __future__ import annotations

import gzip
import io
import struct
import tarfile
import zipfile


def zip_bytes(members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip archive of ``members``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def tar_bytes(members: dict[str, bytes], mode: str = "w") -> bytes:
    """A tar archive of regular files (``mode`` ``w:gz``, ``w:bz2``, ``w:xz`` compress it)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as archive:  # type: ignore[call-overload]
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def tar_with(infos: list[tuple[tarfile.TarInfo, bytes]]) -> bytes:
    """A plain tar archive of hand-made headers (links, devices, odd names)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.GNU_FORMAT) as archive:
        for info, data in infos:
            info.size = len(data) if info.isfile() else 0
            archive.addfile(info, io.BytesIO(data) if info.isfile() else None)
    return buffer.getvalue()


def ar_bytes(members: dict[str, bytes]) -> bytes:
    """An ar archive (the container of a .deb)."""
    out = bytearray(b"!<arch>\n")
    for name, data in members.items():
        header = (f"{name:<16}{0:<12}{0:<6}{0:<6}{100644:<8}{len(data):<10}").encode() + b"`\n"
        out += header + data + (b"\n" if len(data) % 2 else b"")
    return bytes(out)


def deb_bytes(files: dict[str, bytes]) -> bytes:
    """A Debian package whose data.tar.xz holds ``files``."""
    return ar_bytes({
        "debian-binary": b"2.0\n",
        "control.tar.gz": tar_bytes({"./control": b"Package: demo\nVersion: 1.0\n"}, "w:gz"),
        "data.tar.xz": tar_bytes({f"./{k}": v for k, v in files.items()}, "w:xz"),
    })


def cpio_bytes(files: dict[str, bytes]) -> bytes:
    """A newc cpio archive of regular files."""
    out = bytearray()

    def entry(name: str, data: bytes, mode: int) -> None:
        raw = name.encode() + b"\x00"
        fields = [1, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(raw), 0]
        out.extend(b"070701" + b"".join(f"{v:08x}".encode() for v in fields) + raw)
        out.extend(b"\x00" * (-len(out) % 4))
        out.extend(data)
        out.extend(b"\x00" * (-len(out) % 4))

    for name, data in files.items():
        entry(name, data, 0o100644)
    entry("TRAILER!!!", b"", 0)
    return bytes(out)


def rpm_bytes(files: dict[str, bytes]) -> bytes:
    """A minimal RPM package: lead, empty signature and main headers, gzip'd cpio payload."""
    lead = b"\xed\xab\xee\xdb\x03\x00" + b"\x00" * 90
    header = b"\x8e\xad\xe8\x01" + b"\x00" * 4 + struct.pack(">II", 0, 0)
    return lead + header + header + gzip.compress(cpio_bytes(
        {f"./{k}": v for k, v in files.items()}))
