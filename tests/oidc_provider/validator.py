from oauth2_provider.oauth2_validators import OAuth2Validator

# A user whose username starts with this has an email the provider has not verified.
UNVERIFIED_PREFIX = "unverified"


class ClaimsValidator(OAuth2Validator):
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "email_verified": "email"}

    def get_additional_claims(self, request):
        user = request.user
        return {
            "email": user.email,
            "email_verified": not user.username.startswith(UNVERIFIED_PREFIX),
            "name": user.get_full_name() or user.username,
        }
