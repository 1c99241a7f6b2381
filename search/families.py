"""The document families registered today. Projects, stories and enterprises add a ModelFamily here."""

from django.utils.translation import gettext_lazy as _

from places.models import Township
from search.documents import ModelFamily, SearchDocument, register


class TownshipFamily(ModelFamily):
    name = "townships"
    label = _("Townships")
    models = (Township,)

    def queryset(self):
        return Township.objects.with_county()

    def to_document(self, township):
        county = township.county
        # Township pages come with the CMS; until then a township links to the search narrowed to it (a
        # relative query, so it stays in the reader's language).
        url = f"?township={township.code}"
        facts = []
        if township.population:
            facts.append(f"人口 {township.population:,}")
        if township.share_aged_65_plus is not None:
            facts.append(f"65歲以上 {township.share_aged_65_plus}%")
        return SearchDocument(
            family=self.name,
            object_id=str(township.pk),
            title=f"{county.name_zh}{township.name_zh}",
            title_en=f"{township.name_en}, {county.name_en}",
            summary=" · ".join(facts),
            url=url,
            county=county.code,
            county_name=county.name_zh,
            township=township.code,
            township_name=township.name_zh,
            priority_area=township.is_priority_area,
            backers=0,
            backed_amount=0,
            latitude=township.latitude,
            longitude=township.longitude,
            is_public=True,
        )


def register_default_families():
    register(TownshipFamily())
