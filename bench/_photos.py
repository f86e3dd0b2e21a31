"""Realistic 12-megapixel phone JPEGs for the benchmarks, generated in the run.

Natural photographs have an amplitude spectrum falling roughly as 1/f: detail at every
scale, more of it coarse than fine. The generated photos follow that model — luminance
detail from 1/f ("pink") noise over soft colour gradients, plus a little sensor noise —
and are saved at quality 92 with a phone's EXIF (time, GPS, orientation): about 4-5 MB
each, like a real 12 MP photo, not a flat colour that compresses to nothing.
"""

from __future__ import annotations

import io
import os

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


def _pink_noise(rng, alpha: float = 1.0, std: float = 22.0) -> np.ndarray:
    """HEIGHT x WIDTH noise with a 1/f**alpha amplitude spectrum, scaled to ``std``."""
    fy = np.fft.fftfreq(HEIGHT)[:, None]
    fx = np.fft.rfftfreq(WIDTH)[None, :]
    f = np.sqrt(fx**2 + fy**2)
    f[0, 0] = 1.0
    spectrum = (rng.normal(size=f.shape) + 1j * rng.normal(size=f.shape)) / f**alpha
    spectrum[0, 0] = 0.0
    noise = np.fft.irfft2(spectrum, s=(HEIGHT, WIDTH)).astype(np.float32)
    return noise * (std / noise.std())


def phone_jpeg(seed: int, orientation: int = 1, quality: int = 92) -> bytes:
    """A 4000 x 3000 photo-like JPEG (about 4-5 MB) with EXIF; deterministic per seed."""
    rng = np.random.default_rng(seed)
    y = np.linspace(0, 1, HEIGHT, dtype=np.float32)[:, None, None]
    x = np.linspace(0, 1, WIDTH, dtype=np.float32)[None, :, None]
    top, left = rng.uniform(-40, 40, 3), rng.uniform(-40, 40, 3)
    pixels = rng.uniform(90, 150, 3) + top * (1 - y) + left * x
    pixels = pixels + _pink_noise(rng)[..., None]  # luminance detail
    pixels += rng.normal(0, 3, (HEIGHT, WIDTH, 1)).astype(np.float32)  # sensor noise
    image = Image.fromarray(pixels.clip(0, 255).astype(np.uint8), "RGB")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, exif=_phone_exif(seed, orientation))
    return buffer.getvalue()


def machine() -> str:
    """nproc, CPU model and RAM, for the results table."""
    cpu, ram = "unknown CPU", "unknown RAM"
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as fh:
            ram = f"{int(fh.readline().split()[1]) / 1024 / 1024:.1f} GiB RAM"
    except OSError:
        pass
    return f"nproc {len(os.sched_getaffinity(0))}, {cpu}, {ram}"
