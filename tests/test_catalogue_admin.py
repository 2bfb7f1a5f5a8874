"""The charge and legal-basis catalogues' categories are edited in the admin as named boxes to tick, not as the
JSON of their codes; what is saved is the same list of codes the rules read."""
from django.urls import reverse
from django.utils import translation

from accounts.factories import UserFactory
from queries.models import LegalBasis
from sealing.models import Charge


def test_the_categories_are_ticked_by_name(cast, client):
    root = UserFactory(username="root", agency=None, roles=[], is_staff=True, is_superuser=True)
    client.force_login(root)
    charge = Charge.objects.get(name="盗窃罪")
    url = reverse("admin:sealing_charge_change", args=[charge.pk])
    with translation.override("zh-hans"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'type="checkbox" name="categories" value="property"' in page and "侵犯财产" in page
    assert '["property"]' not in page  # no JSON to edit
    basis = LegalBasis.objects.get(code="MPL-62")
    url = reverse("admin:queries_legalbasis_change", args=[basis.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form.initial.get(name, "") for name in form.fields}
    data.update(categories=["violence", "sexual", "drug"], active="on")
    data = {k: ("" if v is None else v) for k, v in data.items()}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    basis.refresh_from_db()
    assert basis.categories == ["drug", "sexual", "violence"]
    response = client.post(url, {**data, "categories": ["no-such-category"]})
    assert response.status_code == 200 and "categories" in response.context["adminform"].form.errors


def test_the_legal_bases_name_their_categories_in_chinese(db):
    """The summaries the reviewer reads cite categories by name (the migration rewrote the stored ones)."""
    import re

    from queries.catalogue import category_names_in

    assert category_names_in("贪污类犯罪（corruption）；economic类别宽于本条") == "贪污类犯罪（“贪污贿赂”）；“破坏社会主义市场经济秩序”类别宽于本条"
    for basis in LegalBasis.objects.all():
        assert not re.search(r"[A-Za-z_]{3,}", basis.summary), basis.code
