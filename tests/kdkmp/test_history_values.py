"""The change history names what changed the way a reader says it: a related row by its name
(not "— → 6" for a user id), a date in the one date style, an amount with separators."""

import datetime as dt

import pytest

from assistants.models import Assistant
from cooperatives.models import Cooperative
from core.history import readable_changes

pytestmark = pytest.mark.django_db


def test_related_rows_dates_and_amounts_are_readable(demo, django_assert_max_num_queries):
    pmo = Assistant.objects.filter(role="PMO", work_area_id="15.71").first()
    pmo.save()  # the version to compare with (the demo is bulk-loaded without history)
    pmo.work_area_id = "15.01"
    pmo.save()
    cooperative = Cooperative.objects.filter(village__code__startswith="15.71.").order_by("pk").first()
    cooperative.save()
    cooperative.musdesus_date = dt.date(2025, 4, 20)
    cooperative.members_count = 1234
    cooperative.save()
    with django_assert_max_num_queries(2):  # the records, then the related regions' names
        changes = readable_changes(pmo.history.all())
    shown = {str(label): (str(old), str(new)) for label, old, new in changes[0].changes}
    assert shown["wilayah kerja"] == ("Kota Jambi", "Kabupaten Kerinci")
    shown = {
        str(label): (str(old), str(new)) for label, old, new in readable_changes(cooperative.history.all())[0].changes
    }
    assert "tanggal Musdesus" in shown, shown
    assert shown["tanggal Musdesus"][1] == "20 April 2025"
    assert shown["jumlah anggota"][1] == "1.234"
