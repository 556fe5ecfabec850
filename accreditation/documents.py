"""The Charter Status certificate: a one-page A4 PDF, signed by the council, and its text twin.

Drawn with ReportLab's canvas (DESIGN §9: about 15 ms a certificate; WeasyPrint was 4x slower)
and signed with pyHanko using the council's EC P-256 key (``accreditation.keys``). Pure
functions of an award and the current tenant: no writes (``services.documents`` stores them).

Accessibility, honestly: ReportLab writes no structure tree (no /StructTreeRoot, no marked
content), so this is not a tagged PDF in the PDF/UA sense and a screen reader falls back to the
text in drawing order. What ReportLab does allow is done: the document title (shown instead of
the file name), author, subject and language (en-GB) in the catalogue, an outline entry, real
text in embedded TrueType fonts (extractable, never drawn as shapes), and the text drawn in
reading order, top to bottom. ``certificate_text`` is the plain-text alternative, served too.
"""

from __future__ import annotations

import asyncio
import io
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import reportlab
import segno
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.db import connection
from django.utils import formats
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko_certvalidator.registry import SimpleCertificateStore
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from accreditation import keys
from accreditation.models import Award

logger = logging.getLogger(__name__)

SIGNATURE_FIELD = "CouncilSignature"
SIGNATURE_BYTES = 4096
LANGUAGE = "en-GB"

# Liberation Sans (metric-compatible with Arial, the font the pages use) is installed by
# .ci/run and in the image; DejaVu Sans is on most Debian systems; ReportLab's own Vera is
# bundled with ReportLab, so it is certainly present.
_FONT_CANDIDATES = [
    (
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    ),
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
]


@cache
def _fonts() -> tuple[str, str]:
    """Register the regular and bold TrueType fonts once per process; their names."""
    bundled = Path(reportlab.__file__).parent / "fonts"
    candidates = [*_FONT_CANDIDATES, (str(bundled / "Vera.ttf"), str(bundled / "VeraBd.ttf"))]
    regular, bold = next(pair for pair in candidates if all(Path(p).exists() for p in pair))
    pdfmetrics.registerFont(TTFont("CertificateSans", regular))
    pdfmetrics.registerFont(TTFont("CertificateSans-Bold", bold))
    return "CertificateSans", "CertificateSans-Bold"


@dataclass(frozen=True)
class CertificateFacts:
    """What the certificate says, in the order it is read."""

    council: str
    organisation: str
    level: str
    awarded_on: str
    expires_on: str
    certificate_number: str
    verification_url: str

    @property
    def title(self) -> str:
        return f"Charter Status certificate {self.certificate_number}: {self.organisation}"


def verification_url(award: Award) -> str:
    """The public page that says whether this award is valid (built by the verify page)."""
    return connection.tenant.build_url(f"/verify/{award.verification_code}/")


def facts_of(award: Award) -> CertificateFacts:
    return CertificateFacts(
        council=connection.tenant.name,
        organisation=award.organisation.name,
        level=award.level.name,
        awarded_on=_date(award.awarded_at.date()),
        expires_on=_date(award.expires_on),
        certificate_number=award.certificate_number,
        verification_url=verification_url(award),
    )


def _date(day) -> str:
    return formats.date_format(day, "j F Y")


def certificate_text(award: Award) -> str:
    """The plain-text alternative to the PDF: the same words, in the same order."""
    facts = facts_of(award)
    return (
        f"{facts.council}\n\n"
        f"Charter Status\n\n"
        f"This certifies that\n{facts.organisation}\n"
        f"holds Charter Status at the level: {facts.level}\n\n"
        f"Awarded: {facts.awarded_on}\n"
        f"Valid until: {facts.expires_on}\n"
        f"Certificate number: {facts.certificate_number}\n\n"
        f"Check that this certificate is valid at:\n{facts.verification_url}\n\n"
        "The PDF certificate is signed by the council; a PDF reader shows the signature.\n"
    )


def certificate_pdf(award: Award, *, signer: signers.SimpleSigner | None = None) -> bytes:
    """The signed one-page A4 certificate (``signer``: the council's, made once for a batch)."""
    return sign_pdf(draw_certificate(facts_of(award), **_branding()), signer or council_signer())


def _branding() -> dict:
    tenant = connection.tenant
    logo = None
    if tenant.logo:
        with tenant.logo.open("rb") as file:
            logo = file.read()
    return {"colour": tenant.brand_colour or "#1d70b8", "logo": logo}


