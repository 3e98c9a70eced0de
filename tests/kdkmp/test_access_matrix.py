"""Every URL × every role × an object inside and outside the scope ⇒ the expected outcome.

The URL list comes from the URL configuration: a page without an entry in PAGES fails
`test_every_url_is_in_the_matrix`, so a new page cannot be left out. Outcomes follow one rule:
anonymous → login redirect; a role without the page's permission → 403; an object outside the
scope (another province: Bengkulu) → 404; a BA's login sees only its own caseload (404 beyond);
otherwise the page works (200, or a redirect after a POST action).
"""

import datetime as dt

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import User
from assistants.models import Assignment, Assistant
from cooperatives.models import BoardMember, BusinessUnit, Cooperative, Partnership
from cooperatives.services import load_regions
from reports import services as report_services
from trainings.models import Cohort, Enrollment, TrainingProgram

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "admin.provinsi", "kepala.dinas", "staf.kotajambi", "pmo.kotajambi", "ba.kotajambi"]
OUTSIDE_PROVINCE = "17"  # Bengkulu: outside every demo user's scope
# Last month: its days are past, and the demo's own reports (Oct and Nov 2025) are not touched.
REPORT_MONTH = report_services.previous_month(report_services.month_start(timezone.localdate()))

# name: (method, permission, object key or None, does a BA's own login see the "in" object?)
PAGES = {
    "home": ("GET", None, None, True),
    "map": ("GET", None, None, True),
    "trends:trend": ("GET", None, None, True),
    "cooperatives:list": ("GET", "cooperatives.view_cooperative", None, True),
    "cooperatives:create": ("GET", "cooperatives.add_cooperative", None, True),
    "cooperatives:detail": ("GET", "cooperatives.view_cooperative", "cooperative", True),
    "cooperatives:update": ("GET", "cooperatives.change_cooperative", "cooperative", True),
    "cooperatives:board_create": ("GET", "cooperatives.add_boardmember", "cooperative_child", True),
    "cooperatives:board_update": ("GET", "cooperatives.change_boardmember", "board_member", True),
    "cooperatives:board_delete": ("GET", "cooperatives.delete_boardmember", "board_member", True),
    "cooperatives:unit_create": ("GET", "cooperatives.add_businessunit", "cooperative_child", True),
    "cooperatives:unit_update": ("GET", "cooperatives.change_businessunit", "business_unit", True),
    "cooperatives:unit_delete": ("GET", "cooperatives.delete_businessunit", "business_unit", True),
    "cooperatives:progress": ("GET", "cooperatives.change_cooperative", "cooperative", True),
    "cooperatives:partnership_create": ("GET", "cooperatives.add_partnership", "cooperative_child", True),
    "cooperatives:partnership_update": ("GET", "cooperatives.change_partnership", "partnership", True),
    "cooperatives:partnership_delete": ("GET", "cooperatives.delete_partnership", "partnership", True),
    "assistants:list": ("GET", "assistants.view_assistant", None, True),
    "assistants:create": ("GET", "assistants.add_assistant", None, True),
    "assistants:detail": ("GET", "assistants.view_assistant", "assistant", True),
    "assistants:update": ("GET", "assistants.change_assistant", "assistant", True),
    "assistants:handover": ("GET", "assistants.change_assignment", "assistant", True),
    "assistants:resign": ("POST", "assistants.change_assistant", "assistant", True),
    "assistants:board": ("GET", "assistants.view_assignment", None, True),
    "assistants:assign": ("GET", "assistants.add_assignment", "cooperative", True),
    "assistants:end": ("GET", "assistants.change_assignment", "assignment", True),
    "assistants:planner": ("GET", "assistants.view_assignment", None, True),
    "trainings:cohort_list": ("GET", "trainings.view_cohort", None, True),
    "trainings:program_list": ("GET", "trainings.view_trainingprogram", None, True),
    "trainings:program_create": ("GET", "trainings.add_trainingprogram", None, True),
    "trainings:program_update": ("GET", "trainings.change_trainingprogram", "program", True),
    "trainings:cohort_create": ("GET", "trainings.add_cohort", None, True),
    "trainings:cohort_detail": ("GET", "trainings.view_cohort", "cohort", True),
    "trainings:cohort_update": ("GET", "trainings.change_cohort", "cohort", True),
    "trainings:enroll": ("GET", "trainings.add_enrollment", "cohort", True),
    "trainings:attendance_day": ("GET", "trainings.view_attendance", "cohort_day", True),
    "trainings:attendance_list": ("GET", "trainings.view_attendance", "cohort", True),
    "trainings:score_sheet": ("GET", "trainings.view_enrollment", "cohort", True),
    "trainings:cohort_action": ("POST", "trainings.change_enrollment", "cohort_close", True),
    "trainings:participant_list": ("GET", "trainings.view_enrollment", None, True),
    "trainings:participant_detail": ("GET", "trainings.view_enrollment", "enrollment", False),
    "trainings:certificate": ("GET", "trainings.view_enrollment", "enrollment", False),
    "trainings:participant_action": ("POST", "trainings.change_enrollment", "enrollment_withdraw", False),
    "trainings:coverage": ("GET", "trainings.view_enrollment", None, True),
    "accounts:list": ("GET", "accounts.view_user", None, True),
    "accounts:create": ("GET", "accounts.add_user", None, True),
    "accounts:update": ("GET", "accounts.change_user", "user", True),
    "accounts:unlock": ("POST", "accounts.change_user", "user", True),
    "audit": ("GET", "accounts.view_audit", None, True),
    "cooperatives:export": ("GET", "cooperatives.view_cooperative", "fmt", True),
    "assistants:export": ("GET", "assistants.view_assistant", "fmt", True),
    "trainings:participant_export": ("GET", "trainings.view_enrollment", "fmt", True),
    "imports:import": ("GET", "imports.run_import", None, True),
    "imports:template": ("GET", "imports.run_import", "kind", True),
    "imports:confirm": ("POST", "imports.run_import", "token", True),
    "imports:failed_rows": ("GET", "imports.run_import", "token", True),
    "imports:job": ("GET", "imports.run_import", "job", True),
    "jobs:list": ("GET", None, None, True),
    "jobs:detail": ("GET", None, "export_job", True),
    "jobs:progress": ("GET", None, "job", True),
    "jobs:download": ("GET", None, "export_job", True),
    "reports:my_work": ("GET", "reports.view_monthlyreport", None, True),
    "reports:queue": ("GET", "reports.view_monthlyreport", None, True),
    "reports:recap": ("GET", "reports.view_monthlyreport", None, True),
    "reports:review_setting": ("GET", "reports.change_reviewsetting", None, True),
    "reports:approve_many": ("POST", "reports.review_monthlyreport", None, True),
    "reports:open": ("POST", "reports.change_monthlyreport", "assistant_period", True),
    "reports:detail": ("GET", "reports.view_monthlyreport", "report", True),
    "reports:submit": ("POST", "reports.change_monthlyreport", "report", True),
    "reports:review": ("POST", "reports.review_monthlyreport", "report", True),
    "reports:section": ("GET", "reports.view_monthlyreport", "section", True),
    "reports:activity_add": ("POST", "reports.change_monthlyreport", "section", True),
    "reports:activity_photo": ("GET", "reports.view_monthlyreport", "activity", True),
    "reports:activity_delete": ("POST", "reports.change_monthlyreport", "activity", True),  # after the photo
    "reports:problems": ("GET", "reports.view_fieldproblem", None, True),
    "reports:problem_export": ("GET", "reports.view_fieldproblem", "fmt", True),
    "reports:problem_create": ("GET", "reports.add_fieldproblem", None, True),
    "reports:problem_detail": ("GET", "reports.view_fieldproblem", "problem", True),
}
# Keys that are plain URL arguments rather than objects: (arguments, expected when allowed).
FIXED_ARGS = {"fmt": (["xlsx"], 200), "kind": (["cooperatives"], 200), "token": (["tidak-ada"], 404)}
# Pages that are not role pages: login/logout, the language switch and the load balancer's health
# check (tested elsewhere).
NOT_ROLE_PAGES = {"login", "logout", "set_language", "health"}


