"""The phone app (PWA): its shell, service worker, manifest and icons."""
