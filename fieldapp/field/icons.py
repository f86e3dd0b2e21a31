"""App icons drawn with Pillow, so no binary artwork lives in the repository."""

from __future__ import annotations

import io
from functools import lru_cache

from PIL import Image, ImageDraw

BLUE, WHITE = (11, 61, 145), (255, 255, 255)


@lru_cache(maxsize=8)
def icon_png(size: int, maskable: bool = False) -> bytes:
    """A white map pin on blue; maskable icons keep the pin inside the 80 % safe zone."""
    scale = 4  # draw large, then downsample for smooth edges
    big = size * scale
    image = (
        Image.new("RGB", (big, big), BLUE)
        if maskable
        else Image.new("RGBA", (big, big), (0, 0, 0, 0))
    )
    draw = ImageDraw.Draw(image)
    if not maskable:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big // 5, fill=BLUE)
    pin = big * (0.5 if maskable else 0.62)
    cx, top = big / 2, (big - pin) / 2
    radius = pin * 0.32
    cy = top + radius
    draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=WHITE)
    draw.polygon(
        [
            (cx - radius * 0.86, cy + radius * 0.5),
            (cx + radius * 0.86, cy + radius * 0.5),
            (cx, top + pin),
        ],
        fill=WHITE,
    )
    hole = radius * 0.42
    draw.ellipse((cx - hole, cy - hole, cx + hole, cy + hole), fill=BLUE)
    image = image.resize((size, size), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()
