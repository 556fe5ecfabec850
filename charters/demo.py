"""Charter demo data for the demo council: a published charter and a living register."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.text import slugify

from charters import selectors, services
from charters.demo_pictures import picture_for
from charters.models import Pledge, Signature

CO_WRITERS = [
    "Demoshire Parent Carer Forum",
    "Demoshire Youth Council",
    "Speak Up self-advocacy group",
    "Carers' Hub",
]

# name, kind, town, postcode, area
ORGANISATIONS = [
    ("Oakfield Primary School", "school", "Demoton", "WV1 1RE", "Northside"),
    ("St Mary's Church of England Academy", "school", "Demoton", "WV2 4NH", "Southside"),
    ("Brook Lane Special School", "school", "Eastbrook", "WV10 6QG", "Eastbrook"),
    ("Demoton High School", "school", "Demoton", "WV3 9DX", "Westfield"),
    ("Little Acorns Nursery", "early_years", "Demoton", "WV1 2AF", "Northside"),
    ("Rainbow Pre-School", "early_years", "Eastbrook", "WV10 8AB", "Eastbrook"),
    ("Demoshire College", "college", "Demoton", "WV1 1SB", "Town centre"),
    ("Riverside Medical Practice", "gp_practice", "Demoton", "WV2 1BB", "Southside"),
    ("Hill Street Surgery", "gp_practice", "Eastbrook", "WV10 9JE", "Eastbrook"),
    ("Demoshire Children's Community Health", "nhs_service", "Demoton", "WV3 0QP", "Westfield"),
    ("Community Learning Disability Team", "nhs_service", "Demoton", "WV1 4DH", "Town centre"),
    ("Special Educational Needs Team", "council_service", "Demoton", "WV1 1RL", "Town centre"),
    ("Short Breaks Service", "council_service", "Demoton", "WV4 5HP", "Southside"),
    ("Demoshire Carers' Centre", "charity", "Demoton", "WV1 3EX", "Town centre"),
    ("Speak Up Self-Advocacy", "charity", "Eastbrook", "WV11 1RD", "Eastbrook"),
    ("Parent Carer Forum", "charity", "Demoton", "WV6 0JW", "Westfield"),
    ("Young Minds Matter", "charity", "Demoton", "WV3 7AL", "Westfield"),
    ("Westfield Youth Club", "charity", "Demoton", "WV3 8PE", "Westfield"),
    ("Inclusive Sports Club", "charity", "Eastbrook", "WV10 0QU", "Eastbrook"),
    ("Demoshire Independent Living CIC", "business", "Demoton", "WV2 2ND", "Southside"),
    ("Harbour Supported Housing", "business", "Demoton", "WV4 4XY", "Southside"),
    ("Demoton Library and Family Hub", "other", "Demoton", "WV1 1TQ", "Town centre"),
]

PLEDGES = [
    "Pay parent carers for their time at every planning meeting",
    "Publish an easy read 'you said, we did' every term",
    "Involve young people in interviewing new staff",
    "Hold meetings at times that suit working carers",
]


def seed_charter_demo(*, officer, first_lead, make_person) -> None:
    """Publish the demo charter and fill the register. ``make_person(email, name)`` makes a user;
    ``first_lead`` (the demo organisation member) leads the first organisation."""
    draft = selectors.draft_version()
    services.update_draft(
        draft,
        acting_user=officer,
        title="The Demoshire co-production charter",
        introduction=draft.introduction,
        easy_read_introduction=draft.easy_read_introduction,
        co_writers=CO_WRITERS,
    )
    # Easy read pairs words with pictures: each principle gets one, with its description.
    for principle in draft.principles.all():
        found = picture_for(principle.title)
        if found:
            picture, description = found
            services.update_principle(
                principle, acting_user=officer, picture=picture, picture_alt=description
            )
    version = services.publish_version(draft, acting_user=officer)
    today = timezone.localdate()

    for n, (name, kind, town, postcode, area) in enumerate(ORGANISATIONS):
        lead = first_lead if n == 0 else make_person(f"lead{n + 1}@demo.localhost", f"Lead, {name}")
        organisation = services.register_organisation(
            acting_user=lead,
            name=name,
            kind=kind,
            address_line_1=f"{n + 1} High Street",
            town=town,
            postcode=postcode,
            area=area,
            website=f"https://{slugify(name)[:30].strip('-')}.example",
        )
        if n % 7 == 6:
            continue  # registered, not signed yet
        signature = services.sign_charter(
            organisation,
            acting_user=lead,
            signatory_name=f"Alex {name.split()[0]}",
            signatory_job_title="Director" if kind != "school" else "Headteacher",
            commitment=f"{name} will plan with the people it serves, and tell them what changed.",
            consent_to_publish=n % 9 != 4,
            pledges=[
                (PLEDGES[(n + i) % len(PLEDGES)], today + timedelta(days=90 + 30 * i))
                for i in range(n % 3)
            ],
        )
        # Demo only: signatures spread over the last year, more of them lately, so the council
        # dashboard's "signatures per month" has a story to tell.
        Signature.objects.filter(pk=signature.pk).update(
            recorded_at=timezone.now() - timedelta(days=round(340 * (1 - n / 21) ** 2))
        )
        pledges = list(signature.pledges.all())
        if pledges and n % 2 == 0:
            services.record_pledge_met(pledges[0], acting_user=lead, met_on=today)
        if len(pledges) > 1 and n % 4 == 1:
            # Demo only: backdate a target so the register shows what an overdue pledge looks like.
            Pledge.objects.filter(pk=pledges[1].pk).update(target_date=today - timedelta(days=20))
        if n == 5:
            services.withdraw_signature(
                organisation, acting_user=lead, reason="Merging with another setting."
            )

    # A second version in progress, so officers see drafting beside the published charter.
    new_draft = services.start_new_draft(version.charter, acting_user=officer)
    services.add_principle(
        new_draft,
        acting_user=officer,
        title="Accessible places",
        text="Meetings happen in places everyone can reach and use, with quiet space.",
        easy_read_text="We meet in places you can get into and use.",
    )
