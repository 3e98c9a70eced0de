import datetime as dt
import logging
import sys

from django.db import InterfaceError, OperationalError
from django.db.models import Q
from django.http import HttpResponse
from django.template import loader
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from django.views.generic import TemplateView

from assistants.models import Assignment, Assistant
from cooperatives.models import BoardMember, BusinessUnit, Cooperative
from core.history import readable_changes
from core.scoping import scope_q
from core.views import PageMixin
from trainings.models import Attendance, Enrollment

logger = logging.getLogger(__name__)


def _person(record):
    person = record.assistant or record.board_member
    return person.name if person else "?"


# What the audit page searches: (key, label, model, path to the region code, field searched by
# text, relations loaded with the records, how a record is named without further queries).
AUDITED = [
    ("koperasi", _("Cooperatives"), Cooperative, "village__code", "name", (), lambda r: r.name),
    (
        "pengurus",
        _("Board members"),
        BoardMember,
        "cooperative__village__code",
        "name",
        ("cooperative",),
        lambda r: f"{r.name} · {r.cooperative.name}",
    ),
    (
        "unit",
        _("Business units"),
        BusinessUnit,
        "cooperative__village__code",
        "other_name",
        ("cooperative",),
        lambda r: f"{r.get_unit_type_display()} · {r.cooperative.name}",
    ),
    ("pendamping", _("Assistants"), Assistant, "work_area__code", "name", (), lambda r: r.name),
    (
        "penugasan",
        _("Assignments"),
        Assignment,
        "cooperative__village__code",
        "reason",
        ("assistant", "cooperative"),
        lambda r: f"{r.assistant.name} → {r.cooperative.name}",
    ),
    (
        "peserta",
        _("Training participants"),
        Enrollment,
        "region__code",
        "certificate_number",
        ("assistant", "board_member", "cohort__program"),
        lambda r: f"{_person(r)} · {r.cohort.program.title}",
    ),
    (
        "absensi",
        _("Attendance"),
        Attendance,
        "enrollment__region__code",
        "note",
        ("enrollment__assistant", "enrollment__board_member"),
        lambda r: f"{_person(r.enrollment)} · {r.day}",
    ),
]
AUDIT_LIMIT = 100


def _date(value):
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


class AuditView(PageMixin, TemplateView):
    """Search the change history of the user's region: what changed, who, when, why."""

    permission_required = "accounts.view_audit"
    template_name = "audit.html"

    def get_context_data(self, **kwargs):
        params = self.request.GET
        kinds = {entry[0]: entry[1:] for entry in AUDITED}
        kind = params.get("jenis") if params.get("jenis") in kinds else "koperasi"
        label, model, region_field, text_field, related, describe = kinds[kind]
        records = model.history.filter(scope_q(self.request.user, region_field))
        author = (params.get("oleh") or "").strip()
        text = (params.get("q") or "").strip()
        since, until = _date(params.get("dari")), _date(params.get("sampai"))
        if author:
            records = records.filter(
                Q(history_user__username__icontains=author) | Q(history_user__first_name__icontains=author)
            )
        if text:
            records = records.filter(**{f"{text_field}__icontains": text})
        if since:
            records = records.filter(history_date__date__gte=since)
        if until:
            records = records.filter(history_date__date__lte=until)
        return super().get_context_data(**kwargs) | {
            "kinds": [(key, value[0]) for key, value in kinds.items()],
            "kind": kind,
            "label": label,
            "changes": readable_changes(records, limit=AUDIT_LIMIT, related=related, describe=describe),
            "limit": AUDIT_LIMIT,
            "author": author,
            "q": text,
            "since": params.get("dari", ""),
            "until": params.get("sampai", ""),
        }


audit = AuditView.as_view()


# SQLSTATE classes of a lost or refused connection (PostgreSQL): 08 connection exception,
# 57P01-57P03 the server shutting down or starting. Deadlocks (40P01), lock and statement
# timeouts (55P03, 57014) are ordinary server errors: the database is up.
UNREACHABLE_SQLSTATES = ("08", "57P01", "57P02", "57P03")


def database_unreachable(error) -> bool:
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    sqlstate = getattr(error.__cause__, "sqlstate", None)
    return sqlstate is None or sqlstate.startswith(UNREACHABLE_SQLSTATES)


def server_error(request):
    """handler500. A database that cannot be reached (down, restarting, refusing or timing out)
    is a maintenance page, 503: rendered without a request context, so no context processor,
    session or user touches the database again. Anything else is the Indonesian 500 page."""
    error = sys.exception()  # Django calls this handler while handling the exception
    if database_unreachable(error):
        logger.warning("Database unavailable, maintenance page for %s: %s", request.path, error)
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "60"
        return response
    return defaults.server_error(request)
