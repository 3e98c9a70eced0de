"""Strings of the libraries we use, worded again in the project's catalogue (locale/), which
Django reads before theirs: django-tables2 has no Indonesian (its pager said "next »"), and
Django's own login message says "nama pengguna nama pengguna" once our field label is filled in,
and django-import-export (the admin's export page) has no Indonesian either.
Marked here only so that `make messages` keeps them in the catalogue."""

from django.utils.translation import gettext_noop, ngettext_lazy

LIBRARY_STRINGS = [
    gettext_noop("previous"),
    gettext_noop("next"),
    gettext_noop("Please enter a correct %(username)s and password. Note that both fields may be case-sensitive."),
    gettext_noop(
        "Please enter the correct %(username)s and password for a staff account. Note that both fields "
        "may be case-sensitive."
    ),
    # django-import-export's export page and buttons
    gettext_noop("Export"),
    gettext_noop("Import"),
    gettext_noop("Format"),
    gettext_noop("Resource"),
    gettext_noop("Select all"),
    gettext_noop("Submit"),
    gettext_noop("This exporter will export the following fields: "),
    gettext_noop("Export selected %(verbose_name_plural)s"),
    gettext_noop('Select at least 1 field for "%(resource_name)s" to export'),
    ngettext_lazy("Export %(len)s selected item.", "Export %(len)s selected items.", "len"),
]
