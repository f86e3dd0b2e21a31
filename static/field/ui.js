/* Small UI helpers for the phone app: a DOM builder (text is never parsed as HTML),
 * formatting, GPS, and the local "which UT am I in" test on cached polygons. */
(function (root) {
  "use strict";
  const FA = (root.FA = root.FA || {});
  const T = JSON.parse(document.getElementById("fa-strings").textContent);
  const CONFIG = JSON.parse(document.getElementById("fa-config").textContent);

  function t(key, values) {
    if (values && typeof values.n === "number" && T[`${key}_one`]) {
      return `${values.n} ${T[values.n === 1 ? `${key}_one` : `${key}_other`]}`;
    }
    let text = T[key] || key;
    for (const [name, value] of Object.entries(values || {})) {
      text = text.replace(`%(${name})s`, value);
    }
    return text;
  }

  /* h("button", {class: "x", onclick: fn}, "text", child) — children are text or nodes. */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
      else if (name === "dataset") Object.assign(el.dataset, value);
      else if (value === true) el.setAttribute(name, "");
      else el.setAttribute(name, value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  function render(...nodes) {
    const view = document.getElementById("view");
    view.replaceChildren(...nodes.filter((n) => n !== null && n !== undefined && n !== false));
    window.scrollTo(0, 0);
  }

  function time(iso) {
    if (!iso) return "—";
    return new Date(iso).toLocaleString(CONFIG.lang === "en" ? "en" : "es-MX", {
      dateStyle: "short", timeStyle: "short" });
  }

  function ago(iso) {
    if (!iso) return t("never");
    const minutes = Math.round((Date.now() - new Date(iso).getTime()) / 60000);
    if (minutes < 1) return t("just_now");
    if (minutes < 60) return t("minutes_ago", { n: minutes });
    return time(iso);
  }

  function isToday(iso) {
    return iso && new Date(iso).toDateString() === new Date().toDateString();
  }

  /* Metres between two [lon, lat] points (haversine). */
  function distance(a, b) {
    const rad = Math.PI / 180;
    const dLat = (b[1] - a[1]) * rad;
    const dLon = (b[0] - a[0]) * rad;
    const s = Math.sin(dLat / 2) ** 2 +
      Math.cos(a[1] * rad) * Math.cos(b[1] * rad) * Math.sin(dLon / 2) ** 2;
    return 2 * 6371008.8 * Math.asin(Math.sqrt(s));
  }

  function inRing(point, ring) {
    let inside = false;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if ((yi > point[1]) !== (yj > point[1]) &&
          point[0] < ((xj - xi) * (point[1] - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  }

  function inPolygon(point, rings) {
    return inRing(point, rings[0]) && !rings.slice(1).some((hole) => inRing(point, hole));
  }

  /* The cached UT containing [lon, lat], or null: works offline. */
  function unitAt(point, units) {
    for (const feature of (units && units.features) || []) {
      const g = feature.geometry || {};
      const polygons = g.type === "Polygon" ? [g.coordinates] :
        g.type === "MultiPolygon" ? g.coordinates : [];
      if (polygons.some((rings) => inPolygon(point, rings))) return feature.properties;
    }
    return null;
  }

  function unitLabel(props) {
    if (!props) return t("outside_unit");
    return t("you_are_in", { code: props.code, name: props.name });
  }

  /* Watch the position; returns a stop function. */
  function watchPosition(onPosition, onError) {
    if (!navigator.geolocation) {
      onError({ code: 0 });
      return () => {};
    }
    const id = navigator.geolocation.watchPosition(
      (p) => onPosition({ lat: p.coords.latitude, lon: p.coords.longitude,
                          accuracy: p.coords.accuracy, at: p.timestamp }),
      onError, { enableHighAccuracy: true, maximumAge: 5000, timeout: 30000 });
    return () => navigator.geolocation.clearWatch(id);
  }

  /* A Leaflet map with the cached UT outlines; null when Leaflet is unavailable. */
  function makeMap(element, units, center) {
    if (!root.L) return null;
    const map = L.map(element, { zoomControl: true, attributionControl: true });
    if (CONFIG.tile_url) {
      L.tileLayer(CONFIG.tile_url, { maxZoom: 19, crossOrigin: true,
                                     attribution: CONFIG.tile_attribution }).addTo(map);
    }
    let bounds = null;
    if (units && units.features && units.features.length) {
      const layer = L.geoJSON(units, { style: { color: "#0b3d91", weight: 2, fill: false } });
      layer.addTo(map);
      bounds = layer.getBounds();
    }
    if (center) map.setView([center.lat, center.lon], 17);
    else if (bounds) map.fitBounds(bounds);
    else map.setView([19.4326, -99.1332], 12);
    return map;
  }

  /* Hash routes: each screen registers a pattern; a handler may return a cleanup. */
  const routes = [];
  let cleanup = null;
  FA.route = (pattern, handler) => routes.push([pattern, handler]);
  FA.go = (hash) => { if (location.hash === hash) FA.dispatch(); else location.hash = hash; };
  FA.dispatch = async () => {
    if (cleanup) { cleanup(); cleanup = null; }
    const hash = location.hash || "#/";
    for (const [pattern, handler] of routes) {
      const match = pattern.exec(hash);
      if (match) {
        cleanup = (await handler(...match.slice(1))) || null;
        return;
      }
    }
    FA.go("#/");
  };

  FA.ui = { t, h, render, time, ago, isToday, distance, unitAt, unitLabel, watchPosition,
            makeMap, CONFIG };
})(window);
