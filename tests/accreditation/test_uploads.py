"""Evidence files are checked from their head: a 50 MB upload is never read whole to learn its kind
(bench/upload.py measures the serving process's memory through the real view)."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import UploadedFile

from accreditation.errors import AccreditationError
from accreditation.uploads import OFFICE_ZIP, check_upload

MB = 1024 * 1024


class CountingFile(io.FileIO):
    """A file on disk that counts the bytes read from it, however they are read."""

    bytes_read = 0

    def read(self, size=-1):
        data = super().read(size)
        self.bytes_read += len(data)
        return data

    def readinto(self, buffer):
        count = super().readinto(buffer)
        self.bytes_read += count or 0
        return count


def upload_of(path, name: str) -> tuple[UploadedFile, CountingFile]:
    file = CountingFile(path, "r")
    return UploadedFile(file=file, name=name, size=path.stat().st_size), file


def test_a_large_pdf_is_checked_from_its_first_4096_bytes(tmp_path):
    path = tmp_path / "minutes.pdf"
    with path.open("wb") as file:
        file.write(b"%PDF-1.7\n")
        file.truncate(30 * MB)  # a sparse 30 MB file: quick to make, as large as any to read
    upload, counted = upload_of(path, "minutes.pdf")

    checked = check_upload(upload, max_mb=50)

    assert checked.content_type == "application/pdf"
    assert counted.bytes_read == 4096
    upload.close()


def test_a_large_office_file_is_checked_from_its_zip_directory_only(tmp_path):
    path = tmp_path / "report.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
        archive.writestr("word/media/video.bin", bytes(20 * MB))
    upload, counted = upload_of(path, "report.docx")

    checked = check_upload(upload, max_mb=50)

    assert (checked.content_type, checked.stored_name[-5:]) == (OFFICE_ZIP, ".docx")
    # The head, the end-of-directory search and the directory: far less than the 20 MB member.
    assert counted.bytes_read < 128 * 1024
    upload.close()


def test_a_file_over_the_limit_is_refused_before_any_of_it_is_read(tmp_path):
    path = tmp_path / "huge.pdf"
    with path.open("wb") as file:
        file.write(b"%PDF-1.7\n")
        file.truncate(21 * MB)
    upload, counted = upload_of(path, "huge.pdf")

    with pytest.raises(AccreditationError) as refused:
        check_upload(upload, max_mb=20)

    assert refused.value.messages == [
        "The file must be 20 MB or smaller. Choose a smaller file, or add a link to it instead."
    ]
    assert counted.bytes_read == 0
    upload.close()
