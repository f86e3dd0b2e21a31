"""Realistic 12-megapixel phone JPEGs for the benchmarks, generated in the run.

Smooth gradients and waves (sky, walls), a coarse texture (foliage, asphalt) and fine
sensor noise, saved at quality 92 with a phone's EXIF (time, GPS, orientation): about
4 MB each, like a real 12 MP photo, not a flat colour that compresses to nothing.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

WIDTH, HEIGHT = 4000, 3000
EXIF_IFD, GPS_IFD = 0x8769, 0x8825


def _phone_exif(seed: int, orientation: int) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "Motorola"  # Make
    exif[0x0110] = "moto g54 5G"  # Model
    exif[0x0112] = orientation
    exif[0x0132] = f"2026:03:10 10:{seed % 60:02d}:00"
    sub = exif.get_ifd(EXIF_IFD)
    sub[0x9003] = f"2026:03:10 10:{seed % 60:02d}:00"  # DateTimeOriginal
    sub[0x9011] = "-06:00"  # OffsetTimeOriginal
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2] = "N", (19.0, 23.0, 40.0 + seed)
    gps[3], gps[4] = "W", (99.0, 6.0, 10.0 + seed)
    return exif


def phone_jpeg(seed: int, orientation: int = 1, quality: int = 92) -> bytes:
    """A 4000 x 3000 photo-like JPEG (about 3.5-5 MB) with EXIF; deterministic per seed."""
    rng = np.random.default_rng(seed)
    y = np.linspace(0, 1, HEIGHT, dtype=np.float32)[:, None]
    x = np.linspace(0, 1, WIDTH, dtype=np.float32)[None, :]
    channels = []
    for _ in range(3):
        a, b, f1, f2, phase = rng.uniform(0.2, 1.0, 5)
        base = 60 + 60 * (a * x + b * y)
        base = base + 40 * np.sin(2 * np.pi * (f1 * 6 * x + phase)) * np.cos(2 * np.pi * f2 * 5 * y)
        channels.append(base)
    pixels = np.stack(channels, axis=-1)
    coarse = rng.normal(128, 25, (HEIGHT // 8, WIDTH // 8, 3)).clip(0, 255).astype(np.uint8)
    texture = Image.fromarray(coarse).resize((WIDTH, HEIGHT), Image.Resampling.BICUBIC)
    pixels += np.asarray(texture, dtype=np.float32) - 128
    pixels += rng.normal(0, 6, pixels.shape).astype(np.float32)
    image = Image.fromarray(pixels.clip(0, 255).astype(np.uint8), "RGB")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, exif=_phone_exif(seed, orientation))
    return buffer.getvalue()


def machine() -> str:
    """nproc, CPU model and RAM, for the results table."""
    import os

    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as fh:
            kib = int(fh.readline().split()[1])
        ram = f"{kib / 1024 / 1024:.1f} GiB RAM"
    except OSError:
        ram = "unknown RAM"
    return f"{os.cpu_count()} CPUs ({cpu}), {ram}"
