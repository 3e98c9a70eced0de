"""An import naming an NIK held outside the importer's scope is refused without saying who
holds it (issue 11, finding 5), in every kind keyed on a person's NIK."""

import datetime as dt

import pytest

from accounts.models import User
from assistants.models import Assistant
from cooperatives.models import Cooperative
from imports.services import import_file
from tests.imports.files import xlsx
from trainings.models import Cohort

pytestmark = pytest.mark.django_db

SECRET_NAME = "Rahasia Luar Wilayah"


@pytest.fixture
def outsider(demo):
    """A BA of Kerinci with a name the importer must never read."""
    ba = Assistant.objects.filter(role="BA", work_area_id="15.01", status="active").first()
    Assistant.objects.filter(pk=ba.pk).update(name=SECRET_NAME)
    return ba


def rows_for(kind, nik):
    village = Cooperative.objects.filter(village__code__startswith="15.71.").order_by("village").first().village_id
    cohort = Cohort.objects.get(region_id="15.71", program__audience="board")
    staff_cohort = Cohort.objects.create(
        program=Cohort.objects.get(region_id="15").program,
        number=77,
        start_date=dt.date(2026, 1, 5),
        end_date=dt.date(2026, 1, 6),
        venue="Aula",
        organizer="Dinas",
        region_id="15.71",
        capacity=20,
    )
    assert cohort  # the board cohort exists in the demo; a staff NIK goes to the staff cohort
    return {
        "assistants": [["Nama", "NIK", "JK", "Peran", "Wilayah Kerja"], ["Siapa Saja", nik, "P", "BA", "15.71"]],
        "assignments": [["NIK BA", "Kode Desa", "Tanggal Mulai"], [nik, village, "01/11/2025"]],
        "participants": [["ID Angkatan", "NIK", "Nama"], [staff_cohort.pk, nik, ""]],
    }[kind]


@pytest.mark.parametrize("kind", ["assistants", "assignments", "participants"])
def test_an_nik_outside_the_scope_is_refused_without_the_persons_name(kind, outsider):
    user = User.objects.get(username="staf.kotajambi")
    report = import_file(
        kind=kind, data=xlsx(rows_for(kind, outsider.nik)), file_name="f.xlsx", user=user, dry_run=True
    )
    assert [e.code for e in report.errors] == ["person_out_of_scope"]
    text = " ".join(e.message for e in report.errors)
    assert outsider.nik in text and SECRET_NAME not in text
