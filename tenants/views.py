from django.http import FileResponse, Http404, HttpResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import cache_control


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
