"""Every URL pattern of every registered ModelAdmin × every role × an object inside the scope,
in another regency and in another province.

The URLs come from the project's resolved URL configuration (so the views a library adds, such
as simple-history's history and revert or import-export's import and export, are in it without
being listed here). Outcomes: anonymous and non-staff users go to the admin's login; a URL that
names an object outside the user's scope is a 404 whatever the view; a URL inside the scope never
fails with a 500; a POST on a history version (a revert) is refused.
"""

import datetime as dt
import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import User
from assistants.models import Assignment, Assistant
from cooperatives.models import BoardMember, BusinessUnit, Cooperative, Partnership, Region
from cooperatives.services import load_regions
from imports.models import ImportLog
from reports import services as report_services
from trainings.models import Attendance, Cohort, Enrollment, TrainingProgram

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "admin.provinsi", "staf.kotajambi", "kepala.dinas", "ba.kotajambi"]
# Registered models no role group has any permission on (only a superuser opens them), and the
# shared training catalogue that every scope sees (who may change a program: tested elsewhere).
UNSCOPED = {"auth.group", "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog", "trainings.trainingprogram"}


def admin_patterns():
    """(model label, URL template pieces) for every pattern under every registered model."""
    admin_resolver = next(
        p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and p.namespace == "admin"
    )
    prefixes = {f"{m._meta.app_label}/{m._meta.model_name}/": m._meta.label_lower for m in admin.site._registry}
    for resolver in admin_resolver.url_patterns:
        if isinstance(resolver, URLResolver) and str(resolver.pattern) in prefixes:
            for pattern in resolver.url_patterns:
                assert isinstance(pattern, URLPattern), "nested admin URL resolvers are not generated yet"
                yield prefixes[str(resolver.pattern)], str(resolver.pattern), pattern


def fill(prefix, pattern, object_id, history_id):
    """The URL of a pattern with the object's id (and a history id for a second argument)."""
    values = iter([str(object_id), str(history_id)])
    route = str(pattern.pattern)
    if route.startswith("^"):  # a regex pattern (simple-history): groups in order
        route = re.sub(r"\([^)]*\)", lambda _m: next(values), route.strip("^$"))
    else:
        route = re.sub(r"<(?:\w+:)?\w+>", lambda _m: next(values), route)
    return f"/admin/{prefix}{route}"


def takes_object(pattern):
    return bool(pattern.pattern.regex.groups)


