import io

from django.core.files.images import ImageFile
from PIL import Image as PILImage

# 竹山鎮 (南投縣), 關山鎮 (臺東縣), 口湖鄉 (雲林縣)
TEST_TOWN_CODES = ["10008040", "10014030", "10009190"]


def make_image(title="photo", size=(64, 48), color=(200, 120, 40), **extra):
    from cms.models import CustomImage

    buffer = io.BytesIO()
    PILImage.new("RGB", size, color).save(buffer, "JPEG")
    return CustomImage.objects.create(
        title=title,
        description=extra.pop("description", f"{title} alt"),
        file=ImageFile(buffer, name=f"{title}.jpg"),
        **extra,
    )
