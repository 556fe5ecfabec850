from importlib import import_module

# The same migration as tests/tenants/driftapp/migrations/0001_initial.py (its name starts with a
# digit, so it cannot be imported with a plain import statement).
Migration = import_module("tests.tenants.driftapp.migrations.0001_initial").Migration
