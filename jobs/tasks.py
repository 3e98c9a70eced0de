"""The one task the worker runs (`manage.py db_worker`): a job, by id. django-tasks is the
backport of Django 6's task API; moving to `django.tasks` later is an import change here."""

from django_tasks import task

from . import services


@task()
def run_job(job_id: str) -> None:
    services.run(job_id)
