"""allauth's sign-up form, safe when two people sign up with one address at the same moment.

Both pass allauth's "is this address taken?" check before either has committed; the database's
unique email then stops the second insert. That second person is answered exactly as allauth
answers an address that is taken (ACCOUNT_PREVENT_ENUMERATION): "check your email", and the
owner of the address is told an account exists. Its own module, because allauth's forms import
ACCOUNT_SIGNUP_FORM_CLASS (platform_.accounts.forms) while they load.
"""

from allauth.account.forms import SignupForm

from platform_.accounts.models import User
from platform_.integrity import AlreadyExists, unique_field_constraint, unique_or_raise

EMAIL_TAKEN = unique_field_constraint(User, "email")


class RaceSafeSignupForm(SignupForm):
    def try_save(self, request):
        try:
            with unique_or_raise({EMAIL_TAKEN: AlreadyExists(EMAIL_TAKEN)}):
                return super().try_save(request)
        except AlreadyExists:
            self.account_already_exists = True
            return super().try_save(request)