@pytest.fixture
def admin_objects(demo):
    """Per scoped model: an object in the Kota Jambi demo caseload, one in Kerinci (another
    regency of the province) and one in Bengkulu (another province)."""
    ba = Assistant.objects.get(user__username="ba.kotajambi")
    cooperative = Assignment.objects.active().filter(assistant=ba).order_by("cooperative__village").first().cooperative
    kerinci = Cooperative.objects.filter(village__code__startswith="15.01.", assignments__end_date__isnull=True).first()
    staff_program = TrainingProgram.objects.filter(audience="staff").first()

    def objects_of(coop, ba_of_coop, cohort_region, person_region, username):
        member = coop.board_members.first()
        cohort = Cohort.objects.create(
            program=staff_program,
            number=Cohort.objects.count() + 50,
            start_date=dt.date(2025, 11, 3),
            end_date=dt.date(2025, 11, 4),
            venue="Aula",
            organizer="Dinas",
            region_id=cohort_region,
            capacity=10,
        )
        enrollment = Enrollment.objects.create(cohort=cohort, assistant=ba_of_coop, region_id=person_region)
        attendance = Attendance.objects.create(
            enrollment=enrollment,
            day=cohort.start_date,
            present=False,
            note="sakit",
            recorded_at=dt.datetime(2025, 11, 3, 9, tzinfo=dt.UTC),
        )
        attendance.present, attendance.note = True, "hadir"
        attendance.save()  # a second version to revert to
        user = User.objects.filter(scope_region_id=person_region).first() or User.objects.create_user(
            username, scope_region_id=person_region, password="x-Sandi-123"
        )
        objects = {
            "cooperatives.region": Region.objects.get(code=person_region),
            "cooperatives.cooperative": coop,
            "cooperatives.boardmember": member,
            "cooperatives.businessunit": coop.business_units.first(),
            "cooperatives.partnership": Partnership.objects.create(
                cooperative=coop, partner="Bulog", kind="supply", started_on=dt.date(2025, 10, 1)
            ),
            "assistants.assistant": ba_of_coop,
            "assistants.assignment": Assignment.objects.active().get(cooperative=coop),
            "trainings.cohort": cohort,
            "trainings.enrollment": enrollment,
            "trainings.attendance": attendance,
            "accounts.user": user,
            "imports.importlog": ImportLog.objects.create(
                user=user, kind="cooperatives", channel="page", file_name="x.csv", outcome="imported"
            ),
            "reports.monthlyreport": report_services.open_report(
                ba_of_coop, report_services.previous_month(report_services.month_start(timezone.localdate())), by=None
            ),
            "reports.fieldproblem": report_services.raise_problem(
                assistant=ba_of_coop, cooperative=coop, category="LAHAN", severity="low", description="x", by=None
            ),
        }
        for obj in objects.values():  # demo rows are bulk-loaded: give each a version to open
            if hasattr(obj, "history") and not obj.history.exists():
                obj.save()
        return objects

    load_regions(["17"])
    village = Region.objects.get(code="17.01.01.2001")
    far = Cooperative.objects.create(
        village=village, name="Koperasi Desa Merah Putih Luar", kind=Cooperative.kind_for(village)
    )
    BoardMember.objects.create(
        cooperative=far,
        name="Orang Luar",
        nik="1701014101900001",
        gender="P",
        position="KETUA",
        term_start=dt.date(2025, 5, 1),
    )
    BusinessUnit.objects.create(cooperative=far, unit_type="sembako")
    far_ba = Assistant.objects.create(
        name="BA Luar", nik="1701011505900001", gender="L", role="BA", work_area_id="17.01"
    )
    Assignment.objects.create(assistant=far_ba, cooperative=far, start_date=dt.date(2025, 10, 1))
    return {
        "in": objects_of(cooperative, ba, "15.71", "15.71", "staf.kotajambi"),
        "regency": objects_of(
            kerinci, Assignment.objects.active().get(cooperative=kerinci).assistant, "15.01", "15.01", "staf.kerinci"
        ),
        "province": objects_of(far, far_ba, "17", "17.01", "staf.bengkulu"),
    }


def history_id(obj):
    history = getattr(obj, "history", None)
    return history.order_by("history_id").first().history_id if history is not None else obj.pk


def test_every_registered_model_is_in_the_matrix(admin_objects):
    registered = {m._meta.label_lower for m in admin.site._registry}
    assert registered == set(admin_objects["in"]) | UNSCOPED


def test_no_role_may_open_the_unscoped_admin_models():
    for group in Group.objects.all():
        codenames = {f"{p.content_type.app_label}.{p.content_type.model}" for p in group.permissions.all()}
        assert not codenames & (UNSCOPED - {"trainings.trainingprogram"}), group.name


def test_the_generated_urls_reach_library_views():
    names = {pattern.name for _label, _prefix, pattern in admin_patterns()}
    for name in [
        "trainings_attendance_simple_history",
        "trainings_enrollment_history",
        "cooperatives_cooperative_import",
        "cooperatives_cooperative_process_import",
        "assistants_assistant_export",
        "cooperatives_boardmember_delete",
    ]:
        assert name in names


