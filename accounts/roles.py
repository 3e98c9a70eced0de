"""Role groups and their permissions; created by a data migration and by load_demo."""

from django.utils.translation import gettext_lazy as _

PROVINCE_ADMIN = "Admin Provinsi"
REGENCY_STAFF = "Staf Dinas Kabupaten/Kota"
HEAD = "Pimpinan"
PMO = "PMO"
BA = "BA"

# codename lists per group ("app_label.codename").
_COOP_MODELS = ["cooperative", "businessunit", "boardmember", "partnership"]
_VIEW = [f"cooperatives.view_{m}" for m in _COOP_MODELS] + ["cooperatives.view_region"]
_EDIT = [f"cooperatives.{a}_{m}" for m in _COOP_MODELS for a in ("add", "change", "delete")]

_STAFF_MODELS = ["assistant", "assignment"]
_VIEW += [f"assistants.view_{m}" for m in _STAFF_MODELS]
_EDIT += [f"assistants.{a}_{m}" for m in _STAFF_MODELS for a in ("add", "change")]

# Trainings: staff and the province admin record cohorts, enrollments and attendance; the
# head of office only reads. Nothing is deleted from the pages (withdrawal is a status).
_TRAINING_MODELS = ["trainingprogram", "cohort", "enrollment", "attendance"]
_VIEW += [f"trainings.view_{m}" for m in _TRAINING_MODELS]
_EDIT += [f"trainings.{a}_{m}" for m in _TRAINING_MODELS for a in ("add", "change")]

# Field reports: a BA writes its own monthly report and raises the problems of its caseload; the
# PMO reviews its area's reports and follows problems up; Dinas staff may write a report on a
# BA's behalf and follow problems up; the head reads.
_REPORT_VIEW = ["reports.view_monthlyreport", "reports.view_fieldproblem"]
_REPORT_WRITE = ["reports.add_monthlyreport", "reports.change_monthlyreport", "reports.add_fieldproblem"]
_PROBLEM_FOLLOW_UP = ["reports.change_fieldproblem"]
_REVIEW = ["reports.review_monthlyreport"]
# The second step some provinces add (reports.ReviewSetting): the regency Dinas accepts.
_ACCEPT = ["reports.accept_monthlyreport"]
_REVIEW_CHAIN = ["reports.view_reviewsetting", "reports.change_reviewsetting"]
_VIEW += _REPORT_VIEW

# Full NIK numbers only for the roles that keep people's data; everyone else sees them masked.
_FULL_NIK = ["cooperatives.view_full_nik"]
_USERS = ["accounts.view_user", "accounts.add_user", "accounts.change_user", "accounts.view_audit"]

ROLE_PERMISSIONS = {
    PROVINCE_ADMIN: _VIEW
    + _EDIT
    + _FULL_NIK
    + _USERS
    + _REPORT_WRITE
    + _PROBLEM_FOLLOW_UP
    + _ACCEPT
    + _REVIEW_CHAIN
    + ["imports.run_import", "imports.view_importlog"],
    REGENCY_STAFF: _VIEW + _EDIT + _FULL_NIK + _REPORT_WRITE + _PROBLEM_FOLLOW_UP + _ACCEPT,
    HEAD: _VIEW,
    # PMO: the area's BAs and cooperatives, read-only. BA: read-only and narrowed to the
    # BA's own caseload (the user linked to the BA; see core.scoping).
    PMO: _VIEW + _REVIEW + _PROBLEM_FOLLOW_UP + ["reports.add_fieldproblem"],
    BA: _VIEW + _REPORT_WRITE + ["accounts.caseload_only"],
}

ROLE_LABELS = {
    PROVINCE_ADMIN: _("Province administrator"),
    REGENCY_STAFF: _("Regency/city Dinas staff"),
    HEAD: _("Head of office (read-only)"),
    PMO: _("PMO (reviews the area's reports, follows problems up)"),
    BA: _("Business Assistant (own caseload, writes its monthly report)"),
}


def sync_role_groups(group_model, permission_model):
    """Create the role groups and give each exactly its permissions (idempotent)."""
    for name, perms in ROLE_PERMISSIONS.items():
        group, _created = group_model.objects.get_or_create(name=name)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted.extend(permission_model.objects.filter(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)
