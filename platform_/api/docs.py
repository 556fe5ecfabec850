"""The schema and its interactive documentation, under the strict CSP: Swagger UI from
drf-spectacular-sidecar's static files (no CDN), its start-up script served as a file of its own
(SpectacularSwaggerSplitView), and a template of ours without the inline style.

Not Redoc: it writes its styles into <style> elements at run time, which style-src 'self'
refuses, so it draws unstyled under the CSP.
"""

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView


class SchemaView(SpectacularAPIView):
    # The schema describes every endpoint to anyone, as the docs do: nothing in it is secret.
    authentication_classes = []


class SwaggerView(SpectacularSwaggerSplitView):
    authentication_classes = []
    template_name = "api/docs/swagger_ui.html"
