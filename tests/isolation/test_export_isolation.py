"""A council's export, read back: all of its own data and files, and nothing of its twin.

Tenant B holds the same world at the same primary keys with "Beta" in every name, so an export
that read a table or a file outside its own schema or folder would carry Beta's rows or bytes.
"""

from __future__ import annotations

import json
import re

import pytest
from django.core.files.base import ContentFile
from django_tenants.utils import tenant_context

from accreditation.enums import ApplicationStatus, DecisionOutcome, JudgementOutcome
from accreditation.models import Award, Concern, Decision, Evidence, Judgement
from charters.models import Organisation, Signature
from platform_.exports.builder import credential_path
from platform_.exports.enums import ExportStatus
from platform_.exports.models import DataExport
from tests.exports.helpers import export_now, read_tables
from tests.helpers import host_of, login
from tests.worlds import World, align_sequences, build_world

BETA = re.compile(rb"Beta|beta\.(test|example)|beta-minutes")


def _build(tenant, prefix: str) -> World:
    world = build_world(tenant, prefix, ApplicationStatus.AWARDED)
    with tenant_context(tenant):
        award = world.objects["award"]
        world.objects["decision"] = Decision.objects.create(
            application=world.application,
            outcome=DecisionOutcome.AWARD,
            level=world.objects["level"],
            reasons=f"{prefix} decision reasons",
            decided_by=world.users["officer"],
        )
        world.objects["judgement"] = Judgement.objects.create(
            assignment=world.assignments["assessor_cleared"],
            criterion=world.objects["criterion"],
            outcome=JudgementOutcome.MET,
            comment=f"{prefix} judgement comment",
        )
        world.objects["concern"] = Concern.objects.create(
            award=award, details=f"{prefix} concern details"
        )
    return world


@pytest.fixture
def alpha_awarded(tenant_a, tenant_b) -> World:
    align_sequences(tenant_a, tenant_b)
    world = _build(tenant_a, "Alpha")
    yield world
    world.delete_files(tenant_a)


@pytest.fixture
def beta_awarded(tenant_b, alpha_awarded) -> World:
    world = _build(tenant_b, "Beta")
    try:
        assert world.primary_keys() == alpha_awarded.primary_keys()
        yield world
    finally:
        world.delete_files(tenant_b)


@pytest.fixture
def alpha_archive(tenant_a, alpha_awarded, beta_awarded):
    archive = export_now(tenant_a, alpha_awarded.users["officer"])
    yield archive
    with tenant_context(tenant_a):
        for export in DataExport.objects.all():
            export.file.delete(save=False)


def test_the_export_holds_every_organisation_signature_application_and_award(
    tenant_a, alpha_awarded, alpha_archive
):
    tables = read_tables(alpha_archive)
    with tenant_context(tenant_a):
        organisations = sorted(Organisation.objects.values_list("pk", "name"))
        signatures = sorted(Signature.objects.values_list("pk", "organisation_id", "commitment"))
        awards = list(Award.objects.values_list("pk", "certificate_number", "verification_code"))
    assert sorted((o["id"], o["name"]) for o in tables["organisations"]) == organisations
    assert len(organisations) == 2
    assert (
        sorted((s["id"], s["organisation_id"], s["commitment"]) for s in tables["signatures"])
        == signatures
    )
    assert [(a["id"], a["status"]) for a in tables["applications"]] == [
        (alpha_awarded.application.pk, ApplicationStatus.AWARDED)
    ]
    assert [
        (a["id"], a["certificate_number"], a["verification_code"]) for a in tables["awards"]
    ] == awards
    award = tables["awards"][0]
    assert award["certificate_number"] == "ALPHA-2027-0001"
    assert award["level_id"] == alpha_awarded.objects["level"].pk
    assert award["award_status"] == "valid"
    assert award["verification_page"] == f"http://{host_of(tenant_a)}/verify/{awards[0][2]}/"
    assert [p["text"] for p in tables["pledges"]] == ["Alpha pledge"]
    assert [d["reasons"] for d in tables["decisions"]] == ["Alpha decision reasons"]
    assert [j["comment"] for j in tables["judgements"]] == ["Alpha judgement comment"]
    assert [c["details"] for c in tables["concerns"]] == ["Alpha concern details"]
    assert tables["council"][0]["name"] == "Alpha City Council"


