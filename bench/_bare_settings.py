"""Settings for the baseline of bench/verification.py: one Django view behind the middleware a
new Django project starts with, no database, no tenants. Only the benchmark loads it (run_all.py
skips modules starting with an underscore); it adds no route to the product."""

SECRET_KEY = "bench-only-not-secret"  # noqa: S105 -- a throwaway key for a loopback benchmark
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "bench._bare_wsgi"
USE_TZ = True
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
]
# `django-admin startproject`'s list: what "standard middleware" means in DESIGN §10.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
DATABASES: dict = {}