def url_names():
    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace or namespace
                if pattern.namespace and namespace:
                    ns = f"{namespace}:{pattern.namespace}"
                yield from walk(pattern.url_patterns, ns)
            elif pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return {name for name in walk(get_resolver().url_patterns) if not name.startswith("admin:")}


def test_every_url_is_in_the_matrix():
    assert url_names() - NOT_ROLE_PAGES == set(PAGES)


# A 1×1 PNG: the evidence photo of the matrix's activities.
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108020000009077"
    "53de0000000c4944415408d763f8cfc000000301010018dd8db00000000049454e44ae426082"
)


@pytest.fixture
def objects(demo, settings, tmp_path):
    """Inside: Kota Jambi objects in the demo BA's caseload. Outside: the same kinds in Bengkulu."""
    settings.MEDIA_ROOT = str(tmp_path)
    ba = Assistant.objects.get(user__username="ba.kotajambi")
    assignment = Assignment.objects.active().filter(assistant=ba).order_by("cooperative__village").first()
    cooperative = assignment.cooperative
    board_cohort = Cohort.objects.get(region_id="15.71")
    enrollment = Enrollment.objects.filter(cohort=board_cohort, board_member__cooperative=cooperative).first()
    inside = {
        "cooperative": cooperative,
        "board_member": cooperative.board_members.first(),
        "business_unit": cooperative.business_units.first(),
        "partnership": Partnership.objects.create(
            cooperative=cooperative, partner="Dapur MBG Kota", kind="mbg", started_on=dt.date(2025, 10, 1)
        ),
        "assistant": ba,
        "assignment": assignment,
        "program": board_cohort.program,
        "cohort": board_cohort,
        "enrollment": enrollment,
        "user": User.objects.get(username="staf.kotajambi"),
    }
    load_regions([OUTSIDE_PROVINCE])
    village = "17.01.01.2001"
    from cooperatives.models import Region

    far = Cooperative.objects.create(
        village_id=village,
        name="Koperasi Desa Merah Putih Luar",
        kind=Cooperative.kind_for(Region.objects.get(code=village)),
    )
    member = BoardMember.objects.create(
        cooperative=far,
        name="Orang Luar",
        nik="1701014101900001",
        gender="P",
        position="KETUA",
        term_start=dt.date(2025, 5, 1),
    )
    far_ba = Assistant.objects.create(
        name="BA Luar", nik="1701011505900001", gender="L", role="BA", work_area_id="17.01"
    )
    far_cohort = Cohort.objects.create(
        program=board_cohort.program,
        number=9,
        start_date=dt.date(2025, 11, 3),
        end_date=dt.date(2025, 11, 4),
        venue="Bengkulu",
        organizer="Dinas",
        region_id="17",
        capacity=10,
    )
    outside = {
        "cooperative": far,
        "board_member": member,
        "business_unit": BusinessUnit.objects.create(cooperative=far, unit_type="sembako"),
        "partnership": Partnership.objects.create(
            cooperative=far, partner="Mitra Luar", kind="supply", started_on=dt.date(2025, 10, 1)
        ),
        "assistant": far_ba,
        "assignment": Assignment.objects.create(assistant=far_ba, cooperative=far, start_date=dt.date(2025, 10, 1)),
        # Programs are a shared catalogue (seen by all), changed only by their owner.
        "program": TrainingProgram.objects.create(title="Program Luar", audience="board", owner_region_id="17"),
        "cohort": far_cohort,
        "enrollment": Enrollment.objects.create(cohort=far_cohort, board_member=member, region_id=village),
        "user": User.objects.create_user("staf.bengkulu", scope_region_id="17", password="x-Sandi-123"),
    }
    for side in (inside, outside):  # a report, a section, an activity and a problem on each side
        ba_here = side["assistant"]
        report = report_services.open_report(ba_here, REPORT_MONTH, by=None)
        section = report.sections.select_related("cooperative").first()
        activity = report_services.add_activity(
            section,
            by=None,
            date=section.accompanied_from,
            mode="phone",
            area="plans",
            outcome="Rencana usaha",
            photo=SimpleUploadedFile("foto.png", TINY_PNG, content_type="image/png"),
        )
        side |= {
            "report": report,
            "section": section,
            "activity": activity,
            "problem": report_services.raise_problem(
                assistant=ba_here,
                cooperative=section.cooperative,
                category="LAHAN",
                severity="high",
                description="Lahan",
                by=None,
            ),
            "assistant_period": (ba_here, REPORT_MONTH),
        }
    # A job is its user's alone: "in" is the requesting role's own finished import job, "out" a job
    # of a user elsewhere.
    for key, kind in (("job", "import"), ("export_job", "export")):
        inside[key] = {name: finished_job(User.objects.get(username=name), kind) for name in ROLES[1:]}
        outside[key] = finished_job(outside["user"], kind)
    return {"in": inside, "out": outside}