def draw_certificate(facts: CertificateFacts, *, colour: str, logo: bytes | None) -> bytes:
    """The unsigned PDF. Text is drawn top to bottom, so drawing order is reading order."""
    regular, bold = _fonts()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, lang=LANGUAGE, pageCompression=1)
    pdf.setTitle(facts.title)
    pdf.setAuthor(facts.council)
    pdf.setSubject(f"Charter Status awarded by {facts.council}")
    pdf.setCreator("CoCharter")
    pdf.setKeywords(["Charter Status", facts.certificate_number])
    # Readers show the title, not the file name (ViewerPreferences /DisplayDocTitle).
    pdf.setViewerPreference("DisplayDocTitle", "true")
    width, height = A4
    brand = colors.HexColor(colour)
    centre = width / 2

    pdf.bookmarkPage("certificate")
    pdf.addOutlineEntry(facts.title, "certificate", level=0)
    pdf.showOutline()

    # Brand bands, top and bottom: decoration only, no text in them.
    pdf.setFillColor(brand)
    pdf.rect(0, height - 18 * mm, width, 18 * mm, stroke=0, fill=1)
    pdf.rect(0, 0, width, 8 * mm, stroke=0, fill=1)

    top = height - 30 * mm
    image = _logo_image(logo)
    if image is not None:
        image_width, image_height = image.getSize()
        scale = min(60 * mm / image_width, 25 * mm / image_height)
        drawn_width, drawn_height = image_width * scale, image_height * scale
        pdf.drawImage(
            image,
            centre - drawn_width / 2,
            top - drawn_height,
            drawn_width,
            drawn_height,
            mask="auto",
        )
        top -= drawn_height + 8 * mm

    pdf.setFillColor(colors.black)
    y = _centred(pdf, facts.council, bold, 18, top - 6 * mm, width)
    pdf.setFillColor(brand)
    y = _centred(pdf, "Charter Status", bold, 36, y - 20 * mm, width)
    pdf.setFillColor(colors.black)
    y = _centred(pdf, "This certifies that", regular, 14, y - 16 * mm, width)
    y = _centred(pdf, facts.organisation, bold, 24, y - 13 * mm, width)
    y = _centred(
        pdf, f"holds Charter Status at the level: {facts.level}", regular, 14, y - 13 * mm, width
    )
    y -= 16 * mm
    for label, value in (
        ("Awarded", facts.awarded_on),
        ("Valid until", facts.expires_on),
        ("Certificate number", facts.certificate_number),
    ):
        y = _centred(pdf, f"{label}: {value}", regular, 13, y - 8 * mm, width)

    qr_size = 40 * mm
    qr_top = y - 14 * mm
    _draw_qr(pdf, facts.verification_url, centre - qr_size / 2, qr_top - qr_size, qr_size)
    y = _centred(
        pdf,
        "Check that this certificate is valid at:",
        regular,
        11,
        qr_top - qr_size - 8 * mm,
        width,
    )
    _centred(pdf, facts.verification_url, regular, 10, y - 6 * mm, width)

    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _logo_image(logo: bytes | None) -> ImageReader | None:
    """The council's logo, or None: a logo the image library cannot read (its upload is
    checked by signature only) leaves it off rather than failing every certificate."""
    if not logo:
        return None
    try:
        image = ImageReader(io.BytesIO(logo))
        image.getSize()
    except Exception:  # Pillow raises many kinds of error for a corrupt image
        logger.warning("The council's logo could not be read; certificates are drawn without it")
        return None
    return image


def _centred(
    pdf: canvas.Canvas, text: str, font: str, size: float, y: float, width: float
) -> float:
    """Draw ``text`` centred at ``y``, shrinking it to fit the page's margins; returns ``y``."""
    available = width - 30 * mm
    while size > 8 and pdfmetrics.stringWidth(text, font, size) > available:
        size -= 1
    pdf.setFont(font, size)
    pdf.drawCentredString(width / 2, y, text)
    return y


def _draw_qr(pdf: canvas.Canvas, url: str, x: float, y: float, size: float) -> None:
    """The QR code as vector squares (sharp at any zoom, no image to embed).

    Drawn in module units (one unit a module, y downwards) with each row's runs of dark
    modules as one rectangle: a third of the path operators of a square per module, and
    integers, which ReportLab formats fastest (the QR code was most of the drawing time).
    """
    qr = segno.make(url, error="m")
    border = 2
    modules = qr.symbol_size(border=border)[0]
    pdf.setFillColor(colors.white)
    pdf.rect(x, y, size, size, stroke=0, fill=1)
    pdf.saveState()
    pdf.translate(x, y + size)
    pdf.scale(size / modules, -size / modules)
    pdf.setFillColor(colors.black)
    path = pdf.beginPath()
    for row_index, row in enumerate(qr.matrix):
        column = 0
        while column < len(row):
            if not row[column]:
                column += 1
                continue
            run_start = column
            while column < len(row) and row[column]:
                column += 1
            path.rect(run_start + border, row_index + border, column - run_start, 1)
    pdf.drawPath(path, stroke=0, fill=1)
    pdf.restoreState()


# --- Signature ----------------------------------------------------------------------------


def council_signer(
    private_key: ec.EllipticCurvePrivateKey | None = None,
    certificate: x509.Certificate | None = None,
) -> signers.SimpleSigner:
    """pyHanko's signer from the council's key and self-signed certificate."""
    key_der = (private_key or keys.signing_key()).private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    signing_cert = asn1_x509.Certificate.load(
        (certificate or keys.certificate()).public_bytes(serialization.Encoding.DER)
    )
    return signers.SimpleSigner(
        signing_cert=signing_cert,
        signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
        cert_registry=SimpleCertificateStore.from_certs([signing_cert]),
    )


def _outside_any_event_loop(func, *args, **kwargs):
    """Call ``func`` (pyHanko's synchronous signing, which runs asyncio.run inside) where no event
    loop runs: at once in a worker or web process, in a helper thread where this thread already
    runs one (a caller with an async framework, such as a browser test driving Playwright)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return func(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(func, *args, **kwargs).result()


def sign_pdf(pdf: bytes, signer: signers.SimpleSigner) -> bytes:
    """Sign ``pdf`` as the council: a PAdES baseline (B-B) signature in an invisible field.

    No timestamp authority is called (offline, and none is configured), so the signing time
    is the signer's own claim; the certificate is self-signed, so a reader trusts it only if
    told to; the public verification page is what people are pointed to.
    """
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        reason="Charter Status certificate issued by the council",
        md_algorithm="sha256",
    )
    output = _outside_any_event_loop(
        signers.sign_pdf,
        writer,
        metadata,
        signer=signer,
        new_field_spec=fields.SigFieldSpec(SIGNATURE_FIELD),
        # Without a reservation pyHanko signs twice, once to measure the signature; an ECDSA
        # signature with one certificate takes under 2 kB (the tests validate it).
        bytes_reserved=SIGNATURE_BYTES,
    )
    return output.getvalue()
