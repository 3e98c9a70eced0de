"""The Django admin's import is the one import path: its Import button and URLs send to
"Impor data" with the kind chosen. Its export (django-import-export) stays, scoped."""

import pytest
from django.urls import reverse

from imports.models import ImportLog

pytestmark = pytest.mark.django_db
IMPORT = reverse("admin:cooperatives_cooperative_import")
PROCESS = reverse("admin:cooperatives_cooperative_process_import")


@pytest.mark.parametrize(
    "url, kind",
    [
        (IMPORT, "cooperatives"),
        (PROCESS, "cooperatives"),
        (reverse("admin:cooperatives_boardmember_import"), "board"),
        (reverse("admin:assistants_assistant_import"), "assistants"),
        (reverse("admin:assistants_assignment_import"), "assignments"),
    ],
)
def test_the_admins_import_opens_the_import_page_with_its_kind(login, url, kind):
    client = login("admin.provinsi")
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302 and response.url == f"{reverse('imports:import')}?jenis={kind}"
    page = client.get(response.url)
    assert page.context["form"].initial == {"kind": kind}
    assert f'<option value="{kind}" selected>' in page.content.decode()


def test_staff_who_may_not_import_get_403_from_the_admins_import(login):
    from accounts.models import User

    User.objects.filter(username="staf.kotajambi").update(is_staff=True)
    client = login("staf.kotajambi")
    assert client.get(IMPORT).status_code == 403
    assert client.post(PROCESS).status_code == 403


def test_an_unknown_kind_leaves_the_import_page_unchosen(login):
    page = login("admin.provinsi").get(reverse("imports:import"), {"jenis": "<script>"})
    assert page.status_code == 200 and page.context["form"].initial == {}


def test_admin_export_is_scoped(login):
    from accounts.models import User

    User.objects.filter(username="staf.kotajambi").update(is_staff=True)
    client = login("staf.kotajambi")
    url = reverse("admin:cooperatives_cooperative_export")
    response = client.post(
        url, {"format": 0, "resource": 0, "cooperativeresource_village_code": True, "cooperativeresource_name": True}
    )
    assert response.status_code == 200, response.content[:500]
    import io

    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert len(rows) == 1 + 68
    assert all(str(r[0]).startswith("15.71.") for r in rows[1:])


def test_import_logs_are_scoped(demo):
    from django.test import RequestFactory

    from accounts.models import User
    from imports.admin import ImportLogAdmin

    kota, kerinci = User.objects.get(username="staf.kotajambi"), User.objects.get(username="staf.kerinci")
    ImportLog.objects.create(user=kota, kind="board", outcome="imported")
    ImportLog.objects.create(user=kerinci, kind="board", outcome="imported")
    ImportLog.objects.create(user=None, kind="board", outcome="imported")
    request = RequestFactory().get("/")
    model_admin = ImportLogAdmin(ImportLog, None)
    request.user = User.objects.get(username="admin.provinsi")
    assert model_admin.get_queryset(request).count() == 2
    request.user = kota
    assert list(model_admin.get_queryset(request).values_list("user__username", flat=True)) == ["staf.kotajambi"]


def test_the_admins_export_page_speaks_indonesian(login):
    from accounts.models import User

    User.objects.filter(username="staf.kotajambi").update(is_staff=True)
    html = login("staf.kotajambi").get(reverse("admin:cooperatives_cooperative_export")).content.decode()
    assert "Ekspor ini berisi kolom berikut" in html and "Pilih semua" in html
    assert "This exporter" not in html and "Select all" not in html


def test_the_librarys_own_import_path_is_closed():
    """No door around imports.services: the library's import_data refuses (the admin's Import
    button opens the import page, tested above)."""
    import tablib

    from imports import registry

    for kind in registry.KINDS:
        with pytest.raises(NotImplementedError):
            registry.get(kind)(user=None).import_data(tablib.Dataset(headers=["Kode Desa"]), dry_run=True)
