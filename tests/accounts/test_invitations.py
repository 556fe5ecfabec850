import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django_tenants.utils import tenant_context

from platform_.accounts import services
from platform_.accounts.enums import Role
from platform_.accounts.models import Invitation, User
from platform_.audit.models import AuditEvent
from tests.helpers import login, make_user

LINK = re.compile(r"http://alpha\.localhost(/accounts/invitation/[^/\s]+/)")


def invite(tenant, officer, email="new.assessor@alpha.test", role=Role.ASSESSOR, **kwargs):
    with tenant_context(tenant):
        return services.invite_person(email, role=role, acting_user=officer, **kwargs)


def link_in(message) -> str:
    return LINK.search(message.body).group(1)


def test_officer_invites_an_assessor_and_the_email_carries_a_working_link(
    tenant_a, officer_a, client_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(tenant_a, officer_a, has_lived_experience=True)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.assessor@alpha.test"]
    assert message.subject == "You are invited to Alpha City Council on CoCharter"
    assert message.from_email == "Alpha City Council via CoCharter <no-reply@cocharter.localhost>"
    assert "to join Alpha City Council's co-production charter site as an assessor." in message.body
    with tenant_context(tenant_a):
        invitation.refresh_from_db()
        assert invitation.outbox_email.sent_at is not None
        assert invitation.status == "Sent"

    response = client_a.post(
        link_in(message),
        {
            "full_name": "Ada Assessor",
            "password1": "a-long-enough-pass",
            "password2": "a-long-enough-pass",
        },
    )

    assert response.status_code == 302
    with tenant_context(tenant_a):
        user = User.objects.get(email="new.assessor@alpha.test")
        assert (user.full_name, user.is_assessor, user.has_lived_experience) == (
            "Ada Assessor",
            True,
            True,
        )
        assert user.is_council_officer is False
        assert user.emailaddress_set.get().verified is True
        invitation.refresh_from_db()
        assert invitation.accepted_by == user
    assert client_a.get("/assess/").status_code == 200
    with tenant_context(tenant_a):
        events = list(
            AuditEvent.objects.filter(key__startswith="accounts.")
            .order_by("pk")
            .values_list("key", "actor__email")
        )
    assert events == [
        ("accounts.invitation.created", "officer@alpha.test"),
        ("accounts.invitation.accepted", "new.assessor@alpha.test"),
    ]


def test_accept_form_redisplays_with_error_summary_and_keeps_the_name(
    tenant_a, officer_a, client_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(tenant_a, officer_a)
    path = link_in(mail.outbox[0])

    response = client_a.post(path, {"full_name": "Ada", "password1": "short", "password2": "other"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "The passwords do not match." in html
    assert 'value="Ada"' in html
    with tenant_context(tenant_a):
        assert not User.objects.filter(email="new.assessor@alpha.test").exists()


def test_an_invitation_link_works_once(
    tenant_a, officer_a, client_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(tenant_a, officer_a)
    path = link_in(mail.outbox[0])
    data = {
        "full_name": "Ada",
        "password1": "a-long-enough-pass",
        "password2": "a-long-enough-pass",
    }
    client_a.post(path, data)

    response = client_a.get(path)

    assert response.status_code == 410
    assert "already been used" in response.content.decode()


def test_revoked_and_expired_invitations_cannot_be_used(
    tenant_a, officer_a, client_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        revoked = invite(tenant_a, officer_a, email="one@alpha.test")
        expired = invite(tenant_a, officer_a, email="two@alpha.test")
    revoked_path, expired_path = link_in(mail.outbox[0]), link_in(mail.outbox[1])
    with tenant_context(tenant_a):
        services.revoke_invitation(revoked, acting_user=officer_a)
        Invitation.objects.filter(pk=expired.pk).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )

    assert "no longer valid" in client_a.get(revoked_path).content.decode()
    assert "expired" in client_a.get(expired_path).content.decode()


def test_inviting_again_renews_the_invitation_and_voids_the_old_link(
    tenant_a, officer_a, client_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = invite(tenant_a, officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        second = invite(tenant_a, officer_a)

    assert first.pk == second.pk
    assert len(mail.outbox) == 2
    assert client_a.get(link_in(mail.outbox[0])).status_code == 410
    assert client_a.get(link_in(mail.outbox[1])).status_code == 200


def test_only_council_officers_may_invite(tenant_a):
    assessor = make_user(tenant_a, "assessor@alpha.test", is_assessor=True)
    with pytest.raises(PermissionDenied):
        invite(tenant_a, assessor)
    with tenant_context(tenant_a):
        assert not Invitation.objects.exists()


def test_invite_view_sends_an_invitation(
    tenant_a, officer_a, client_a, django_capture_on_commit_callbacks
):
    login(client_a, tenant_a, officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(
            "/manage/people/invite/", {"email": "Someone@Alpha.test", "role": "council_officer"}
        )

    assert response.status_code == 302
    assert mail.outbox[0].to == ["someone@alpha.test"]
    assert "someone@alpha.test" in client_a.get("/manage/people/").content.decode()


def test_invite_view_redisplays_bad_input_with_an_error_summary(tenant_a, officer_a, client_a):
    login(client_a, tenant_a, officer_a)
    response = client_a.post("/manage/people/invite/", {"email": "not-an-email", "role": ""})

    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert 'value="not-an-email"' in html
    with tenant_context(tenant_a):
        assert not Invitation.objects.exists()


def test_revoke_view(tenant_a, officer_a, client_a):
    invitation = invite(tenant_a, officer_a)
    login(client_a, tenant_a, officer_a)

    response = client_a.post(f"/manage/people/invitations/{invitation.pk}/revoke/")

    assert response.status_code == 302
    with tenant_context(tenant_a):
        invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_existing_account_gains_the_role_by_accepting(
    tenant_a, officer_a, client_a, django_capture_on_commit_callbacks
):
    member = make_user(tenant_a, "member@alpha.test", is_organisation_member=True)
    with django_capture_on_commit_callbacks(execute=True):
        invite(tenant_a, officer_a, email="member@alpha.test")

    response = client_a.post(link_in(mail.outbox[0]))

    assert response.status_code == 302
    with tenant_context(tenant_a):
        member.refresh_from_db()
    assert (member.is_assessor, member.is_organisation_member) == (True, True)
