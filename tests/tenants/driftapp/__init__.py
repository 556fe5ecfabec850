"""A tenant app installed only under the test settings, whose migration creates every kind of
object a template schema may hold that a naive clone would get wrong: a PL/pgSQL function whose
body names the template schema in a literal and has a line starting with SET, a trigger, a view,
a serial column, a GENERATED ALWAYS AS ... STORED column, an identity column and an extension.
Every tenant of the test run is provisioned with it, so every provisioning test covers them.
"""
