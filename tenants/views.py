from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import cache_control
from django.views.generic import FormView

from platform_.accounts.permissions import RoleRequiredMixin
from tenants.forms import ContactEmailForm
from tenants.services import update_contact_email


@method_decorator(cache_control(max_age=300, public=True), name="dispatch")
class BrandingStylesheetView(View):
    """The tenant's colour as CSS, so pages need no inline styles (strict CSP)."""

    def get(self, request):
        colour = request.tenant.brand_colour  # validated as #rrggbb when saved
        css = (
            f":root {{ --brand-colour: {colour}; }}\n"
            f".app-header {{ background-color: {colour}; border-bottom-color: {colour}; }}\n"
        )
        return HttpResponse(css, content_type="text/css")


@method_decorator(cache_control(max_age=3600, public=True), name="dispatch")
class BrandingLogoView(View):
    """The tenant's logo, served from platform storage (never a path a visitor can choose)."""

    def get(self, request):
        logo = request.tenant.logo
        if not logo:
            raise Http404("This council has no logo.")
        content_type = "image/png" if logo.name.endswith(".png") else "image/jpeg"
        return FileResponse(logo.open("rb"), content_type=content_type)


class ContactEmailView(RoleRequiredMixin, FormView):
    """Officers set the address every "contact the council" names."""

    permission_required = "tenant.manage"
    form_class = ContactEmailForm
    template_name = "tenants/contact_email.html"

    def get_initial(self):
        return {"contact_email": self.request.tenant.contact_email}

    def form_valid(self, form):
        update_contact_email(
            self.request.tenant,
            contact_email=form.cleaned_data["contact_email"],
            acting_user=self.request.user,
        )
        messages.success(self.request, _("Contact email address saved."))
        return redirect("manage")
