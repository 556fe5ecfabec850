"""No code builds a link from the request's Host header (DESIGN section 7): a class guard."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ["accreditation", "charters", "platform_", "tenants", "templates"]
HOST_READS = re.compile(r"build_absolute_uri\(|get_host\b|HTTP_HOST|SERVER_NAME")
# The adapter compares allauth's request-built links with the request's root to replace them.
# The page cache keys stored pages by the (validated) host they were built for; it builds no link.
ALLOWED = {Path("platform_/accounts/adapter.py"), Path("charters/page_cache.py")}


def test_no_link_is_built_from_the_request_host():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for folder in SOURCES
        for path in sorted((ROOT / folder).rglob("*"))
        if path.suffix in {".py", ".html", ".txt", ".svg"} and path.relative_to(ROOT) not in ALLOWED
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if HOST_READS.search(line)
    ]
    assert offenders == [], "Build links with Tenant.build_url or platform_.site_urls instead"
