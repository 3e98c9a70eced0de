from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionShape(models.Model):
    """A region's boundary as drawn on its parent's map (provinces on the national map, regencies
    on their province's, districts on their regency's): SVG path data already projected into that
    map's frame and simplified (dashboards/boundaries.py), with its bounding box there.

    Keyed by the Kemendagri code, not a foreign key: the 38 province shapes draw the national map
    even where only some provinces' regions are loaded (the demo loads Jambi's)."""

    code = models.CharField(_("Kemendagri code"), max_length=13, primary_key=True)
    level = models.CharField(_("level"), max_length=10)
    parent_code = models.CharField(_("parent code"), max_length=13, blank=True, db_index=True)
    name = models.CharField(_("name"), max_length=100)
    d = models.TextField(_("SVG path"))
    min_x = models.IntegerField()
    min_y = models.IntegerField()
    max_x = models.IntegerField()
    max_y = models.IntegerField()
    # The frame of the parent's map (the same on every shape of that map): its viewBox.
    frame_width = models.IntegerField()
    frame_height = models.IntegerField()

    class Meta:
        ordering = ["code"]
        verbose_name = _("region shape")
        verbose_name_plural = _("region shapes")

    def __str__(self):
        return f"{self.code} {self.name}"
