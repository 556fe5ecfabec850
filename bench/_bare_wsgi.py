"""The baseline WSGI app for bench/verification.py (settings in bench/_bare_settings.py): one
view answering a short page, and this module is its URL conf too."""

import os

from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

os.environ["DJANGO_SETTINGS_MODULE"] = "bench._bare_settings"


def bare(request):
    return HttpResponse("<!DOCTYPE html><title>bare</title><p>bare</p>")


urlpatterns = [path("", bare), path("bare/", bare)]

application = get_wsgi_application()
