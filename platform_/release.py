"""What was deployed, as a short digest, for the keys of whole pages kept across requests.

A kept page names the static files of the release that built it (hashed names, such as
``css/cocharter.3f2a9c.css``); after a deploy the new image holds only its own, so a page kept
by the old release would be served unstyled and without its scripts until it expired (an hour
for a public page). Pages are kept per release: the digest of the static files' manifest (every
hashed name, written by collectstatic) and of ``RELEASE`` (the image's commit, when it was built
with one), which also covers markup changed with no static file changed. A leaf module.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from django.conf import settings

MANIFEST = "staticfiles.json"


@functools.cache
def digest() -> str:
    """Read once per process: a release's files do not change under it."""
    manifest = Path(settings.STATIC_ROOT) / MANIFEST
    try:
        names = manifest.read_bytes()
    except OSError:  # development and tests serve static/build as it is, unhashed
        names = b""
    return hashlib.blake2b(settings.RELEASE.encode() + b"\n" + names, digest_size=8).hexdigest()