def finished_job(user, kind):
    from django.core.files.base import ContentFile

    from imports.jobs import Preview
    from jobs.models import Job

    counts = {"rows": 1, "new": 0, "updated": 0, "unchanged": 1, "errors": 0}
    job = Job(user=user, kind=kind, label="f.xlsx", params={"kind": "cooperatives"}, status=Job.Status.DONE)
    if kind == "import":
        job.result = Preview(kind="cooperatives", file_name="f.xlsx", counts=counts, ok=True, written=True).as_json()
    else:
        job.result = {"rows": 1}
    job.output_file.save("hasil.csv", ContentFile(b"a;b\n"), save=False)
    job.save()
    return job


def build_url(name, key, objects, role="admin.provinsi"):
    if key is None:
        return reverse(name)
    if key in ("job", "export_job"):
        job = objects[key]  # inside: {role: that role's own job}; outside: one job elsewhere
        if isinstance(job, dict):
            job = job.get(role) or job["admin.provinsi"]
        return reverse(name, args=[job.pk])
    if key in FIXED_ARGS:
        return reverse(name, args=FIXED_ARGS[key][0])
    kind = key.split("_")[0] if key.startswith(("cohort_", "enrollment_")) else key
    obj = objects[{"cooperative_child": "cooperative"}.get(kind, kind)]
    if key == "cooperative_child":
        return reverse(name, args=[obj.pk])
    if name.startswith(("cooperatives:board", "cooperatives:unit", "cooperatives:partnership")):
        return reverse(name, args=[obj.cooperative_id, obj.pk])
    if key == "cohort_day":
        return reverse(name, args=[obj.pk, obj.start_date.isoformat()])
    if key == "cohort_close":
        return reverse(name, args=[obj.pk, "close"])
    if key == "enrollment_withdraw":
        return reverse(name, args=[obj.pk, "withdraw"])
    if key == "assistant_period":
        return reverse(name, args=[obj[0].pk, obj[1].strftime("%Y-%m")])
    if key in ("section", "activity"):
        return reverse(name, args=[obj.report_id if key == "section" else obj.section.report_id, obj.pk])
    return reverse(name, args=[obj.pk])


