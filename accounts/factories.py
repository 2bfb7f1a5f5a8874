"""factory-boy factories for agencies and users (demo data and tests)."""
from functools import lru_cache

import factory
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from .models import Agency, Region, User

DEMO_PASSWORD = "Fengcun-demo-2026"


@lru_cache(maxsize=1)
def demo_password_hash() -> str:
    """Hashed once per process: PBKDF2 takes a good part of a second per user."""
    return make_password(DEMO_PASSWORD)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{440100 + n + 1:06d}")
    name = factory.Sequence(lambda n: f"区{n}")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"机关{n}")
    kind = Agency.Kind.COURT
    region = factory.SubFactory(RegionFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    last_name = factory.Faker("last_name", locale="zh_CN")
    first_name = factory.Faker("first_name", locale="zh_CN")
    agency = factory.SubFactory(AgencyFactory)
    password = factory.LazyFunction(demo_password_hash)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))