@pytest.mark.parametrize("role", ROLES)
def test_admin_url_matrix(client, admin_objects, role):
    user = None
    if role != "anonymous":
        user = User.objects.get(username=role)
        if role == "staf.kotajambi":  # a regency staffer given admin access
            User.objects.filter(pk=user.pk).update(is_staff=True)
            user.refresh_from_db()
        client.force_login(user)
    outside = ["province"] if user is None or user.is_superuser or role == "admin.provinsi" else ["regency", "province"]
    mismatches = []
    for label, prefix, pattern in admin_patterns():
        if label in UNSCOPED:
            continue
        places = ["in", *outside] if takes_object(pattern) else ["in"]
        for where in places:
            obj = admin_objects[where][label]
            url = fill(prefix, pattern, obj.pk, history_id(obj))
            for method in ("get", "post"):
                status = getattr(client, method)(url).status_code
                if user is None or not user.is_staff:
                    ok = status == 302
                elif where != "in":
                    ok = status == 404
                elif pattern.name and pattern.name.endswith("_simple_history") and method == "post":
                    ok = status == 403
                else:
                    ok = status in (200, 302, 403, 405) or (status == 404 and role == "ba.kotajambi")
                if not ok:
                    mismatches.append(f"{method.upper()} {url} ({pattern.name}, {where}): {status}")
    assert "\n".join(mismatches) == ""


def test_revert_from_the_history_is_refused_and_changes_nothing(client, admin_objects):
    client.force_login(User.objects.get(username="admin.provinsi"))
    for where, want in (("in", 403), ("province", 404)):
        attendance = admin_objects[where]["trainings.attendance"]
        old = attendance.history.order_by("history_id").first()
        url = reverse("admin:trainings_attendance_simple_history", args=[attendance.pk, old.history_id])
        assert client.post(url).status_code == want
        attendance.refresh_from_db()
        assert (attendance.present, attendance.note) == (True, "hadir")


def test_history_of_another_province_is_a_404(client, admin_objects):
    client.force_login(User.objects.get(username="admin.provinsi"))
    for label in ["trainings.enrollment", "trainings.attendance"]:
        obj = admin_objects["province"][label]
        app, model = label.split(".")
        assert client.get(reverse(f"admin:{app}_{model}_history", args=[obj.pk])).status_code == 404
        version = reverse(f"admin:{app}_{model}_simple_history", args=[obj.pk, history_id(obj)])
        assert client.get(version).status_code == 404
        inside = admin_objects["in"][label]
        assert client.get(reverse(f"admin:{app}_{model}_history", args=[inside.pk])).status_code == 200


def test_view_on_site_is_a_404_for_another_province_and_for_a_missing_id(client, admin_objects):
    from django.contrib.contenttypes.models import ContentType

    client.force_login(User.objects.get(username="admin.provinsi"))
    content_type = ContentType.objects.get_for_model(Cooperative).pk
    far = admin_objects["province"]["cooperatives.cooperative"]
    near = admin_objects["in"]["cooperatives.cooperative"]
    assert client.get(reverse("admin:view_on_site", args=[content_type, far.pk])).status_code == 404
    assert client.get(reverse("admin:view_on_site", args=[content_type, 10**9])).status_code == 404
    assert client.get(reverse("admin:view_on_site", args=[content_type, "x"])).status_code == 404
    assert client.get(reverse("admin:view_on_site", args=[10**12, near.pk])).status_code == 404
    response = client.get(reverse("admin:view_on_site", args=[content_type, near.pk]))
    assert response.status_code == 302 and response.url == near.get_absolute_url()


ODD_IDS = ["99999999999999999999999", "-1", "x", "1.5", "²", "1 OR 1=1", "%2F..%2F"]


def test_odd_ids_in_every_admin_url_are_a_404(client, demo):
    client.force_login(User.objects.get(username="admin.provinsi"))
    failures = []
    for label, prefix, pattern in admin_patterns():
        if not takes_object(pattern) or label in UNSCOPED:
            continue
        for odd in ODD_IDS:
            url = fill(prefix, pattern, odd, odd)
            for method in ("get", "post"):
                status = getattr(client, method)(url).status_code
                if status != 404:
                    failures.append(f"{method.upper()} {url}: {status}")
    assert "\n".join(failures) == ""


