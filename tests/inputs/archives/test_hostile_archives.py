"""The hostile-archive suite: bombs, traversal, links, devices, corruption, encryption,
many members and deep nesting.  Nothing crashes, nothing is written, every hostile member
is named with its reason, and the rest of each archive is still unpacked."""

from __future__ import annotations

import io
import struct
import tarfile
import zipfile

import pytest
from archive_builders import tar_bytes, tar_with, zip_bytes
from test_archive_formats import SOURCE, unpack

from anke.inputs.archives import ArchiveLimits

MIB = 1024 * 1024


def test_zip_bomb_by_ratio() -> None:
    bomb = zip_bytes({"zeros.bin": b"\x00" * (40 * MIB), "ok.py": SOURCE})
    found, refused = unpack("bomb.zip", bomb)
    assert found == {"bomb.zip!/ok.py": SOURCE}
    assert len(refused) == 1 and refused[0][0] == "bomb.zip!/zeros.bin"
    assert refused[0][1].startswith("compression ratio limit: more than 200x")


def test_member_size_and_total_limits() -> None:
    data = zip_bytes({"a.bin": b"a" * (2 * MIB), "b.bin": b"b" * (2 * MIB), "c.py": SOURCE},
                     compression=zipfile.ZIP_STORED)
    found, refused = unpack("big.zip", data, ArchiveLimits(max_member_bytes=MIB))
    assert list(found) == ["big.zip!/c.py"]
    assert {r[1] for r in refused} == {f"member size limit: more than {MIB} bytes"}
    found, refused = unpack("big.zip", data, ArchiveLimits(max_total_bytes=3 * MIB))
    assert list(found) == ["big.zip!/a.bin", "big.zip!/c.py"]
    assert refused == [("big.zip!/b.bin",
                        f"unpacked size limit: more than {3 * MIB} bytes in all")]


def _overlapping_zip() -> bytes:
    """Two central-directory entries that share one local file (a Fifield-style bomb)."""
    single = zip_bytes({"a.txt": b"A" * 1000})
    central = single.index(b"PK\x01\x02")
    end = single.index(b"PK\x05\x06")
    entry = single[central:end]
    second = entry.replace(b"a.txt", b"b.txt")
    record = bytearray(single[end:])
    struct.pack_into("<HHII", record, 8, 2, 2, len(entry) * 2, central)
    return single[:central] + entry + second + bytes(record)


def test_overlapping_entries_bomb() -> None:
    found, refused = unpack("overlap.zip", _overlapping_zip())
    assert found == {}
    assert sorted(refused) == [("overlap.zip!/a.txt", "overlapping entries (zip bomb)"),
                               ("overlap.zip!/b.txt", "overlapping entries (zip bomb)")]


def test_path_traversal_and_absolute_names() -> None:
    data = zip_bytes({"../../etc/evil.py": SOURCE, "/abs/evil.py": SOURCE, "ok.py": SOURCE})
    found, refused = unpack("trav.zip", data)
    assert found == {"trav.zip!/ok.py": SOURCE}
    assert sorted(refused) == [
        ("trav.zip!/../../etc/evil.py", "path traversal in archive member name"),
        ("trav.zip!//abs/evil.py", "absolute path in archive (path traversal)")]
    tar = tar_bytes({"../up.py": SOURCE, "fine.py": SOURCE})
    found, refused = unpack("trav.tar", tar)
    assert found == {"trav.tar!/fine.py": SOURCE}
    assert refused == [("trav.tar!/../up.py", "path traversal in archive member name")]