def test_the_export_holds_every_evidence_file_and_certificate_byte_for_byte(
    tenant_a, alpha_awarded, alpha_archive
):
    tables = read_tables(alpha_archive)
    with tenant_context(tenant_a):
        evidence = {e.pk: e for e in Evidence.objects.all()}
        award = Award.objects.get()
        with award.certificate.open("rb") as file:
            certificate = file.read()
    assert sorted(row["id"] for row in tables["evidence"]) == sorted(evidence)
    files = [row for row in tables["evidence"] if row["file"]]
    assert [row["id"] for row in files] == [alpha_awarded.evidence["file"].pk]
    assert files[0]["original_filename"] == "alpha-minutes.pdf"
    assert alpha_archive.read(files[0]["file"]) == alpha_awarded.file_content
    assert alpha_archive.read(tables["awards"][0]["certificate"]) == certificate
    assert certificate.startswith(b"%PDF")
    credential = json.loads(alpha_archive.read(credential_path(award)))
    assert credential == award.credential
    for principle in tables["principles"]:
        if principle["picture"]:
            assert alpha_archive.read(principle["picture"]) == alpha_awarded.picture_content


def test_nothing_of_the_twin_tenant_is_in_the_export(alpha_awarded, beta_awarded, alpha_archive):
    with_alpha = []
    for name in alpha_archive.namelist():
        content = alpha_archive.read(name)
        assert not BETA.search(content), f"{name}: {BETA.search(content)}"
        assert beta_awarded.file_content not in content, name
        assert beta_awarded.picture_content not in content, name
        if b"Alpha Hollybush School" in content:
            with_alpha.append(name)
    assert "organisations.csv" in with_alpha  # control: the pattern finds a twin's names


def test_people_are_exported_without_password_hashes_or_secrets(alpha_awarded, alpha_archive):
    tables = read_tables(alpha_archive)
    officer = next(p for p in tables["people"] if p["email"] == "officer.alpha@alpha.test")
    assert officer["full_name"] == "Alpha Officer"
    assert officer["roles"] == ["council_officer"]
    assert "password" not in officer
    assert [row["email"] for row in tables["invitations"]] == ["invitee@alpha.test"]
    assert all("nonce" not in row for row in tables["invitations"])
    assert all("encrypted_private_key" not in row for row in tables["council_key"])
    everything = b"".join(alpha_archive.read(n) for n in alpha_archive.namelist())
    assert b"md5$" not in everything  # the test settings' password hasher
    assert alpha_awarded.objects["invitation"].nonce.encode() not in everything


def test_an_officer_of_one_council_cannot_download_anothers_export(
    tenant_a, tenant_b, alpha_awarded, beta_awarded, client_a, client_b
):
    """By id: Beta's export sits at the same primary key as Alpha's, so only the schema tells
    them apart. By file path: the zip's path is not a URL anywhere, and /media/ is not served."""
    exports = {}
    for tenant, world in ((tenant_a, alpha_awarded), (tenant_b, beta_awarded)):
        with tenant_context(tenant):
            export = DataExport.objects.create(
                requested_by=world.users["officer"], status=ExportStatus.READY
            )
            export.file.save("export.zip", ContentFile(f"{world.prefix} zip".encode()))
            exports[world.prefix] = export
    try:
        assert exports["Alpha"].pk == exports["Beta"].pk
        login(client_a, tenant_a, alpha_awarded.users["officer"])
        login(client_b, tenant_b, beta_awarded.users["officer"])
        path = f"/manage/export/{exports['Alpha'].pk}/download/"
        assert b"".join(client_a.get(path).streaming_content) == b"Alpha zip"
        assert b"".join(client_b.get(path).streaming_content) == b"Beta zip"
        beta_file = exports["Beta"].file.name
        for guess in (f"/media/{beta_file}", f"/media/t_beta/{beta_file}", f"/{beta_file}"):
            assert client_a.get(guess).status_code == 404, guess
        client_a.cookies = client_b.cookies  # Beta's officer's session, replayed at Alpha
        response = client_a.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    finally:
        for tenant, export in ((tenant_a, exports.get("Alpha")), (tenant_b, exports.get("Beta"))):
            if export is not None:
                with tenant_context(tenant):
                    export.file.delete(save=False)
