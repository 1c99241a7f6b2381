"""Store every image of the library again without what the camera embedded (EXIF with the GPS position, XMP,
comments): new uploads are cleaned as they are saved (cms.images), this cleans those stored before. Renditions of a
cleaned image are made again when next shown, and the anonymous page copies that pointed at them are dropped."""

from django.core.management.base import BaseCommand

from cms.images import strip_stored_image
from cms.models import CustomImage
from core.progress import ProgressBar


class Command(BaseCommand):
    help = "Remove EXIF (with GPS positions), XMP and comments from the images stored before uploads were cleaned."

    def handle(self, *args, **options):
        from cms.page_cache import enabled, site_changed

        images = CustomImage.objects.order_by("pk")
        total = images.count()
        bar = ProgressBar(self.stdout, total, "images", unit="images")
        cleaned, unreadable = [], []
        for done, image in enumerate(images.iterator(chunk_size=200), start=1):
            try:
                if strip_stored_image(image):
                    cleaned.append(image.pk)
            except OSError:  # the file is gone from the storage, or the storage is not reachable
                unreadable.append(image.pk)
            bar(done)
        bar.close()
        if cleaned and enabled():
            # The stored page copies show renditions that are gone: no copy from before is served again.
            site_changed(previous_copies=False)
        self.stdout.write(f"{len(cleaned)} of {total} images cleaned; the others carried nothing to remove.")
        if unreadable:
            self.stderr.write(f"{len(unreadable)} images could not be read (ids {unreadable[:20]}); run again later.")