@pytest.mark.parametrize("role", ["admin.provinsi", "staf.kotajambi"])
def test_every_autocomplete_offers_only_objects_in_scope(client, admin_objects, role):
    """The admin's autocomplete (a site view every autocomplete field uses): for each such field
    of each registered admin, searching for an outside object by its own name finds nothing."""
    from django.test import RequestFactory

    user = User.objects.get(username=role)
    User.objects.filter(pk=user.pk).update(is_staff=True)
    user.refresh_from_db()
    client.force_login(user)
    request = RequestFactory().get("/admin/")
    request.user = user
    outside = ["province"] if role == "admin.provinsi" else ["regency", "province"]
    checked, leaks = 0, []
    for model, model_admin in admin.site._registry.items():
        for field_name in model_admin.get_autocomplete_fields(request):
            remote = model._meta.get_field(field_name).related_model._meta.label_lower
            for where in outside:
                far = admin_objects[where].get(remote)
                if far is None:
                    continue
                params = {
                    "app_label": model._meta.app_label,
                    "model_name": model._meta.model_name,
                    "field_name": field_name,
                    "term": str(getattr(far, "name", "") or far.pk),
                }
                response = client.get(reverse("admin:autocomplete"), params)
                checked += 1
                if response.status_code == 200 and str(far.pk) in {r["id"] for r in response.json()["results"]}:
                    leaks.append(f"{model._meta.label}.{field_name} offers {remote} {far.pk} ({where})")
    assert checked >= 6 and leaks == []


def test_a_province_admin_cannot_touch_a_superuser_in_its_province(client, demo):
    """A superuser with a Jambi scope: the province admin must not reset its password (and so
    hold a superuser), neither in the admin nor on the user pages."""
    root = User.objects.create_superuser("root.jambi", password="Sandi-Awal-123", scope_region_id="15")
    client.force_login(User.objects.get(username="admin.provinsi"))
    password_url = reverse("admin:auth_user_password_change", args=[root.pk])
    data = {"password1": "Sandi-Baru-456!x", "password2": "Sandi-Baru-456!x", "usable_password": "true"}
    assert client.post(password_url, data).status_code == 404
    assert client.get(reverse("admin:accounts_user_change", args=[root.pk])).status_code == 404
    assert client.get(reverse("accounts:update", args=[root.pk])).status_code == 404
    assert "root.jambi" not in client.get(reverse("accounts:list")).content.decode()
    root.refresh_from_db()
    assert root.check_password("Sandi-Awal-123")


@pytest.mark.parametrize("role", ["admin.provinsi", "staf.kotajambi"])
def test_every_changelist_action_ignores_ids_outside_the_scope(client, admin_objects, role):
    """Admin actions (delete selected, and whatever a library adds) act on the changelist's
    scoped queryset: a forged id of an outside object is never acted on."""
    from django.test import RequestFactory

    user = User.objects.get(username=role)
    User.objects.filter(pk=user.pk).update(is_staff=True)
    user.refresh_from_db()
    client.force_login(user)
    request = RequestFactory().get("/admin/")
    request.user = user
    outside = ["province"] if role == "admin.provinsi" else ["regency", "province"]
    tried = 0
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        if label in UNSCOPED:
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for action in model_admin.get_actions(request):
            for where in outside:
                far = admin_objects[where][label]
                before = model._default_manager.filter(pk=far.pk).values().first()
                client.post(url, {"action": action, "_selected_action": [far.pk], "post": "yes", "index": 0})
                tried += 1
                assert model._default_manager.filter(pk=far.pk).values().first() == before, (label, action, where)
    assert tried >= 3  # delete selected on the three models the roles may delete