def expected(role, user, name, method, permission, key, ba_sees, where):
    if role == "anonymous":
        return {302}
    if name in ("home", "map", "trends:trend") and role == "ba.kotajambi":
        return {302}  # a BA starts on its own caseload
    if name == "reports:review" and user.has_perm("reports.accept_monthlyreport"):
        if not user.has_perm(permission):  # the Dinas's step: only reports its PMO approved
            return {404} if where == "out" else {403}
    if permission and not user.has_perm(permission):
        return {403}
    if key in FIXED_ARGS:
        return {FIXED_ARGS[key][1]}  # an unknown upload token is a 404 like any missing object
    if name == "trainings:program_update" and (role != "admin.provinsi" or where == "out"):
        return {403}  # the demo's programs are kept by the province; the outside one by Bengkulu
    if key and key != "program" and not key.startswith("program") and where == "out":
        return {404}
    if key and role == "ba.kotajambi" and not ba_sees:
        return {404}
    if key == "cohort" and name == "trainings:cohort_update" and role in ("pmo.kotajambi", "ba.kotajambi"):
        return {403}
    if role == "ba.kotajambi" and name in ("assistants:board", "assistants:planner"):
        return {403}  # a BA's own login works on its caseload, not the regency's
    if name in ("reports:my_work", "reports:problem_create") and role != "ba.kotajambi":
        return {302}  # office logins have no caseload of their own: they go to the report queue
    if name == "reports:activity_add":
        return {400}  # an empty activity is refused with the form
    return {302, 200} if method == "POST" else {200}


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(client, objects, role):
    user = None
    if role != "anonymous":
        user = User.objects.get(username=role)
        client.force_login(user)
    mismatches = []
    for name, (method, permission, key, ba_sees) in PAGES.items():
        for where in ["in", "out"] if key and key not in FIXED_ARGS else ["in"]:
            url = build_url(name, key, objects[where], role)
            response = client.post(url) if method == "POST" else client.get(url)
            want = expected(role, user, name, method, permission, key, ba_sees, where)
            if response.status_code not in want:
                mismatches.append(f"{method} {url} ({name}, {where}): {response.status_code}, expected {sorted(want)}")
            if role == "anonymous" and response.status_code == 302:
                assert response.url.startswith(reverse("login")), url
    assert mismatches == []


@pytest.mark.parametrize("role", ROLES)
def test_admin_matrix(client, objects, role):
    """Admin pages: only staff with the model's view permission; out of scope is a 404, never
    the object (every admin URL pattern: tests/kdkmp/test_admin_matrix.py)."""
    if role != "anonymous":
        client.force_login(User.objects.get(username=role))
    user = User.objects.get(username=role) if role != "anonymous" else None
    mismatches = []
    for model in admin.site._registry:
        meta = model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        status = client.get(url).status_code
        allowed = user is not None and user.is_staff and user.has_perm(f"{meta.app_label}.view_{meta.model_name}")
        if status != (200 if allowed else 302 if user is None or not user.is_staff else 403):
            mismatches.append(f"{url}: {status}")
    for kind in ["cooperative", "board_member", "assistant"]:
        for where, want_ok in (("in", 200), ("out", 404)):
            obj = objects[where][kind]
            url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
            status = client.get(url).status_code
            want = want_ok if user is not None and user.is_staff else 302
            if status != want:
                mismatches.append(f"{url} ({where}): {status}, expected {want}")
    assert mismatches == []
