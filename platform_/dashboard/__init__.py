"""The council dashboard (/manage/): the programme at a glance and the charts for a board report.

It reads from charters and accreditation, which the kernel may not import, so it sits above them
beside billing (pyproject.toml's layers); only the composition root (urls_tenant) imports it.
"""