def _info(name: str, kind: bytes, link: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = link
    return info


def test_links_and_devices_in_tar() -> None:
    data = tar_with([
        (_info("lib/ok.py", tarfile.REGTYPE), SOURCE),
        (_info("lib/alias.py", tarfile.SYMTYPE, "ok.py"), b""),
        (_info("lib/passwd", tarfile.SYMTYPE, "../../etc/passwd"), b""),
        (_info("lib/shadow", tarfile.LNKTYPE, "/etc/shadow"), b""),
        (_info("dev/sda", tarfile.BLKTYPE), b""),
        (_info("dev/tty", tarfile.CHRTYPE), b""),
        (_info("run/pipe", tarfile.FIFOTYPE), b""),
    ])
    found, refused = unpack("links.tar", data)
    assert found == {"links.tar!/lib/ok.py": SOURCE}
    assert refused == [
        ("links.tar!/lib/passwd",
         "symbolic link pointing outside the archive (-> ../../etc/passwd)"),
        ("links.tar!/lib/shadow", "hard link pointing outside the archive (-> /etc/shadow)"),
        ("links.tar!/dev/sda", "device file"),
        ("links.tar!/dev/tty", "device file"),
        ("links.tar!/run/pipe", "named pipe"),
    ]


def test_symlink_and_encrypted_members_in_zip() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        link = zipfile.ZipInfo("link")
        link.create_system = 3
        link.external_attr = (0o120777 << 16)
        archive.writestr(link, "/etc/passwd")
        archive.writestr("secret.py", SOURCE)
        archive.writestr("ok.py", SOURCE)
    data = bytearray(buffer.getvalue())
    for signature, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # mark encrypted
        start = 0
        while (start := data.find(signature, start)) >= 0:
            name_at = start + (30 if flags_at == 6 else 46)
            if data[name_at:name_at + 9] == b"secret.py":
                data[start + flags_at] |= 0x1
            start += 4
    found, refused = unpack("mixed.zip", bytes(data))
    assert found == {"mixed.zip!/ok.py": SOURCE}
    assert refused == [("mixed.zip!/link", "symbolic link in archive (not followed)"),
                       ("mixed.zip!/secret.py", "encrypted member")]


def test_corrupt_archives_keep_what_was_read() -> None:
    good = tar_bytes({"a.py": SOURCE, "b.py": SOURCE * 2000}, "w:gz")
    found, refused = unpack("cut.tar.gz", good[: len(good) * 2 // 3])
    assert found == {"cut.tar.gz!/a.py": SOURCE}
    assert len(refused) >= 1 and refused[-1][0] == "cut.tar.gz"
    assert "corrupt" in refused[-1][1]
    found, refused = unpack("junk.zip", b"PK\x03\x04" + b"\xff" * 500)
    assert found == {} and refused[0][0] == "junk.zip"
    assert refused[0][1].startswith("corrupt zip archive")
    damaged = bytearray(zip_bytes({"a.py": SOURCE * 50, "b.py": SOURCE}))
    damaged[60:70] = b"\x00" * 10  # inside a.py's deflated data
    found, refused = unpack("crc.zip", bytes(damaged))
    assert found == {"crc.zip!/b.py": SOURCE}
    assert refused[0][0] == "crc.zip!/a.py" and refused[0][1].startswith("corrupt member")


def test_ten_thousand_members() -> None:
    data = zip_bytes({f"m/{i}.txt": b"x" for i in range(10_000)})
    found, refused = unpack("many.zip", data)
    assert len(found) == 10_000 and refused == []
    found, refused = unpack("many.zip", data, ArchiveLimits(max_members=1000))
    assert len(found) == 1000
    assert refused == [("many.zip", "member limit: more than 1000 members")]


def test_twenty_levels_of_nesting() -> None:
    data = zip_bytes({"core.py": SOURCE})
    for level in range(20):
        data = zip_bytes({f"level{level}.zip": data})
    found, refused = unpack("deep.zip", data)
    assert found == {}
    assert len(refused) == 1
    path, reason = refused[0]
    assert path.count("!/") == 8
    assert reason == "nesting depth limit: an archive 9 levels deep (limit 8)"


@pytest.mark.parametrize("mode", ["w:gz", "w:xz"])
def test_tar_bomb_is_bounded(mode: str) -> None:
    bomb = tar_bytes({"zeros": b"\x00" * (60 * MIB), "after.py": SOURCE}, mode)
    found, refused = unpack("bomb.tar.gz", bomb)
    assert found == {}
    assert refused[-1][0] == "bomb.tar.gz"
    assert refused[-1][1].startswith("compression ratio limit")
