/* FieldApp: the findings of the supervisors' map, drawn on one canvas.
 *
 * The data comes from /mapa/datos.json as rows of [lon, lat, status, category, id] plus
 * lookup tables. Points are kept in typed arrays (no object per finding) and clustered on a
 * pixel grid aligned to the world, so clusters do not jump while panning; from street
 * level on every finding is its own point. A click on a cluster zooms in; a click on a
 * point fetches its details and builds the popup with text nodes only (no HTML parsing).
 * When the server answers with grid counts (too many findings for the filters), the
 * layer asks again for the visible box after every move.
 */
(function () {
  "use strict";

  var MAX_LAT = 85.0511287798;
  var KEY_SPAN = 4194304; // 2^22 grid rows: enough for 64 px cells at zoom 19

  function worldX(lon) { return lon / 360 + 0.5; }
  function worldY(lat) {
    var s = Math.sin(Math.max(Math.min(lat, MAX_LAT), -MAX_LAT) * Math.PI / 180);
    return 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
  }

  function isLocalPath(url) {
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/";
  }

  function textColorOn(hex) {
    var n = parseInt(String(hex).slice(1), 16);
    var r = (n >> 16) & 255, g = (n >> 8) & 255, b = n & 255;
    return (0.299 * r + 0.587 * g + 0.114 * b) > 150 ? "#111" : "#fff";
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function fill(template, n) {
    return String(template).replace("{n}", Number(n).toLocaleString(document.documentElement.lang || "es-MX"));
  }

  /* Grid cells split groups that straddle a cell edge: fold a neighbouring cell into one
   * whose centre is closer than ``distance`` pixels (cells are visited once, in order). */
  function mergeNeighbours(cells, distance) {
    var limit = distance * distance;
    cells.forEach(function (c) {
      if (c.merged) { return; }
      for (var dx = -1; dx <= 1; dx++) {
        for (var dy = -1; dy <= 1; dy++) {
          var other = (dx || dy) && cells.get((c.gx + dx) * KEY_SPAN + c.gy + dy);
          if (!other || other.merged) { continue; }
          var ex = c.sx / c.n - other.sx / other.n, ey = c.sy / c.n - other.sy / other.n;
          if (ex * ex + ey * ey > limit) { continue; }
          c.n += other.n; c.sx += other.sx; c.sy += other.sy;
          for (var k = 0; k < c.mix.length; k++) { c.mix[k] += other.mix[k]; }
          other.merged = true;
        }
      }
    });
  }

  L.FieldappFindings = L.Layer.extend({
    options: {
      dataUrl: "",
      popupUrl: "",
      statusElement: "",
      clusterPixels: 64,
      pointsFromZoom: 17,
      colorBy: "status",
      labels: {}
    },

    initialize: function (options) {
      L.setOptions(this, options);
      this._n = 0;
      this._items = [];
      this._pending = null;
    },

    onAdd: function (map) {
      this._map = map;
      if (!map.getPane("fieldappFindings")) {
        map.createPane("fieldappFindings").style.zIndex = 450; // over UTs, under popups
      }
      this._canvas = el("canvas", "fa-findings-canvas");
      this._canvas.style.position = "absolute";
      this._canvas.style.pointerEvents = "none"; // clicks reach the map; we hit-test there
      map.getPane("fieldappFindings").appendChild(this._canvas);
      map.getContainer()._fieldappFindings = this; // for tests and the benchmark
      map.on("moveend resize", this._onMoveEnd, this);
      map.on("zoomstart", this._hide, this);
      // Capture phase: a click on a finding must not also open the popup of the UT under it
      // (Leaflet's own popups stop the click before it reaches the map).
      this._clickHandler = L.bind(this._onDomClick, this);
      map.getContainer().addEventListener("click", this._clickHandler, true);
      map.on("mousemove", this._onHover, this);
      this._addLegend();
      if (this._loaded) { this._redraw(); } else { this._load(null); }
    },

    onRemove: function (map) {
      map.off("moveend resize", this._onMoveEnd, this);
      map.off("zoomstart", this._hide, this);
      map.getContainer().removeEventListener("click", this._clickHandler, true);
      map.off("mousemove", this._onHover, this);
      L.DomUtil.remove(this._canvas);
      if (this._legend) { this._legend.remove(); this._legend = null; }
      map.getContainer().style.cursor = "";
      this._setStatus("");
    },

    /* ---- data ---- */

    _load: function (bbox) {
      var self = this, url = this.options.dataUrl;
      if (!url) { return; }
      if (bbox) { url += (url.indexOf("?") < 0 ? "?" : "&") + "bbox=" + bbox; }
      if (this._pending) { this._pending.abort(); }
      var controller = this._pending = new AbortController();
      if (!this._loaded) { this._setStatus(this.options.labels.loading); }
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" },
                   signal: controller.signal })
        .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
        .then(function (data) { self._pending = null; self._setData(data, bbox); })
        .catch(function (err) {
          if (err.name !== "AbortError") { self._setStatus(self.options.labels.error); }
        });
    },

    _setData: function (data, bbox) {
      var rows = data.rows, n = rows.length, cols = data.cols;
      var iLon = cols.indexOf("lon"), iLat = cols.indexOf("lat");
      var iStatus = cols.indexOf("status"), iCat = cols.indexOf("category");
      var iId = cols.indexOf("id"), iCount = cols.indexOf("count");
      this._aggregated = !!data.aggregated;
      if (this._aggregated && !bbox) { this._followView = true; }
      this._x = new Float64Array(n); this._y = new Float64Array(n);
      this._lon = new Float64Array(n); this._lat = new Float64Array(n);
      this._status = new Uint8Array(n); this._category = new Uint16Array(n);
      this._id = new Float64Array(n); this._count = new Uint32Array(n);
      for (var i = 0; i < n; i++) {
        var r = rows[i];
        this._lon[i] = r[iLon]; this._lat[i] = r[iLat];
        this._x[i] = worldX(r[iLon]); this._y[i] = worldY(r[iLat]);
        if (iStatus >= 0) { this._status[i] = r[iStatus]; this._category[i] = r[iCat]; this._id[i] = r[iId]; }
        this._count[i] = iCount >= 0 ? r[iCount] : 1;
      }
      this._n = n;
      this._total = data.total;
      this._statuses = data.statuses;
      this._categories = data.categories;
      this._loaded = true;
      this._fillLegend();
      this._redraw();
      var labels = this.options.labels;
      if (!data.total) { this._setStatus(labels.none); }
      else if (this._aggregated) { this._setStatus(fill(labels.aggregated, data.total)); }
      else { this._setStatus(fill(labels.count, data.total)); }
      var container = this._map.getContainer();
      container.setAttribute("data-findings", "ready");
      container.setAttribute("data-findings-count", String(data.total));
      this.fire("load");
    },

    _setStatus: function (text) {
      var node = this.options.statusElement && document.getElementById(this.options.statusElement);
      if (node) { node.textContent = text; }
    },

    /* ---- drawing ---- */

    _colors: function (scheme) {
      var table = scheme === "category" ? this._categories : this._statuses;
      return (table || []).map(function (entry) { return entry.color; });
    },

    _hide: function () { this._canvas.style.visibility = "hidden"; },

    _onMoveEnd: function () {
      this._redraw();
      if (this._followView) {
        var self = this;
        clearTimeout(this._timer);
        this._timer = setTimeout(function () {
          var b = self._map.getBounds().pad(0.25);
          var box = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) {
            return v.toFixed(5);
          });
          box[0] = Math.max(box[0], -180); box[1] = Math.max(box[1], -90);
          box[2] = Math.min(box[2], 180); box[3] = Math.min(box[3], 90);
          self._load(box.join(","));
        }, 200);
      }
    },

    _redraw: function () {
      var map = this._map;
      if (!map || !this._loaded) { return; }
      var size = map.getSize(), pad = 0.25;
      var offset = L.point(-Math.round(size.x * pad), -Math.round(size.y * pad));
      var w = size.x - 2 * offset.x, h = size.y - 2 * offset.y;
      var ratio = window.devicePixelRatio || 1, canvas = this._canvas;
      canvas.width = Math.round(w * ratio); canvas.height = Math.round(h * ratio);
      canvas.style.width = w + "px"; canvas.style.height = h + "px";
      L.DomUtil.setPosition(canvas, map.containerPointToLayerPoint(offset));
      canvas.style.visibility = "";
      this._offset = offset;
      var ctx = canvas.getContext("2d");
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, w, h);
      var scale = 256 * Math.pow(2, map.getZoom());
      var origin = map.getPixelBounds().min.add(offset);
      this._items = [];
      if (this._aggregated || map.getZoom() < this.options.pointsFromZoom) {
        this._drawClusters(ctx, scale, origin, w, h);
      } else {
        this._drawPoints(ctx, scale, origin, w, h);
      }
    },

    _drawPoints: function (ctx, scale, origin, w, h) {
      var fillColors = this._colors(this.options.colorBy);
      var ringColors = this._colors(this.options.colorBy === "status" ? "category" : "status");
      var byStatus = this.options.colorBy === "status";
      for (var i = 0; i < this._n; i++) {
        var x = this._x[i] * scale - origin.x, y = this._y[i] * scale - origin.y;
        if (x < -10 || y < -10 || x > w + 10 || y > h + 10) { continue; }
        this._drawPoint(ctx, i, x, y, byStatus, fillColors, ringColors);
      }
    },

    _drawPoint: function (ctx, i, x, y, byStatus, fillColors, ringColors) {
      var f = byStatus ? this._status[i] : this._category[i];
      var g = byStatus ? this._category[i] : this._status[i];
      ctx.beginPath();
      ctx.arc(x, y, 7, 0, 2 * Math.PI);
      ctx.fillStyle = fillColors[f] || "#333";
      ctx.fill();
      ctx.lineWidth = 3;
      ctx.strokeStyle = ringColors[g] || "#fff";
      ctx.stroke();
      this._items.push({ x: x, y: y, r: 10, i: i });
    },

    _drawClusters: function (ctx, scale, origin, w, h) {
      var cell = this.options.clusterPixels, cells = new Map();
      var scheme = this.options.colorBy, byStatus = scheme === "status";
      var colors = this._colors(scheme), ncolors = Math.max(colors.length, 1);
      for (var i = 0; i < this._n; i++) {
        var wx = this._x[i] * scale, wy = this._y[i] * scale;
        var x = wx - origin.x, y = wy - origin.y;
        if (x < -cell || y < -cell || x > w + cell || y > h + cell) { continue; }
        var gx = Math.floor(wx / cell), gy = Math.floor(wy / cell), key = gx * KEY_SPAN + gy;
        var c = cells.get(key);
        if (!c) {
          c = { n: 0, sx: 0, sy: 0, first: i, gx: gx, gy: gy, mix: new Uint32Array(ncolors) };
          cells.set(key, c);
        }
        var k = this._count[i];
        c.n += k; c.sx += x * k; c.sy += y * k;
        c.mix[byStatus ? this._status[i] : this._category[i]] += k;
      }
      mergeNeighbours(cells, cell / 2);
      var ringColors = this._colors(byStatus ? "category" : "status");
      var self = this;
      ctx.font = "bold 12px system-ui, sans-serif";
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      cells.forEach(function (c) {
        if (c.merged) { return; }
        if (c.n === 1 && !self._aggregated) {
          var j = c.first;
          self._drawPoint(ctx, j, self._x[j] * scale - origin.x, self._y[j] * scale - origin.y,
                          byStatus, colors, ringColors);
          return;
        }
        self._drawCluster(ctx, c, colors);
      });
    },

    _drawCluster: function (ctx, c, colors) {
      // A white disc with the count, ringed by the share of each status (or category).
      var x = c.sx / c.n, y = c.sy / c.n, r = Math.min(14 + 3 * Math.log10(c.n), 27);
      ctx.beginPath();
      ctx.arc(x, y, r, 0, 2 * Math.PI);
      ctx.fillStyle = "#fff";
      ctx.fill();
      ctx.lineWidth = 1;
      ctx.strokeStyle = "#222";
      ctx.stroke();
      ctx.lineWidth = 6;
      var angle = -Math.PI / 2, shares = this._aggregated ? [] : c.mix;
      for (var k = 0; k < shares.length; k++) {
        if (!shares[k]) { continue; }
        var next = angle + 2 * Math.PI * shares[k] / c.n;
        ctx.beginPath();
        ctx.arc(x, y, r - 4, angle, next);
        ctx.strokeStyle = colors[k] || "#0b3d91";
        ctx.stroke();
        angle = next;
      }
      if (!shares.length) {
        ctx.beginPath();
        ctx.arc(x, y, r - 4, 0, 2 * Math.PI);
        ctx.strokeStyle = "#0b3d91";
        ctx.stroke();
      }
      ctx.fillStyle = "#111";
      ctx.fillText(c.n >= 10000 ? Math.round(c.n / 1000) + "k" : String(c.n), x, y + 0.5);
      this._items.push({ x: x, y: y, r: r, cluster: true });
    },

    /* ---- interaction ---- */

    _hit: function (containerPoint) {
      if (!this._offset) { return null; }
      var x = containerPoint.x - this._offset.x, y = containerPoint.y - this._offset.y;
      var best = null, bestD = Infinity;
      for (var k = this._items.length - 1; k >= 0; k--) {
        var it = this._items[k], dx = it.x - x, dy = it.y - y, d = dx * dx + dy * dy;
        if (d <= (it.r + 3) * (it.r + 3) && d < bestD) { best = it; bestD = d; }
      }
      return best;
    },

    _onHover: function (e) {
      this._map.getContainer().style.cursor = this._hit(e.containerPoint) ? "pointer" : "";
    },

    _onDomClick: function (e) {
      var map = this._map;
      if (!e.target.closest || e.target.closest(".leaflet-control, .leaflet-popup")) { return; }
      if (map.dragging && map.dragging.moved()) { return; }
      var it = this._hit(map.mouseEventToContainerPoint(e));
      if (!it) { return; }
      e.stopPropagation();
      e.preventDefault();
      if (it.cluster) {
        map.closePopup();
        var at = map.containerPointToLatLng(L.point(it.x + this._offset.x, it.y + this._offset.y));
        map.setView(at, Math.min(map.getZoom() + 2, map.getMaxZoom()));
        return;
      }
      this._openPopup(it.i);
    },

    _openPopup: function (i) {
      var labels = this.options.labels;
      var box = el("div", "fa-popup", labels.loading);
      var popup = L.popup({ maxWidth: 280, minWidth: 200, autoPanPadding: [20, 20] })
        .setLatLng([this._lat[i], this._lon[i]])
        .setContent(box)
        .openOn(this._map);
      var url = this.options.popupUrl.replace("{id}", String(this._id[i]));
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
        .then(function (d) { fillPopup(box, d, labels); popup.update(); })
        .catch(function () { box.textContent = labels.popupError; });
    },

    /* ---- legend and colour switch ---- */

    _addLegend: function () {
      var self = this, labels = this.options.labels;
      var legend = this._legend = L.control({ position: "bottomright" });
      legend.onAdd = function () {
        var details = el("details", "fa-legend leaflet-bar");
        details.open = window.innerWidth >= 700;
        details.appendChild(el("summary", null, labels.legend));
        var form = el("fieldset", "fa-colorby");
        form.appendChild(el("legend", null, labels.colorBy));
        ["status", "category"].forEach(function (scheme) {
          var lab = el("label"), input = el("input");
          input.type = "radio"; input.name = "fa-colorby"; input.value = scheme;
          input.checked = self.options.colorBy === scheme;
          input.addEventListener("change", function () { self.setColorBy(scheme); });
          lab.appendChild(input);
          lab.appendChild(document.createTextNode(" " + labels[scheme]));
          form.appendChild(lab);
        });
        details.appendChild(form);
        self._legendList = el("div", "fa-legend-list");
        details.appendChild(self._legendList);
        L.DomEvent.disableClickPropagation(details);
        L.DomEvent.disableScrollPropagation(details);
        return details;
      };
      legend.addTo(this._map);
      this._fillLegend();
    },

    _fillLegend: function () {
      var list = this._legendList, labels = this.options.labels;
      if (!list || !this._statuses) { return; }
      list.textContent = "";
      var fillScheme = this.options.colorBy;
      var ringScheme = fillScheme === "status" ? "category" : "status";
      var sections = [[labels.fill, fillScheme, false], [labels.ring, ringScheme, true]];
      var self = this;
      sections.forEach(function (section) {
        list.appendChild(el("strong", null, section[0] + ": " + labels[section[1]]));
        var ul = el("ul");
        var table = section[1] === "category" ? self._categories : self._statuses;
        table.forEach(function (entry) {
          var li = el("li"), swatch = el("span", section[2] ? "fa-swatch fa-ring" : "fa-swatch");
          if (section[2]) { swatch.style.borderColor = entry.color; } else { swatch.style.background = entry.color; }
          li.appendChild(swatch);
          li.appendChild(document.createTextNode(entry.label || entry.name));
          ul.appendChild(li);
        });
        list.appendChild(ul);
      });
    },

    setColorBy: function (scheme) {
      this.options.colorBy = scheme === "category" ? "category" : "status";
      this._fillLegend();
      this._redraw();
    },

    /* For tests and the benchmark: where the drawn single findings are, in container px. */
    drawnPoints: function () {
      var offset = this._offset, self = this;
      return this._items.filter(function (it) { return !it.cluster; }).map(function (it) {
        return { x: it.x + offset.x, y: it.y + offset.y, id: self._id[it.i] };
      });
    },

    drawnClusters: function () {
      var offset = this._offset;
      return this._items.filter(function (it) { return it.cluster; }).map(function (it) {
        return { x: it.x + offset.x, y: it.y + offset.y };
      });
    }
  });

  function fillPopup(box, d, labels) {
    box.textContent = "";
    if (isLocalPath(d.thumb)) {
      var img = el("img", "fa-thumb");
      img.alt = labels.photo;
      img.width = 240; img.height = 135;
      img.src = d.thumb;
      box.appendChild(img);
    }
    box.appendChild(el("strong", "fa-title", d.category));
    var status = el("div", "fa-status");
    status.appendChild(el("span", "fa-badge fa-status-" + String(d.status).replace(/[^a-z_]/g, ""), d.status_label));
    box.appendChild(status);
    box.appendChild(el("div", null, labels.date + ": " + d.date));
    box.appendChild(el("div", null, labels.unit + ": " + (d.unit || labels.outside)));
    if (d.description) { box.appendChild(el("p", "fa-description", d.description)); }
    if (isLocalPath(d.url)) {
      var link = el("a", "fa-link", labels.open);
      link.href = d.url;
      box.appendChild(link);
    }
  }

  L.fieldappFindings = function (options) { return new L.FieldappFindings(options); };
})();
