from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from cooperatives.models import Region


class ScopedUserManager(UserManager):
    def manageable_by(self, admin):
        """The logins an administrator may see and change: those whose scope lies inside the
        admin's own, and never a superuser unless the admin is one (a province admin who could
        set a superuser's password would hold the whole nation)."""
        from core.scoping import scope_q

        users = self.filter(scope_q(admin, "scope_region__code"))
        return users if admin.is_superuser else users.exclude(is_superuser=True)


class User(AbstractUser):
    """A login with a region scope: a province or a regency (superusers see everything)."""

    scope_region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"level__in": [Region.Level.PROVINCE, Region.Level.REGENCY]},
        verbose_name=_("region scope"),
        help_text=_("The province or regency/city whose data this user sees."),
    )

    objects = ScopedUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [
            ("view_audit", _("Can search the audit history")),
            # Marks a BA's own login (given to the BA group): sees only their caseload.
            ("caseload_only", _("Sees only their own caseload")),
        ]

    def clean(self):
        super().clean()
        if self.scope_region_id and self.scope_region.level not in (
            Region.Level.PROVINCE,
            Region.Level.REGENCY,
        ):
            raise ValidationError({"scope_region": _("The scope must be a province or a regency/city.")})

    @property
    def role_names(self):
        return ", ".join(g.name for g in self.groups.all())
