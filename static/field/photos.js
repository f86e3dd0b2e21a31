/* Photos are resized on the phone before upload: long edge 1600 px, JPEG quality 0.8.
 * createImageBitmap applies the EXIF orientation, so the copy is upright. */
(function (root) {
  "use strict";
  const FA = (root.FA = root.FA || {});
  const LONG_EDGE = 1600;
  const QUALITY = 0.8;

  async function resize(file) {
    const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
    const scale = Math.min(1, LONG_EDGE / Math.max(bitmap.width, bitmap.height));
    const width = Math.max(1, Math.round(bitmap.width * scale));
    const height = Math.max(1, Math.round(bitmap.height * scale));
    let blob;
    if (typeof OffscreenCanvas !== "undefined") {
      const canvas = new OffscreenCanvas(width, height);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, width, height);
      blob = await canvas.convertToBlob({ type: "image/jpeg", quality: QUALITY });
    } else {
      const canvas = document.createElement("canvas");
      canvas.width = width;
      canvas.height = height;
      canvas.getContext("2d").drawImage(bitmap, 0, 0, width, height);
      blob = await new Promise((ok) => canvas.toBlob(ok, "image/jpeg", QUALITY));
    }
    bitmap.close();
    return { blob, width, height };
  }

  async function sha256(blob) {
    const digest = await crypto.subtle.digest("SHA-256", await blob.arrayBuffer());
    return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  FA.photos = { resize, sha256, LONG_EDGE, QUALITY };
})(typeof self !== "undefined" ? self : window);
