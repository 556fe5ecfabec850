"""Writing and publishing the charter: drafts, principles, versions."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from charters import default_charter, emails, public_cache
from charters.enums import CharterEvent, SignatureAction, VersionStatus
from charters.models import Charter, CharterVersion, Organisation, Principle
from charters.services.errors import CharterError
from platform_.accounts.permissions import require_permission
from platform_.audit.services import record_event
from platform_.background import after_commit
from platform_.integrity import AlreadyExists, unique_or_raise


class Keep:
    """The type of KEEP: "leave this field as it is" in an update, where None is a real value."""


KEEP = Keep()


@transaction.atomic
def create_default_charter(*, acting_user=None) -> Charter:
    """A new tenant's charter: a draft in plain words, with easy read, ready to rewrite.

    Side effects: the Charter, its draft version and principles; an audit event.
    """
    charter = Charter.objects.create()
    version = CharterVersion.objects.create(
        charter=charter,
        title=default_charter.TITLE,
        introduction=default_charter.INTRODUCTION,
        easy_read_introduction=default_charter.EASY_READ_INTRODUCTION,
    )
    Principle.objects.bulk_create(
        Principle(
            version=version, position=position, title=title, text=text, easy_read_text=easy_read
        )
        for position, (title, text, easy_read) in enumerate(default_charter.PRINCIPLES, start=1)
    )
    record_event(CharterEvent.CHARTER_CREATED, charter, actor=acting_user)
    return charter


def _editable_draft(version: CharterVersion, acting_user) -> None:
    require_permission(
        acting_user, "charters.edit_charter", message=_("Only council officers can edit.")
    )
    require_permission(
        acting_user,
        "charters.edit_draft",
        version,
        _("Version %(number)s is published and cannot change. Start a new draft.")
        % {"number": version.number},
        refusal=CharterError,
    )


@transaction.atomic
def update_draft(
    version: CharterVersion,
    *,
    acting_user,
    title: str,
    introduction: str,
    easy_read_introduction: str = "",
    co_writers: list[str] | None = None,
    title_cy: str | Keep = KEEP,
    introduction_cy: str | Keep = KEEP,
    easy_read_introduction_cy: str | Keep = KEEP,
) -> CharterVersion:
    """Change a draft's words (the Welsh ones only if given). Side effects: the version saved;
    an audit event."""
    _editable_draft(version, acting_user)
    old = {"title": version.title, "co_writers": version.co_writers}
    version.title = title
    version.introduction = introduction
    version.easy_read_introduction = easy_read_introduction
    welsh = {
        "title_cy": title_cy,
        "introduction_cy": introduction_cy,
        "easy_read_introduction_cy": easy_read_introduction_cy,
    }
    welsh = {name: value for name, value in welsh.items() if value is not KEEP}
    for name, value in welsh.items():
        setattr(version, name, value)
    version.co_writers = [name.strip() for name in (co_writers or []) if name.strip()]
    longest = CharterVersion._meta.get_field("co_writers").base_field.max_length
    if len(version.co_writers) > CharterVersion.MAX_CO_WRITERS:
        raise CharterError(
            _("List up to %(max_co_writers)s people or groups.")
            % {"max_co_writers": CharterVersion.MAX_CO_WRITERS}
        )
    if any(len(name) > longest for name in version.co_writers):
        raise CharterError(
            _("Each name must be %(longest)s characters or fewer.") % {"longest": longest}
        )
    version.save(
        update_fields=[
            "title",
            "introduction",
            "easy_read_introduction",
            "co_writers",
            *welsh,
            "updated_at",
        ]
    )
    record_event(
        CharterEvent.DRAFT_UPDATED,
        version,
        actor=acting_user,
        old=old,
        new={"title": version.title, "co_writers": version.co_writers},
    )
    return version


@transaction.atomic
def add_principle(
    version: CharterVersion,
    *,
    acting_user,
    title: str,
    text: str,
    easy_read_text: str = "",
    picture=None,
    picture_alt: str = "",
    title_cy: str = "",
    text_cy: str = "",
    easy_read_text_cy: str = "",
    picture_alt_cy: str = "",
) -> Principle:
    """Add a principle at the end of a draft. Side effects: the principle; an audit event."""
    # Locked, so two principles added at once take positions one after the other (the unique
    # position is only checked at commit, too late to answer), and a draft published meanwhile
    # is seen as published.
    version = CharterVersion.objects.select_for_update().get(pk=version.pk)
    _editable_draft(version, acting_user)
    last = version.principles.aggregate(last=Max("position"))["last"] or 0
    principle = Principle.objects.create(
        version=version,
        position=last + 1,
        title=title,
        text=text,
        easy_read_text=easy_read_text,
        picture=picture or "",
        picture_alt=picture_alt,
        title_cy=title_cy,
        text_cy=text_cy,
        easy_read_text_cy=easy_read_text_cy,
        picture_alt_cy=picture_alt_cy,
    )
    record_event(
        CharterEvent.PRINCIPLE_ADDED, principle, actor=acting_user, new={"title": principle.title}
    )
    return principle


@transaction.atomic
def update_principle(
    principle: Principle,
    *,
    acting_user,
    title: str | Keep = KEEP,
    text: str | Keep = KEEP,
    easy_read_text: str | Keep = KEEP,
    picture=KEEP,
    picture_alt: str | Keep = KEEP,
    title_cy: str | Keep = KEEP,
    text_cy: str | Keep = KEEP,
    easy_read_text_cy: str | Keep = KEEP,
    picture_alt_cy: str | Keep = KEEP,
) -> Principle:
    """Change a principle of a draft; what is not given stays. ``picture=False`` removes the
    picture (as a cleared file field gives). Side effects: the principle saved; an audit event."""
    _editable_draft(principle.version, acting_user)
    old = {"title": principle.title}
    changes = {
        "title": title,
        "text": text,
        "easy_read_text": easy_read_text,
        "picture": picture,
        "picture_alt": picture_alt,
        "title_cy": title_cy,
        "text_cy": text_cy,
        "easy_read_text_cy": easy_read_text_cy,
        "picture_alt_cy": picture_alt_cy,
    }
    for name, value in changes.items():
        if value is not KEEP:
            setattr(principle, name, value)
    principle.save()
    record_event(
        CharterEvent.PRINCIPLE_UPDATED,
        principle,
        actor=acting_user,
        old=old,
        new={"title": principle.title},
    )
    return principle


@transaction.atomic
def remove_principle(principle: Principle, *, acting_user) -> None:
    """Remove a principle from a draft and close the gap. Side effect: an audit event."""
    version = principle.version
    _editable_draft(version, acting_user)
    record_event(
        CharterEvent.PRINCIPLE_REMOVED, principle, actor=acting_user, old={"title": principle.title}
    )
    principle.delete()
    for position, remaining in enumerate(version.principles.order_by("position"), start=1):
        if remaining.position != position:
            remaining.position = position
            remaining.save(update_fields=["position"])


@transaction.atomic
def move_principle(principle: Principle, *, acting_user, up: bool) -> Principle:
    """Swap a principle with its neighbour. Side effect: an audit event."""
    _editable_draft(principle.version, acting_user)
    siblings = principle.version.principles.order_by("position")
    neighbour = (
        siblings.filter(position__lt=principle.position).last()
        if up
        else siblings.filter(position__gt=principle.position).first()
    )
    if neighbour is None:
        return principle
    # The unique (version, position) constraint is deferred, so a straight swap is allowed.
    principle.position, neighbour.position = neighbour.position, principle.position
    principle.save(update_fields=["position"])
    neighbour.save(update_fields=["position"])
    record_event(
        CharterEvent.PRINCIPLE_MOVED,
        principle,
        actor=acting_user,
        new={"position": principle.position},
    )
    return principle


@transaction.atomic
def start_new_draft(charter: Charter, *, acting_user) -> CharterVersion:
    """A draft copied from the latest published version (or the existing draft, if any).

    Side effects: the draft version and its principles (pictures shared, not copied); an audit
    event.
    """
    require_permission(
        acting_user, "charters.edit_charter", message=_("Only council officers can edit.")
    )
    existing = charter.versions.filter(status=VersionStatus.DRAFT).first()
    if existing is not None:
        return existing
    source = charter.versions.published().order_by("-number").first()
    if source is None:
        raise CharterError(_("There is nothing published to start from."))
    try:
        with unique_or_raise({"one_draft_per_charter": AlreadyExists("one_draft_per_charter")}):
            draft = CharterVersion.objects.create(
                charter=charter,
                title=source.title,
                introduction=source.introduction,
                easy_read_introduction=source.easy_read_introduction,
                title_cy=source.title_cy,
                introduction_cy=source.introduction_cy,
                easy_read_introduction_cy=source.easy_read_introduction_cy,
                co_writers=source.co_writers,
            )
    except AlreadyExists:
        # Another officer (or a double click) started it at the same moment: that is the draft.
        return charter.versions.get(status=VersionStatus.DRAFT)
    Principle.objects.bulk_create(
        Principle(
            version=draft,
            position=p.position,
            title=p.title,
            text=p.text,
            easy_read_text=p.easy_read_text,
            picture=p.picture,
            picture_alt=p.picture_alt,
            title_cy=p.title_cy,
            text_cy=p.text_cy,
            easy_read_text_cy=p.easy_read_text_cy,
            picture_alt_cy=p.picture_alt_cy,
        )
        for p in source.principles.order_by("position")
    )
    record_event(
        CharterEvent.DRAFT_STARTED, draft, actor=acting_user, new={"from_version": source.number}
    )
    return draft


@transaction.atomic
def publish_version(version: CharterVersion, *, acting_user) -> CharterVersion:
    """Publish a draft as the next numbered, immutable version.

    Side effects, in order: the version numbered and published; an audit event; the public pages'
    cache dropped after commit; signatories of older versions invited to re-sign (outbox).
    """
    _editable_draft(version, acting_user)
    version = CharterVersion.objects.select_for_update().get(pk=version.pk)
    if version.is_published:
        # A double click: the first publish went through while this one waited for the lock.
        raise CharterError(
            _("Version %(number)s is already published.") % {"number": version.number}
        )
    if not version.principles.exists():
        raise CharterError(_("Add at least one principle before publishing."))
    missing_alt = version.principles.exclude(picture="").filter(picture_alt="")
    if missing_alt.exists():
        raise CharterError(
            _("Describe every picture before publishing: %(titles)s")
            % {"titles": ", ".join(missing_alt.values_list("title", flat=True))}
        )
    last = version.charter.versions.published().aggregate(last=Max("number"))["last"] or 0
    version.number = last + 1
    version.status = VersionStatus.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = acting_user
    published_already = CharterError(_("Another version was published at the same moment."))
    with unique_or_raise({"one_number_per_version": published_already}):
        version.save(
            update_fields=["number", "status", "published_at", "published_by", "updated_at"]
        )
    record_event(
        CharterEvent.VERSION_PUBLISHED, version, actor=acting_user, new={"number": version.number}
    )
    after_commit(public_cache.invalidate)
    if version.number > 1:
        # In this transaction, not in a task: the emails are owed the moment the version is
        # out, and a task lost to a broker outage would leave nothing for the sweep to find.
        tell_signatories_of_new_version(version)
    return version


def tell_signatories_of_new_version(version: CharterVersion) -> int:
    """Invite every organisation signed to an older version to read and sign ``version``.

    Side effects: an outbox email per lead of each such organisation. Safe to run twice, as
    each organisation's leads are told once per version.
    """
    outdated = Organisation.objects.filter(
        current_signature__action=SignatureAction.SIGNED,
        current_signature__version__number__lt=version.number,
    ).select_related("current_signature__version")
    told = 0
    for organisation in outdated:
        told += emails.new_version_to_sign(organisation, version)
    return told
