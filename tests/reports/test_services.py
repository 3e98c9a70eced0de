"""The rules of the monthly report and the field-problem register."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import User
from assistants import services as assignment_services
from assistants.models import Assignment, Assistant
from cooperatives.models import BoardMember
from reports import services
from reports.models import FieldProblem, MonthlyReport, ReportLocked

from .conftest import fill


def test_months_and_due_dates(settings):
    settings.KDKMP_REPORT_DUE_DAY = 5
    assert services.due_date(dt.date(2025, 11, 1)) == dt.date(2025, 12, 5)
    assert services.due_date(dt.date(2025, 12, 1)) == dt.date(2026, 1, 5)
    settings.KDKMP_REPORT_DUE_DAY = 31
    assert services.due_date(dt.date(2026, 1, 1)) == dt.date(2026, 2, 28)  # clipped to the month
    assert services.parse_period("2025-11") == dt.date(2025, 11, 1)
    for odd in ["", "2025", "2025-13", "x-y", "2025-11-01", None]:
        assert services.parse_period(odd) is None


def test_a_report_covers_the_cooperatives_of_the_month(report, ba, month):
    active = set(Assignment.objects.active().filter(assistant=ba).values_list("cooperative_id", flat=True))
    assert set(report.sections.values_list("cooperative_id", flat=True)) == active
    assert all(s.accompanied_from == month for s in report.sections.all())
    assert report.status == MonthlyReport.Status.DRAFT


@pytest.mark.django_db
def test_a_transfer_mid_month_puts_the_cooperative_in_both_reports(ba, month):
    other = (
        Assistant.objects.business_assistants()
        .active()
        .with_load()
        .filter(work_area_id=ba.work_area_id, load__lt=10)
        .exclude(pk=ba.pk)
        .first()
    )
    assignment = Assignment.objects.active().filter(assistant=ba).order_by("pk").first()
    middle = month + dt.timedelta(days=14)
    Assignment.objects.filter(pk=assignment.pk).update(start_date=month - dt.timedelta(days=60))
    assignment_services.transfer(
        cooperative=assignment.cooperative, to_assistant=other, by=None, reason="pindah", date=middle
    )
    mine = services.open_report(ba, month, by=None).sections.get(cooperative=assignment.cooperative)
    theirs = services.open_report(other, month, by=None).sections.get(cooperative=assignment.cooperative)
    assert (mine.accompanied_from, mine.accompanied_until) == (month, middle)
    assert theirs.accompanied_from == middle and theirs.accompanied_until == services.month_end(month)


def test_submitting_names_what_is_missing(report, ba):
    first, *rest = list(report.sections.select_related("cooperative").order_by("cooperative__name"))
    services.add_activity(first, by=ba.user, date=first.accompanied_from, mode="phone", area="plans", outcome="ok")
    with pytest.raises(ValidationError) as refused:
        services.submit(report, by=ba.user)
    text = " ".join(refused.value.messages)
    assert rest and all(s.cooperative.name in text for s in rest) and first.cooperative.name not in text
    for section in rest:
        services.save_section(section, no_visit_reason="Jalan putus karena banjir", by=ba.user)
    submitted = services.submit(report, by=ba.user)
    assert submitted.status == MonthlyReport.Status.SUBMITTED and not submitted.on_behalf


def test_an_activity_must_lie_in_the_accompanied_days(report, ba):
    section = report.sections.first()
    for day in (section.accompanied_from - dt.timedelta(days=1), section.accompanied_until + dt.timedelta(days=1)):
        with pytest.raises(ValidationError):
            services.add_activity(section, by=ba.user, date=day, mode="phone", area="plans", outcome="x")
    stranger = BoardMember.objects.exclude(cooperative=section.cooperative).first()
    with pytest.raises(ValidationError):  # someone else's board member
        services.add_activity(
            section,
            by=ba.user,
            date=section.accompanied_from,
            mode="phone",
            area="plans",
            outcome="x",
            participants=[stranger.pk],
        )


def test_late_is_decided_by_the_first_submission(filled, ba, settings, monkeypatch):
    due = services.due_date(filled.month)
    late_day = timezone.make_aware(dt.datetime.combine(due + dt.timedelta(days=3), dt.time(10)))
    monkeypatch.setattr(timezone, "now", lambda: late_day)
    report = services.submit(filled, by=ba.user)
    assert report.late
    reviewer = User.objects.get(username="pmo.kotajambi")
    services.return_report(report, by=reviewer, note="Lengkapi foto")
    report = services.submit(report, by=ba.user)
    assert report.late and report.first_submitted_at == late_day


def test_staff_writing_for_a_ba_is_recorded(filled):
    staff = User.objects.get(username="staf.kotajambi")
    report = services.submit(filled, by=staff)
    assert report.on_behalf and report.submitted_by == staff


def test_return_needs_a_note_and_only_a_submitted_report_is_reviewed(submitted, filled):
    reviewer = User.objects.get(username="pmo.kotajambi")
    with pytest.raises(ValidationError):
        services.return_report(submitted, by=reviewer, note="  ")
    returned = services.return_report(submitted, by=reviewer, note="Tanggal kunjungan salah")
    assert returned.status == MonthlyReport.Status.RETURNED
    with pytest.raises(ValidationError):
        services.approve(returned, by=reviewer)


def test_approval_applies_the_changes_and_locks_the_report(report, ba):
    section = report.sections.select_related("cooperative").first()
    services.save_section(section, changes={"members_count": 321, "simkopdes_date": "2025-10-02"}, by=ba.user)
    fill(report, ba.user)
    submitted = services.submit(report, by=ba.user)
    reviewer = User.objects.get(username="pmo.kotajambi")
    approved = services.approve(submitted, by=reviewer)
    cooperative = section.cooperative
    cooperative.refresh_from_db()
    assert cooperative.members_count == 321 and cooperative.simkopdes_date == dt.date(2025, 10, 2)
    record = cooperative.history.latest()
    assert record.history_user == reviewer and approved.period in record.history_change_reason
    # Locked below every door: the model itself refuses.
    approved.summary = "diubah"
    with pytest.raises(ReportLocked):
        approved.save()
    with pytest.raises(ReportLocked):
        section.refresh_from_db()
        section.progress_note = "diubah"
        section.save()
    activity = section.activities.first()
    with pytest.raises(ReportLocked):
        activity.delete()
    with pytest.raises(ValidationError):
        services.save_section(section, progress_note="x", by=ba.user)
    with pytest.raises(ValidationError):
        services.submit(approved, by=ba.user)


def test_invalid_reported_changes_refuse_the_approval(report, ba):
    section = report.sections.select_related("cooperative").first()
    with pytest.raises(ValidationError):
        services.save_section(section, changes={"members_count": "banyak"}, by=ba.user)
    with pytest.raises(ValidationError):
        services.save_section(section, changes={"village": "15.01"}, by=ba.user)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError):
        services.save_section(section, changes={"simkopdes_date": tomorrow}, by=ba.user)


def test_approve_many_approves_each_on_its_own(submitted):
    reviewer = User.objects.get(username="pmo.kotajambi")
    approved, refused = services.approve_many([submitted, submitted], by=reviewer)
    assert len(approved) == 1 and len(refused) == 1  # the second time it is no longer submitted


def test_no_report_for_a_month_that_has_not_started(ba):
    future = services.next_month(services.month_start(timezone.localdate()))
    with pytest.raises(ValidationError):
        services.open_report(ba, future, by=ba.user)


def test_a_problem_belongs_to_the_caseload_and_climbs_the_levels(ba, report):
    cooperative = Assignment.objects.active().filter(assistant=ba).first().cooperative
    outsider = Assignment.objects.active().exclude(assistant=ba).first().cooperative
    with pytest.raises(ValidationError):
        services.raise_problem(
            assistant=ba, cooperative=outsider, category="LAHAN", severity="high", description="x", by=ba.user
        )
    problem = services.raise_problem(
        assistant=ba,
        cooperative=cooperative,
        category="LAHAN",
        severity="high",
        description="Lahan gerai belum bersertifikat",
        by=ba.user,
        report=report,
    )
    assert problem.region_id == cooperative.village_id and problem.level == FieldProblem.Level.PMO
    pmo = User.objects.get(username="pmo.kotajambi")
    services.add_note(problem, text="Koordinasi dengan desa", by=pmo)
    problem = services.escalate(problem, text="Perlu Dinas", by=pmo)
    problem = services.escalate(problem, text="Perlu provinsi", by=pmo)
    assert problem.level == FieldProblem.Level.PROVINCE
    with pytest.raises(ValidationError):
        services.escalate(problem, text="lagi", by=pmo)
    with pytest.raises(ValidationError):
        services.close_problem(problem, resolution="", solved=True, by=pmo)
    problem = services.close_problem(problem, resolution="Hibah lahan desa", solved=True, by=pmo)
    assert problem.status == FieldProblem.Status.RESOLVED and problem.notes.count() == 4
    with pytest.raises(ValidationError):
        services.add_note(problem, text="setelah selesai", by=pmo)


def test_a_whole_caseload_problem_is_scoped_to_the_ba_regency(ba):
    problem = services.raise_problem(
        assistant=ba, cooperative=None, category="HONOR", severity="critical", description="Honor belum cair", by=None
    )
    assert problem.region_id == ba.work_area_id
    assert FieldProblem.objects.for_user(User.objects.get(username="staf.kerinci")).filter(pk=problem.pk).count() == 0
    assert FieldProblem.objects.for_user(User.objects.get(username="staf.kotajambi")).filter(pk=problem.pk).count() == 1


def test_a_province_can_add_the_dinas_acceptance_step(submitted, report):
    pmo, dinas = User.objects.get(username="pmo.kotajambi"), User.objects.get(username="staf.kotajambi")
    section = submitted.sections.select_related("cooperative").first()
    services.set_review_chain("15", dinas_acceptance=True, by=User.objects.get(username="admin.provinsi"))
    verified = services.approve(submitted, by=pmo)
    assert verified.status == MonthlyReport.Status.VERIFIED and verified.reviewed_by == pmo
    with pytest.raises(ValidationError):  # no longer the BA's to change
        services.save_section(section, progress_note="x", by=None)
    returned = services.return_report(verified, by=dinas, note="Lengkapi daftar hadir")
    assert returned.status == MonthlyReport.Status.RETURNED
    services.submit(returned, by=None)
    verified = services.approve(returned, by=pmo)
    approved = services.accept(verified, by=dinas)
    assert approved.status == MonthlyReport.Status.APPROVED and approved.accepted_by == dinas
    with pytest.raises(ValidationError):
        services.accept(approved, by=dinas)


def test_a_report_moves_the_build_and_the_loan_and_the_rules_still_hold(report, ba):
    """What a BA sees after formation: the build's dates and percentage, the loan's steps. The
    statuses follow from the dates; a step without the ones before it refuses the approval."""
    from cooperatives.models import Cooperative

    first, second = list(report.sections.select_related("cooperative").order_by("pk")[:2])
    Cooperative.objects.filter(pk=first.cooperative_id).update(
        land_status="proposed",
        construction_status="not_started",
        construction_started_date=None,
        construction_finished_date=None,
        construction_percent=None,
    )
    started = {"construction_started_date": "2025-10-06", "construction_percent": "45"}
    with pytest.raises(ValidationError) as refused:  # told at once: the land is not ready
        services.save_section(first, changes=started, by=ba.user)
    assert "lahan yang siap" in " ".join(refused.value.messages)
    services.save_section(first, changes=started | {"land_status": "ready"}, by=ba.user)
    with pytest.raises(ValidationError):
        services.save_section(second, changes={"construction_percent": 140}, by=ba.user)
    fill(report, ba.user)
    reviewer = User.objects.get(username="pmo.kotajambi")
    services.approve(services.submit(report, by=ba.user), by=reviewer)
    built = Cooperative.objects.get(pk=first.cooperative_id)
    assert (built.land_status, built.construction_status, built.construction_percent) == ("ready", "started", 45)
    assert report.period in built.history.latest().history_change_reason


def test_a_loan_step_reported_before_the_ones_it_needs_is_refused_and_a_later_conflict_undoes_nothing(report, ba):
    from cooperatives.models import Cooperative

    section = report.sections.select_related("cooperative").order_by("pk").first()
    steps = [field for field, _label in Cooperative.LOAN_STEPS]
    Cooperative.objects.filter(pk=section.cooperative_id).update(
        **{field: None for field in steps[1:]}, loan_bank="", loan_amount_approved=None, loan_amount_requested=None
    )
    with pytest.raises(ValidationError) as refused:  # told when saving, not at approval
        services.save_section(section, changes={"loan_disbursed_date": "2025-10-20"}, by=ba.user)
    assert "memerlukan" in " ".join(refused.value.messages)
    services.save_section(section, changes={"simkopdes_verified_date": "2025-10-20"}, by=ba.user)
    fill(report, ba.user)
    submitted = services.submit(report, by=ba.user)
    # Meanwhile the account date is cleared elsewhere: the approval is refused, nothing applied.
    Cooperative.objects.filter(pk=section.cooperative_id).update(simkopdes_date=None)
    with pytest.raises(ValidationError) as refused:
        services.approve(submitted, by=User.objects.get(username="pmo.kotajambi"))
    assert section.cooperative.name in " ".join(refused.value.messages)
    submitted.refresh_from_db()
    assert submitted.status == MonthlyReport.Status.SUBMITTED
    assert Cooperative.objects.get(pk=section.cooperative_id).simkopdes_verified_date is None


def test_an_approval_keeps_what_was_written_meanwhile(report, ba):
    """The report sets only what it reported, on the row read fresh under its lock."""
    from cooperatives.models import Cooperative

    section = report.sections.select_related("cooperative").order_by("pk").first()
    services.save_section(section, changes={"members_count": 123}, by=ba.user)
    fill(report, ba.user)
    submitted = services.submit(report, by=ba.user)
    Cooperative.objects.filter(pk=section.cooperative_id).update(address="Alamat baru dari kantor")
    services.approve(submitted, by=User.objects.get(username="pmo.kotajambi"))
    cooperative = Cooperative.objects.get(pk=section.cooperative_id)
    assert (cooperative.members_count, cooperative.address) == (123, "Alamat baru dari kantor")
