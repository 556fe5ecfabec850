"""Public pages (no login): the charter, the register and its open data, badges."""

import json

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import TemplateView

from charters import charter_status, public_cache, reading_mode, selectors
from charters.csv_export import csv_download, csv_text
from charters.enums import SignatureAction
from charters.forms import RegisterSearchForm
from charters.models import Organisation, Principle

REGISTER_PAGE_SIZE = 20


class ReadingModeView(View):
    """The easy read / standard switch: remembers the choice in a cookie, then goes back.

    A link rather than a form, so the switch needs no JavaScript and no CSRF token on pages that
    are cached whole; choosing how to read is harmless to repeat, so a GET may set it.
    """

    mode = reading_mode.STANDARD

    def get(self, request):
        target = request.GET.get("next", "")
        # Back to a path on this same site only: a relative path, allowing no host at all, so
        # "//elsewhere.example/" and "/\\elsewhere.example/" are refused; so is a line break,
        # which no Location header may hold.
        if (
            not target.startswith("/")
            or any(character.isspace() for character in target)
            or not url_has_allowed_host_and_scheme(target, allowed_hosts=set())
        ):
            target = reverse("charters:charter")
        response = redirect(target)
        reading_mode.remember(response, self.mode)
        return response


class ReadingModeMixin:
    """Pages with an easy read version: the reader's choice in the context, Vary: Cookie."""

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "easy_read": self.is_easy_read(),
            "reading_mode_next": self.request.path,
        }

    def is_easy_read(self) -> bool:
        return reading_mode.is_easy_read(self.request)

    def render_to_response(self, context, **response_kwargs):
        return reading_mode.vary(super().render_to_response(context, **response_kwargs))


class HomeView(ReadingModeMixin, TemplateView):
    """The council's home: its charter (or that it is being written), the register, sign-up."""

    template_name = "pages/tenant_home.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "charter_published": selectors.charter_published(),
        }


class CharterView(ReadingModeMixin, TemplateView):
    """The charter in the reader's chosen version. ``/charter/easy-read/`` (``easy_read=True``)
    always shows easy read and remembers that choice, so links and posters to it keep working."""

    template_name = "charters/charter/public.html"
    easy_read = False

    def get_template_names(self):
        return [self.template_name if self.version else "charters/charter/being_written.html"]

    def is_easy_read(self) -> bool:
        return self.easy_read or super().is_easy_read()

    def get_context_data(self, **kwargs):
        # Before the first publication the address still answers, 200 with a page saying the
        # charter is being written and whom to contact, as GOV.UK does for a page people are
        # sent to before its content exists: the home page, posters and letters already link
        # here, and a 404 would tell a parent or young person they had done something wrong.
        self.version = selectors.current_version()
        return {
            **super().get_context_data(**kwargs),
            "version": self.version,
            # Both addresses come back to /charter/, which then shows the version chosen.
            "reading_mode_next": reverse("charters:charter"),
            "easy_read_url": reverse("charters:charter.easy_read"),
        }

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if self.easy_read:
            reading_mode.remember(response, reading_mode.EASY_READ)
        return response


