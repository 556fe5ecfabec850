"""The drift app's migrations as a later deploy would bring them: 0001 as on disk, plus 0002.

Used only by tests/tenants/test_deploy.py through ``MIGRATION_MODULES``, to deploy a new migration
to every schema of the test run and then take it away again.
"""
