"""Regenerate the bundled Chinese font: ``python -m nbtools.make_font``.

Downloads the npm package below with ``npm pack`` (the npm registry is the
only network source needed), cuts its Regular face down to the characters of
:func:`charset` with fontTools (installed with matplotlib), renames the
family so that it can never be confused with an installed full font, and
writes ``toolkit/assets/`` atomically. Needs ``npm`` on the PATH.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

from toolkit.files import write_bytes_atomic, write_text_atomic
from toolkit.fonts import FONT_FAMILY, FONT_FILE, LICENSE_FILE

PACKAGE = "@expo-google-fonts/noto-sans-sc"
VERSION = "0.4.3"
SOURCE_FACE = "package/400Regular/NotoSansSC_400Regular.ttf"
SOURCE_LICENSE = "package/LICENSE_FONT"
# sha256 of the package tarball this font was made from (npm pack output).
TARBALL_SHA256 = "0d69d0f4971d2ff574e3d93cbc218dc950bf3f3f8f8e2c008d97687ed53aee59"

# Beyond GB 2312: the punctuation and symbols our notebooks and learners use.
EXTRA = "·—–‘’“”…×÷±≤≥≈≠∂∇²³⁴√∞→←↔αβγδεθλμπσ"


def charset() -> str:
    """Every character of GB 2312 (6,763 hanzi and 682 symbols), printable
    ASCII, CJK symbols and punctuation, full-width forms and :data:`EXTRA`."""
    chars = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    chars.update(chr(c) for c in range(0x20, 0x7F))
    chars.update(chr(c) for c in range(0x3000, 0x3040))
    chars.update(chr(c) for c in range(0xFF01, 0xFF5F))
    chars.update(EXTRA)
    return "".join(sorted(chars))


def gb2312_hanzi() -> str:
    """The 6,763 hanzi of GB 2312 (rows 16-87)."""
    return "".join(c for c in charset() if "\u4e00" <= c <= "\u9fff")


def download(workdir: Path) -> bytes:
    """The npm tarball's bytes, checked against :data:`TARBALL_SHA256`."""
    subprocess.run(
        ["npm", "pack", "--silent", f"{PACKAGE}@{VERSION}"],
        cwd=workdir,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    (tarball,) = workdir.glob("*.tgz")
    data = tarball.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != TARBALL_SHA256:
        raise SystemExit(
            f"{PACKAGE}@{VERSION}: sha256 {digest} differs from the recorded "
            f"{TARBALL_SHA256}; check the package, then update TARBALL_SHA256"
        )
    return data


def make_subset(face: bytes) -> bytes:
    """Subset ``face`` to :func:`charset` and give it the family FONT_FAMILY."""
    font = TTFont(io.BytesIO(face))
    options = subset.Options()
    options.name_IDs = ["*"]  # keep copyright, licence and designer records
    options.name_languages = [0x409]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in charset()])
    subsetter.subset(font)
    names = font["name"]
    postscript = FONT_FAMILY.replace(" ", "") + "-Regular"
    for name_id, value in {
        1: FONT_FAMILY,
        3: f"{postscript};subset of Noto Sans SC {font['head'].fontRevision:.3f}",
        4: f"{FONT_FAMILY} Regular",
        6: postscript,
        16: FONT_FAMILY,
    }.items():
        names.setName(value, name_id, 3, 1, 0x409)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        data = download(Path(tmp))
        with tarfile.open(fileobj=io.BytesIO(data)) as archive:
            face = archive.extractfile(SOURCE_FACE).read()
            licence = archive.extractfile(SOURCE_LICENSE).read().decode("utf-8")
    write_bytes_atomic(FONT_FILE, make_subset(face))
    write_text_atomic(LICENSE_FILE, licence)
    print(f"wrote {FONT_FILE} ({FONT_FILE.stat().st_size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