class RegisterView(TemplateView):
    template_name = "charters/register/list.html"

    def get_context_data(self, **kwargs):
        form = RegisterSearchForm(
            self.request.GET or None,
            areas=selectors.register_areas(),
            levels=charter_status.level_choices(),
        )
        filters = form.cleaned_data if form.is_valid() else {}
        entries = selectors.register_entries(
            query=filters.get("q", ""),
            kind=filters.get("kind", ""),
            area=filters.get("area", ""),
            holders=filters.get("holders", False),
            level=filters.get("level", ""),
        )
        page = Paginator(entries, REGISTER_PAGE_SIZE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        return {
            **super().get_context_data(**kwargs),
            "form": form,
            "page": page,
            "query_string": query.urlencode(),
            "filtered": any(
                self.request.GET.get(name) for name in ("q", "kind", "area", "holders", "level")
            ),
        }


class RegisterEntryView(TemplateView):
    template_name = "charters/register/entry.html"

    def get_context_data(self, **kwargs):
        organisation = get_object_or_404(selectors.register_entries(), slug=kwargs["slug"])
        return {
            **super().get_context_data(**kwargs),
            "organisation": organisation,
            "current": selectors.current_version_number(),
        }


def _register_rows() -> list[dict]:
    rows = []
    for organisation in selectors.register_entries():
        signature = organisation.current_signature
        rows.append(
            {
                "name": organisation.name,
                "slug": organisation.slug,
                "kind": organisation.get_kind_display(),
                "town": organisation.town,
                "postcode": organisation.postcode,
                "area": organisation.area,
                "website": organisation.website,
                "charter_version": signature.version.number,
                "signed_on": signature.recorded_at.date().isoformat(),
                # Empty unless the organisation holds Charter Status today (valid or expiring).
                "charter_status": organisation.charter_status_level or "",
                "charter_status_expires_on": (
                    organisation.charter_status_expires_on.isoformat()
                    if organisation.charter_status_expires_on
                    else ""
                ),
                "pledges": [
                    {"pledge": p.text, "target_date": p.target_date.isoformat(), "state": p.state}
                    for p in signature.pledges.all()
                ],
            }
        )
    return rows


REGISTER_COLUMNS = [
    "name",
    "kind",
    "town",
    "postcode",
    "area",
    "website",
    "charter_version",
    "signed_on",
    "pledges_met",
    "pledges_overdue",
    # Added last, so existing readers of the columns before them keep working.
    "charter_status",
    "charter_status_expires_on",
    # The JSON lists every pledge with its state; the CSV counts each state, "in progress" too.
    "pledges_in_progress",
]


class RegisterCsvView(View):
    def get(self, request):
        def build() -> str:
            rows = []
            for row in _register_rows():
                states = [p["state"] for p in row["pledges"]]
                rows.append(
                    [
                        row["name"],
                        row["kind"],
                        row["town"],
                        row["postcode"],
                        row["area"],
                        row["website"],
                        row["charter_version"],
                        row["signed_on"],
                        states.count("met"),
                        states.count("overdue"),
                        row["charter_status"],
                        row["charter_status_expires_on"],
                        states.count("in progress"),
                    ]
                )
            return csv_text(REGISTER_COLUMNS, rows)

        # Keyed by day too: an award expiring at midnight leaves the open data without an event.
        text = public_cache.cached(f"register.csv:{timezone.localdate()}", build)
        return csv_download("register.csv", text)


class RegisterJsonView(View):
    def get(self, request):
        def build() -> str:
            return json.dumps(
                {"council": request.tenant.name, "organisations": _register_rows()}, indent=2
            )

        return HttpResponse(
            public_cache.cached(f"register.json:{timezone.localdate()}", build),
            content_type="application/json",
        )


class BadgeView(View):
    """A small SVG an organisation puts on its website, linking to its register entry."""

    def get(self, request, slug: str):
        def build() -> str:
            organisation = (
                charter_status.with_charter_status(
                    Organisation.objects.filter(
                        slug=slug,
                        current_signature__action=SignatureAction.SIGNED,
                        current_signature__consent_to_publish=True,
                    )
                )
                .select_related("current_signature")
                .first()
            )
            if organisation is None:
                return ""
            return render_to_string(
                "charters/badge.svg",
                {
                    "organisation": organisation,
                    "tenant": request.tenant,
                    "signed_on": organisation.current_signature.recorded_at,
                    # Cached for everyone: built from the tenant's own domain, not this request's
                    # Host, which its sender chooses.
                    "entry_url": request.tenant.build_url(
                        reverse("charters:register.entry", args=[organisation.slug])
                    ),
                },
            )

        # Keyed by day too, so the badge stops showing Charter Status the day it expires.
        svg = public_cache.cached(f"badge:{slug}:{timezone.localdate()}", build)
        if not svg:
            raise Http404("No signed organisation with that name.")
        response = HttpResponse(svg, content_type="image/svg+xml")
        response["Cache-Control"] = "public, max-age=3600"
        return response


class PrinciplePictureView(View):
    """A principle's easy-read picture: public once published, officers only while a draft."""

    def get(self, request, pk: int):
        principle = get_object_or_404(Principle.objects.select_related("version"), pk=pk)
        if not principle.picture:
            raise Http404
        if not principle.version.is_published and not request.user.has_perm(
            "charters.edit_charter"
        ):
            raise Http404
        content_type = "image/png" if principle.picture.name.endswith(".png") else "image/jpeg"
        response = FileResponse(principle.picture.open("rb"), content_type=content_type)
        response["Cache-Control"] = "private, max-age=300"
        return response
