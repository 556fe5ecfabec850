"""The zip is written a chunk at a time: memory does not grow with the files in it."""

from __future__ import annotations

import io
import tempfile
import tracemalloc
import zipfile

from django.core.files.base import ContentFile
from django_tenants.utils import tenant_context

from platform_.exports.builder import COPY_CHUNK, write_export
from tests.factories import (
    PDF,
    ApplicationFactory,
    CharterVersionFactory,
    EvidenceFactory,
)

LARGE = 48 * 1024 * 1024


def test_a_large_evidence_file_is_copied_without_being_read_whole(tenant_a):
    with tenant_context(tenant_a):
        application = ApplicationFactory(version=CharterVersionFactory(number=1))
        evidence = EvidenceFactory(
            upload=True, application=application, file=ContentFile(PDF, name="big.pdf")
        )
        try:
            with open(evidence.file.path, "ab") as file:  # grown on disk, not in this process
                block = b"0123456789abcdef" * (COPY_CHUNK // 16)
                for _ in range(LARGE // COPY_CHUNK):
                    file.write(block)
            with tempfile.TemporaryFile() as out:
                tracemalloc.start()
                try:
                    summary = write_export(out)
                    _, peak = tracemalloc.get_traced_memory()
                finally:
                    tracemalloc.stop()
                size = out.tell()
                out.seek(0)
                with zipfile.ZipFile(out) as archive:
                    info = archive.getinfo(f"files/{evidence.file.name}")
                    assert info.file_size == len(PDF) + LARGE
                    assert info.compress_type == zipfile.ZIP_STORED
                    assert archive.testzip() is None
        finally:
            evidence.file.delete(save=False)
    assert summary.files == 1 and summary.missing == []
    assert size > LARGE
    # Measured 2.4 MB: a few copy buffers and the rows of a small council. Reading the file
    # whole would be 48 MB.
    assert peak < 8 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"


def test_a_missing_file_is_listed_in_the_readme_not_fatal(tenant_a):
    with tenant_context(tenant_a):
        application = ApplicationFactory(version=CharterVersionFactory(number=1))
        evidence = EvidenceFactory(
            upload=True, application=application, file=ContentFile(PDF, name="gone.pdf")
        )
        evidence.file.storage.delete(evidence.file.name)
        out = io.BytesIO()
        summary = write_export(out)
    assert summary.missing == [f"files/{evidence.file.name}"]
    readme = zipfile.ZipFile(out).read("README.txt").decode()
    assert f"missing from storage:\n    files/{evidence.file.name}" in readme
