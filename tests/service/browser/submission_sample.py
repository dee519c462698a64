"""A small submission for the browser flows: Python, JavaScript and Java sources that use
MD5, AES in ECB mode, SM3 and SM4, packed as a .tgz."""

from __future__ import annotations

from service_factory import tarball

LEGACY_PY = """\
import hashlib


def fingerprint(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()
"""

GM_PY = """\
from gmssl import func, sm3


def digest(data: bytes) -> str:
    return sm3.sm3_hash(func.bytes_to_list(data))
"""

SEAL_JS = """\
const crypto = require('crypto');

function seal(key, text) {
  const cipher = crypto.createCipheriv('aes-128-ecb', key, null);
  return Buffer.concat([cipher.update(text), cipher.final()]);
}
module.exports = { seal };
"""

GM_JAVA = """\
package com.example.teller;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

public class Gm {
    public static byte[] seal(byte[] key, byte[] data) throws Exception {
        Cipher cipher = Cipher.getInstance("SM4/CBC/PKCS5Padding", "BC");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "SM4"));
        return cipher.doFinal(data);
    }
}
"""

FILES = {"teller/src/py/legacy.py": LEGACY_PY, "teller/src/py/gm.py": GM_PY,
         "teller/src/js/seal.js": SEAL_JS, "teller/src/java/Gm.java": GM_JAVA}
# the algorithms the engine finds in FILES, each the title of a group on the inspection page
ALGORITHMS = ("AES", "MD5", "SM3", "SM4")


def teller_tgz() -> bytes:
    """FILES as a .tgz."""
    return tarball(FILES)
