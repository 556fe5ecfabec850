"""factory_boy factories that build valid objects and nothing surprising.

Call them inside the tenant's context (``tenant_context``): rows land in the current schema.
"""

import factory
from allauth.account.models import EmailAddress

from platform_.accounts.models import User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.django.Password("correct-horse-battery-staple")

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)
