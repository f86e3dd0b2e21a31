"""Photo checks and display variants: one reduced decode of a 12 MP JPEG, same results."""

import io

import numpy as np
import pytest
from PIL import Image

from fieldapp.media import services
from fieldapp.media.services import PhotoError


def photo(size=(4000, 3000), orientation=None, quality=90) -> bytes:
    """Noisy (not flat) content, so the JPEG has a realistic amount of data."""
    rng = np.random.default_rng(1)
    pixels = rng.integers(0, 255, (size[1] // 10, size[0] // 10, 3), dtype=np.uint8)
    image = Image.fromarray(pixels).resize(size, Image.Resampling.BILINEAR)
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, exif=exif)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("size", "box", "decoded"),
    [
        ((4000, 3000), (1600, 1200), (2000, 1500)),  # a 12 MP photo: decoded at 1/2
        ((3000, 4000), (1200, 1600), (1500, 2000)),
        ((4080, 2296), (1600, 901), (2040, 1148)),  # 16:9
        ((8000, 6000), (1600, 1200), (2000, 1500)),  # 1/4
        ((1600, 1200), (1600, 1200), (1600, 1200)),  # already small: untouched
    ],
)
def test_draft_box_keeps_the_long_edge(size, box, decoded):
    assert services._draft_box(size, services.DISPLAY_EDGE) == box
    buffer = io.BytesIO()
    Image.new("RGB", size).save(buffer, "JPEG")
    with Image.open(buffer) as image:
        image.draft("RGB", box)
        assert image.size == decoded and max(image.size) >= services.DISPLAY_EDGE


def test_process_photo_gives_full_size_info_and_upright_variants(app):
    data = photo(orientation=6)
    info, display, thumb = services.process_photo(data)
    assert (info.width, info.height, info.content_type) == (4000, 3000, "image/jpeg")
    with Image.open(io.BytesIO(display)) as im:
        assert im.size == (1200, 1600) and not im.getexif()
    with Image.open(io.BytesIO(thumb)) as im:
        assert im.size == (240, 320) and not im.getexif()
    assert services.make_variants(data) == (display, thumb)
    assert services.inspect_image(data) == info


@pytest.mark.parametrize("check", [services.inspect_image, services.process_photo])
def test_truncated_12mp_jpeg_is_still_refused(app, check):
    data = photo()
    with pytest.raises(PhotoError, match="incompleta o dañada"):
        check(data[: len(data) * 2 // 3])


def test_too_many_pixels_keeps_its_own_message(app):
    buffer = io.BytesIO()
    Image.new("1", (8000, 7000)).save(buffer, "PNG")  # 56 Mpx: over our limit, no bomb
    with pytest.raises(PhotoError, match="demasiados píxeles"):
        services.inspect_image(buffer.getvalue())


def test_pdf_is_refused_as_not_an_image(app):
    with pytest.raises(PhotoError, match="no es una imagen válida"):
        services.process_photo(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")


def test_truncated_jpeg_is_refused_even_after_weasyprint_is_imported(app):
    import weasyprint  # noqa: F401  (sets ImageFile.LOAD_TRUNCATED_IMAGES = True)
    from PIL import ImageFile

    data = photo(size=(1200, 900))
    before = ImageFile.LOAD_TRUNCATED_IMAGES
    with pytest.raises(PhotoError, match="incompleta o dañada"):
        services.process_photo(data[: len(data) // 2])
    assert ImageFile.LOAD_TRUNCATED_IMAGES is before  # restored for WeasyPrint
