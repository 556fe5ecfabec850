"""Evidence files: checked by what they contain, never by their name, and named by us."""

from __future__ import annotations

import uuid
import zipfile
from dataclasses import dataclass

from accreditation.errors import AccreditationError

# (content type, extension, test on the first bytes). Office's modern formats are ZIP files
# holding [Content_Types].xml; the old ones are OLE compound files.
SIGNATURES = [
    ("application/pdf", "pdf", lambda h: h.startswith(b"%PDF-")),
    ("image/png", "png", lambda h: h.startswith(b"\x89PNG\r\n\x1a\n")),
    ("image/jpeg", "jpg", lambda h: h.startswith(b"\xff\xd8\xff")),
    ("image/gif", "gif", lambda h: h[:6] in (b"GIF87a", b"GIF89a")),
    ("image/webp", "webp", lambda h: h[:4] == b"RIFF" and h[8:12] == b"WEBP"),
    ("audio/wav", "wav", lambda h: h[:4] == b"RIFF" and h[8:12] == b"WAVE"),
    ("audio/mpeg", "mp3", lambda h: h.startswith(b"ID3") or h[:2] in (b"\xff\xfb", b"\xff\xf3")),
    ("audio/mp4", "m4a", lambda h: h[4:8] == b"ftyp" and h[8:11] == b"M4A"),
    ("video/mp4", "mp4", lambda h: h[4:8] == b"ftyp"),
    ("video/webm", "webm", lambda h: h.startswith(b"\x1a\x45\xdf\xa3")),
    (
        "application/vnd.ms-office",
        "doc",
        lambda h: h.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
    ),
]
OFFICE_ZIP = "application/vnd.openxmlformats-officedocument"
ACCEPTED = (
    "PDF, Word, Excel, PowerPoint, images (PNG, JPEG, GIF, WebP), audio (MP3, WAV, M4A) "
    "or video (MP4, WebM)"
)


@dataclass
class CheckedUpload:
    content_type: str
    stored_name: str


def check_upload(upload, *, max_mb: int) -> CheckedUpload:
    """Refuse files over the size limit or of a kind we do not accept, whatever their name."""
    if upload.size > max_mb * 1024 * 1024:
        raise AccreditationError(
            f"The file must be {max_mb} MB or smaller. Choose a smaller file, or add a link "
            "to it instead."
        )
    if upload.size == 0:
        raise AccreditationError("The file is empty. Choose another file.")
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    content_type, extension = _sniff(head, upload)
    if content_type is None:
        raise AccreditationError(
            f"The file must be {ACCEPTED}. Choose a file of one of these kinds, or add a link "
            "instead."
        )
    return CheckedUpload(content_type, f"{uuid.uuid4().hex}.{extension}")


def _sniff(head: bytes, upload) -> tuple[str | None, str]:
    if head.startswith(b"PK\x03\x04"):
        return _office_zip(upload)
    for content_type, extension, test in SIGNATURES:
        if test(head):
            return content_type, extension
    return None, ""


def _office_zip(upload) -> tuple[str | None, str]:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return None, ""
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in names:
        return None, ""
    for folder, extension in (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx")):
        if any(name.startswith(folder) for name in names):
            return OFFICE_ZIP, extension
    return None, ""
