"""Evidence photos: checked, shrunk and re-encoded on upload, so a report stays light on a slow
link (a phone photo of 4-8 MB becomes a JPEG of about 100-300 KB)."""

import struct
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_SIDE = 1280  # pixels, the longer side
QUALITY = 80
MAX_PIXELS = 50_000_000  # a decompression bomb is refused before it is decoded


def shrink(upload) -> ContentFile:
    """The uploaded image as a JPEG of at most MAX_SIDE px, turned upright, without its EXIF
    data (which may hold the phone's location); a clear refusal for anything else."""
    limit = settings.KDKMP_PHOTO_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The photo is too large (the limit is %(mb)s MB).") % {"mb": limit // 1_000_000}, code="photo_too_large"
        )
    try:
        with Image.open(upload) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(_("The photo has too many pixels."), code="photo_too_many_pixels")
            image = ImageOps.exif_transpose(image).convert("RGB")
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            out = BytesIO()
            image.save(out, "JPEG", quality=QUALITY, optimize=True)
    # A damaged file fails in many ways inside Pillow (a "broken PNG" is a SyntaxError).
    except (
        UnidentifiedImageError,
        OSError,
        Image.DecompressionBombError,
        ValueError,
        SyntaxError,
        EOFError,
        struct.error,
    ):
        raise ValidationError(_("This file is not a photo (JPEG, PNG or WebP)."), code="not_a_photo") from None
    return ContentFile(out.getvalue(), name="foto.jpg")
