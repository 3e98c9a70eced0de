from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth.forms import BaseUserCreationForm
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from assistants.models import Assistant
from cooperatives.models import Region

from .models import User
from .roles import ROLE_LABELS, ROLE_PERMISSIONS


class RoleFieldsMixin:
    """Role (one group), scope (a region inside the admin's own) and the linked PMO/BA."""

    def __init__(self, *args, admin, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_role_fields(admin)

    def setup_role_fields(self, admin):
        self.fields["role"] = forms.ModelChoiceField(
            queryset=Group.objects.filter(name__in=ROLE_PERMISSIONS).order_by("name"), label=_("Role")
        )
        self.fields["role"].label_from_instance = lambda g: str(ROLE_LABELS.get(g.name, g.name))
        self.fields["scope_region"].queryset = Region.objects.for_user(admin).filter(
            level__in=[Region.Level.PROVINCE, Region.Level.REGENCY]
        )
        self.fields["scope_region"].required = True
        self.fields["assistant"] = forms.ModelChoiceField(
            queryset=Assistant.objects.for_user(admin).filter(role__in=[Assistant.Role.PMO, Assistant.Role.BA]),
            required=False,
            label=_("Linked PMO or BA"),
            help_text=_("Needed for the PMO and BA roles: whose area or caseload this login reads."),
        )
        if self.instance.pk:
            self.initial["role"] = self.instance.groups.filter(name__in=ROLE_PERMISSIONS).first()
            self.initial["assistant"] = Assistant.objects.filter(user=self.instance).first()
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save")))

    def clean(self):
        cleaned = super().clean()
        role, assistant = cleaned.get("role"), cleaned.get("assistant")
        if role and role.name in ("PMO", "BA"):
            if assistant is None or assistant.role != role.name:
                self.add_error("assistant", _("Choose the %(role)s this login belongs to.") % {"role": role.name})
        elif assistant is not None:
            self.add_error("assistant", _("Only PMO and BA logins are linked to a PMO or BA."))
        if assistant is not None and assistant.user_id not in (None, self.instance.pk):
            self.add_error("assistant", _("%(name)s already has a login.") % {"name": assistant.name})
        scope = cleaned.get("scope_region")
        if assistant is not None and scope is not None and scope.pk != assistant.work_area_id:
            # A PMO reads its own area, a BA its own caseload: the login's scope is that area.
            self.add_error(
                "scope_region",
                _("The region must be the work area of %(name)s (%(area)s).")
                % {"name": assistant.name, "area": assistant.work_area.name},
            )
        return cleaned

    def save(self, commit=True):
        with transaction.atomic():  # the login, its role and its PMO/BA link: all or nothing
            user = super().save(commit=True)
            self.save_role(user)
        return user

    def save_role(self, user):
        user.groups.set([self.cleaned_data["role"]])
        Assistant.objects.filter(user=user).exclude(pk=getattr(self.cleaned_data["assistant"], "pk", None)).update(
            user=None
        )
        if self.cleaned_data["assistant"] is not None:
            Assistant.objects.filter(pk=self.cleaned_data["assistant"].pk).update(user=user)


class UserCreateForm(RoleFieldsMixin, BaseUserCreationForm):
    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "scope_region"]


class UserUpdateForm(RoleFieldsMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "scope_region", "is_active"]
