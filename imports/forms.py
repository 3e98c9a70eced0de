from django import forms
from django.utils.translation import gettext_lazy as _

from . import registry


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of data"), choices=())
    file = forms.FileField(label=_("File (xlsx or csv)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = registry.choices()
        self.fields["file"].widget.attrs["accept"] = ".xlsx,.csv"
