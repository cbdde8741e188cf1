"""Text in any Unicode encoding with a BOM, and common legacy encodings, is read; binaries are not (issue 17)."""
import io
import json
import zipfile

import pytest

from comparer.models import Article
from comparer.pipeline.ingest import IngestError, decode_bytes, ingest_paths

UKRAINE = ("Ukraine denies Russian claims of an advance into Dnipropetrovsk\n\n"
           "Ukraine's General Staff on Sunday denied that Russian forces had entered the region, "
           "calling the claim “propaganda”.")
UKRAINIAN = "Україна заперечує заяви Росії про просування військ на Донеччині, повідомив Генштаб у понеділок."
RUSSIAN = "Министерство обороны России заявило о продвижении войск в Днепропетровской области."
WESTERN = "Café au lait, said the minister on Monday — “no comment” about the naïve plan."

# (encoding passed to str.encode, text). "utf-16" and "utf-32" write a BOM, as a Windows editor does.
BOM_CASES = [("utf-16", UKRAINE), ("utf-16-le", UKRAINE), ("utf-16-be", UKRAINE), ("utf-32", UKRAINE),
             ("utf-32-be", UKRAINE), ("utf-8-sig", UKRAINE), ("utf-16", UKRAINIAN)]
LEGACY_CASES = [("cp1251", UKRAINIAN), ("cp1251", RUSSIAN), ("koi8_r", RUSSIAN), ("cp1252", WESTERN),
                ("latin-1", "Caf\xe9 au lait, said the minister on Monday.")]

_BOM_FOR = {"utf-16-le": "\ufeff", "utf-16-be": "\ufeff", "utf-32-be": "\ufeff"}


@pytest.mark.parametrize("encoding,text", BOM_CASES + LEGACY_CASES)
def test_decode_bytes_reads_unicode_with_bom_and_legacy_encodings(encoding, text):
    raw = (_BOM_FOR.get(encoding, "") + text).encode(encoding)
    assert decode_bytes(raw, "f.txt") == text


@pytest.mark.django_db
def test_utf16_text_file_saved_by_a_windows_editor_is_ingested(tmp_path):
    (tmp_path / "ukraine.txt").write_bytes(UKRAINE.replace("\n", "\r\n").encode("utf-16"))
    (tmp_path / "ukraine.meta.json").write_bytes(json.dumps({"outlet": "Windows Outlet"}).encode("utf-16"))
    (tmp_path / "ua.txt").write_bytes(("Заява Генштабу\n\n" + UKRAINIAN).encode("cp1251"))
    (tmp_path / "rows.csv").write_bytes(f'title,text\n"Zürich","{WESTERN}"\n'.encode("cp1252"))
    report = ingest_paths([tmp_path])
    assert not report.errors, report.errors
    stored = Article.objects.get(outlet__name="Windows Outlet")
    assert stored.title == "Ukraine denies Russian claims of an advance into Dnipropetrovsk"
    assert "“propaganda”" in stored.text
    assert Article.objects.filter(text__contains=UKRAINIAN).exists()
    assert Article.objects.filter(title="Zürich", text=WESTERN).exists()


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "hello " * 100)
    return buffer.getvalue()


@pytest.mark.parametrize("raw", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
    _zip_bytes(),
    b"%PDF-1.7\n" + bytes(range(128, 256)) * 8,
    b"\xff\xfe" + "".join(map(chr, range(1, 32))).encode("utf-16-le") * 40,  # a UTF-16 BOM, then control codes
], ids=["png", "zip", "pdf", "bom-then-binary"])
def test_real_binaries_are_still_refused(raw):
    with pytest.raises(IngestError, match="binary"):
        decode_bytes(raw, "f.txt")
