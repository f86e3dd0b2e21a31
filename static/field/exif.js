/* Reads the capture time and GPS position from a JPEG's EXIF, in the browser.
 * The resized copy we upload has no EXIF, so these travel as headers. */
(function (root) {
  "use strict";
  const FA = (root.FA = root.FA || {});
  const TAGS = { exifIfd: 0x8769, gpsIfd: 0x8825, dateTimeOriginal: 0x9003,
                 offsetTimeOriginal: 0x9011, dateTime: 0x0132 };

  function readIfd(view, tiff, offset, little) {
    const entries = {};
    if (offset + 2 > view.byteLength) return entries;
    const count = view.getUint16(offset, little);
    for (let i = 0; i < count; i++) {
      const at = offset + 2 + i * 12;
      if (at + 12 > view.byteLength) break;
      const tag = view.getUint16(at, little);
      const type = view.getUint16(at + 2, little);
      const n = view.getUint32(at + 4, little);
      const sizes = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 9: 4, 10: 8 };
      const size = (sizes[type] || 1) * n;
      const valueAt = size > 4 ? tiff + view.getUint32(at + 8, little) : at + 8;
      if (valueAt + size > view.byteLength) continue;
      entries[tag] = readValue(view, valueAt, type, n, little);
    }
    return entries;
  }

  function readValue(view, at, type, n, little) {
    if (type === 2) {
      let s = "";
      for (let i = 0; i < n; i++) {
        const c = view.getUint8(at + i);
        if (c === 0) break;
        s += String.fromCharCode(c);
      }
      return s;
    }
    if (type === 3) return view.getUint16(at, little);
    if (type === 4) return view.getUint32(at, little);
    if (type === 5) {
      const out = [];
      for (let i = 0; i < n; i++) {
        const den = view.getUint32(at + 4 + i * 8, little);
        out.push(den ? view.getUint32(at + i * 8, little) / den : NaN);
      }
      return out;
    }
    return null;
  }

  function toDegrees(dms, ref) {
    if (!Array.isArray(dms) || dms.length < 3) return null;
    const value = dms[0] + dms[1] / 60 + dms[2] / 3600;
    if (!Number.isFinite(value)) return null;
    return ref === "S" || ref === "W" ? -value : value;
  }

  function toIso(text, offset) {
    const m = /^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})/.exec(text || "");
    if (!m) return null;
    const local = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}`;
    if (offset && /^[+-]\d{2}:\d{2}$/.test(offset)) return local + offset;
    // No offset in the file: the camera's clock is the phone's local time.
    const date = new Date(local);
    return Number.isNaN(date.getTime()) ? null : date.toISOString();
  }

  /* {taken_at, lat, lon} from a File/Blob (nulls when absent or impossible). */
  async function read(file) {
    const empty = { taken_at: null, lat: null, lon: null };
    try {
      const view = new DataView(await file.slice(0, 256 * 1024).arrayBuffer());
      if (view.getUint16(0) !== 0xffd8) return empty;
      let at = 2;
      while (at + 4 < view.byteLength) {
        const marker = view.getUint16(at);
        const length = view.getUint16(at + 2);
        if (marker === 0xffe1 && view.getUint32(at + 4) === 0x45786966) {
          return parseTiff(view, at + 10);
        }
        if ((marker & 0xff00) !== 0xff00) break;
        at += 2 + length;
      }
    } catch (error) {
      /* an unreadable EXIF block is not a reason to lose the photo */
    }
    return empty;
  }

  function parseTiff(view, tiff) {
    const little = view.getUint16(tiff) === 0x4949;
    const ifd0 = readIfd(view, tiff, tiff + view.getUint32(tiff + 4, little), little);
    const exif = ifd0[TAGS.exifIfd] ? readIfd(view, tiff, tiff + ifd0[TAGS.exifIfd], little) : {};
    const gps = ifd0[TAGS.gpsIfd] ? readIfd(view, tiff, tiff + ifd0[TAGS.gpsIfd], little) : {};
    let lat = toDegrees(gps[2], gps[1]);
    let lon = toDegrees(gps[4], gps[3]);
    if (lat === null || lon === null || Math.abs(lat) > 90 || Math.abs(lon) > 180) lat = lon = null;
    return {
      taken_at: toIso(exif[TAGS.dateTimeOriginal] || ifd0[TAGS.dateTime],
                      exif[TAGS.offsetTimeOriginal]),
      lat, lon,
    };
  }

  FA.exif = { read };
})(typeof self !== "undefined" ? self : window);
