import pytest

from tests.factories import AssignmentFactory, cooperatives_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pages_and_admin_work_under_the_content_security_policy(small_jambi, log_in):
    cooperative, _free = cooperatives_in("15.71", 2, board=True)
    AssignmentFactory(cooperative=cooperative)
    page = log_in("admin.provinsi")
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    for url in [
        "/",
        "/koperasi/",
        cooperative.get_absolute_url(),
        f"/koperasi/{cooperative.pk}/ubah/",
        "/penugasan/",
        "/admin/",
        "/admin/cooperatives/cooperative/",
        f"/admin/cooperatives/cooperative/{cooperative.pk}/change/",
    ]:
        response = page.goto(url)
        assert response.status == 200, url
        assert "Content-Security-Policy" in {k.title(): v for k, v in response.headers.items()}
    # The admin's own scripts ran (its autocomplete widgets need them).
    assert page.locator(".select2-container").count() > 0
    assert violations == []
