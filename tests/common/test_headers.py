"""The response headers of issue 15: no copy of a page or document in any cache, a Content-Security-Policy
without inline script, a request id on every response."""
from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.test_sealed_walk import _instrument, world  # noqa: F401  (a sealed file, its documents)


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    parts = [p.strip().split() for p in policy.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


def no_store(response) -> bool:
    return "no-store" in [d.strip() for d in response.get("Cache-Control", "").split(",")]


@pytest.mark.django_db
def test_a_page_is_not_stored_and_has_the_policy(client, cast):
    client.force_login(cast.clerk_a)
    response = client.get(reverse("home"))
    assert response.status_code == 200 and no_store(response)
    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert policy["default-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


@pytest.mark.django_db
def test_the_login_page_and_errors_are_not_stored_either(client):
    assert no_store(client.get(reverse("login")))
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404 and no_store(missing) and "Content-Security-Policy" in missing


@pytest.mark.django_db
def test_pages_carry_no_inline_script(client, cast):
    """What the policy forbids is not in the pages: no <script> without src, no on…= handlers."""
    client.force_login(cast.clerk_a)
    for url in (reverse("home"), reverse("sealing:case_list"), reverse("login")):
        page = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), url
        assert not re.search(r"\son[a-z]+\s*=", page), url
        assert "hx-on" not in page and "javascript:" not in page, url


def test_static_files_stay_cacheable(client):
    response = client.get("/static/js/submit-on-change.js")
    assert response.status_code == 200 and not no_store(response)


@pytest.mark.django_db
def test_documents_are_not_stored(client, world):  # noqa: F811
    client.force_login(world.cast.reviewer_a)
    certificate = client.get(reverse("queries:request_document", kwargs={"pk": world.query.pk}))
    assert certificate.status_code == 200 and certificate["Content-Type"] == "application/pdf"
    assert no_store(certificate)
    client.force_login(world.cast.supervisor_x)
    instrument = client.get(reverse("oversight:instrument_pdf", kwargs=_instrument(world)))
    assert instrument.status_code == 200 and instrument["Content-Type"] == "application/pdf"
    assert no_store(instrument)
    for query in ("?format=csv&table=2", "?format=xlsx"):
        export = client.get(reverse("oversight:console_export") + query)
        assert export.status_code == 200 and "attachment" in export["Content-Disposition"], query
        assert no_store(export), query


@pytest.mark.django_db
def test_every_response_has_a_request_id(client):
    first, second = client.get(reverse("login")), client.get(reverse("login"))
    assert re.fullmatch(r"[0-9a-f]{32}", first["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


@pytest.mark.django_db
def test_a_proxy_request_id_is_kept_and_anything_else_replaced(client):
    nginx = "0123456789abcdef0123456789abcdef"
    assert client.get(reverse("login"), HTTP_X_REQUEST_ID=nginx)["X-Request-ID"] == nginx
    forged = client.get(reverse("login"), HTTP_X_REQUEST_ID="110101200501011234\n{\"level\": \"INFO\"}")
    assert re.fullmatch(r"[0-9a-f]{32}", forged["X-Request-ID"])


def test_the_language_switch_needs_no_inline_handler():
    from tests.commands import ROOT

    base = (ROOT / "templates" / "base.html").read_text()
    assert "onchange" not in base and "data-submit-on-change" in base
    assert "js/submit-on-change.js" in base
    assert '"includeIndicatorStyles": false' in base  # htmx would inject a <style> element the policy refuses
    script = (ROOT / "static" / "js" / "submit-on-change.js").read_text()
    assert "data-submit-on-change" in script
