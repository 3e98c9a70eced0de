"""Strings of the libraries we use, worded again in the project's catalogue (locale/), which
Django reads before theirs: django-tables2 has no Indonesian (its pager said "next »"), and
Django's own login message says "nama pengguna nama pengguna" once our field label is filled in.
Marked here only so that `make messages` keeps them in the catalogue."""

from django.utils.translation import gettext_noop

LIBRARY_STRINGS = [
    gettext_noop("previous"),
    gettext_noop("next"),
    gettext_noop("Please enter a correct %(username)s and password. Note that both fields may be case-sensitive."),
    gettext_noop(
        "Please enter the correct %(username)s and password for a staff account. Note that both fields "
        "may be case-sensitive."
    ),
]
