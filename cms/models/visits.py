"""How often each page is read, a day at a time: one counter per translation group and day, nothing about who read
it (no address, no cookie, no user). The "needs translation" queue puts the most read pages first
(cms.translation_queue)."""

from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PageVisitDay(models.Model):
    # The page's translation group: a visit of the original, its alias or its translation counts for the page.
    translation_key = models.UUIDField(_("translation key"), db_index=True)
    day = models.DateField(_("day"))
    visits = models.PositiveIntegerField(_("visits"), default=0)

    class Meta:
        verbose_name = _("page visits in a day")
        verbose_name_plural = _("page visits by day")
        constraints = [models.UniqueConstraint(fields=["translation_key", "day"], name="page_visit_day_unique")]

    def __str__(self):
        return f"{self.translation_key} {self.day}: {self.visits}"

    @classmethod
    def count_visit(cls, translation_key, day=None):
        """Add one visit of the translation group on `day` (today): one UPDATE, an INSERT on the day's first."""
        day = day or timezone.localdate()
        if cls.objects.filter(translation_key=translation_key, day=day).update(visits=F("visits") + 1):
            return
        try:
            with transaction.atomic():
                cls.objects.create(translation_key=translation_key, day=day, visits=1)
        except IntegrityError:  # another request made the day's row meanwhile
            cls.objects.filter(translation_key=translation_key, day=day).update(visits=F("visits") + 1)
