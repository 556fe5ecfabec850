"""axe-core on a page: every browser test's accessibility check, with axe's report on failure."""

from axe_playwright_python.sync_playwright import Axe

axe = Axe()


def assert_accessible(page) -> None:
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()
