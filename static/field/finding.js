/* A new finding in under 20 seconds: camera first, a category chip, an optional note;
 * the GPS point and its accuracy are taken by themselves. */
(function () {
  "use strict";
  const { t, h, render, unitAt, unitLabel, watchPosition, makeMap } = FA.ui;
  const GOOD_ACCURACY_M = 30;

  async function findingScreen(visitId, query) {
    const visit = await FA.db.get("visits", visitId);
    if (!visit) return FA.go("#/");
    const params = new URLSearchParams(query || "");
    const categories = (await FA.db.getCached("categories")) || [];
    const units = await FA.db.getCached("units");
    const state = { id: crypto.randomUUID(), category: params.get("category"),
                    priority: "media", photos: [], position: null, pinned: null,
                    busy: Promise.resolve() };
    const thumbs = h("div", { class: "thumbs", id: "thumbs" });
    const gps = h("p", { class: "gps", id: "gps", role: "status" }, t("waiting_gps"));
    const warn = h("div", { class: "notice", id: "gps-warning", hidden: true });
    const mapBox = h("div", { class: "map small", id: "pin-map", hidden: true });
    const save = h("button", { class: "button primary big", id: "save-finding", disabled: true,
                               onclick: () => store() }, t("save_finding"));
    const camera = h("input", { type: "file", accept: "image/*", capture: "environment",
                                multiple: true, id: "camera", class: "visually-hidden",
                                onchange: (e) => {
                                  const files = [...e.target.files];
                                  camera.value = "";
                                  state.busy = state.busy.then(() => addPhotos(files));
                                } });
    const note = h("textarea", { id: "note", rows: 2, maxlength: 5000,
                                 placeholder: t("note_placeholder") });
    const reqName = h("input", { id: "requester-name", maxlength: 200, autocomplete: "off" });
    const reqPhone = h("input", { id: "requester-phone", type: "tel", maxlength: 40,
                                  autocomplete: "off" });
    let map = null;
    let pin = null;

    function location() {
      const p = state.pinned || state.position;
      if (!p) return null;
      return { lat: +p.lat.toFixed(7), lon: +p.lon.toFixed(7),
               accuracy_m: state.position ? Math.round(state.position.accuracy) : null };
    }

    function refresh() {
      const loc = location();
      save.disabled = !(state.category && loc);
      if (!state.position && !state.pinned) return;
      const acc = state.position ? Math.round(state.position.accuracy) : null;
      const where = unitLabel(unitAt([loc.lon, loc.lat], units));
      gps.textContent = state.pinned ? `${t("pin_set")} · ${where}`
        : `${t("accuracy", { m: acc })} · ${where}`;
      const poor = !state.pinned && acc !== null && acc > GOOD_ACCURACY_M;
      warn.hidden = !poor;
      if (poor) {
        warn.replaceChildren(h("p", {}, t("poor_accuracy", { m: acc })),
          h("button", { type: "button", class: "button", onclick: () => {} }, t("wait_gps")),
          " ", h("button", { type: "button", class: "button", id: "drag-pin",
                             onclick: showPinMap }, t("adjust_on_map")));
      }
    }

    function showPinMap() {
      mapBox.hidden = false;
      const start = state.pinned || state.position || FA.lastPosition;
      if (!map) {
        map = makeMap(mapBox, units, start);
        if (!map) return;
        const here = start || { lat: map.getCenter().lat, lon: map.getCenter().lng };
        pin = L.marker([here.lat, here.lon], { draggable: true, autoPan: true }).addTo(map);
        state.pinned = { lat: here.lat, lon: here.lon };
        pin.on("dragend", () => {
          const ll = pin.getLatLng();
          state.pinned = { lat: ll.lat, lon: ll.lng };
          refresh();
        });
        map.on("click", (e) => {
          pin.setLatLng(e.latlng);
          state.pinned = { lat: e.latlng.lat, lon: e.latlng.lng };
          refresh();
        });
      }
      refresh();
    }

    async function addPhotos(files) {
      for (const file of files) {
        const item = { id: crypto.randomUUID(), status: t("processing") };
        state.photos.push(item);
        try {
          const [exif, resized] = await Promise.all([FA.exif.read(file), FA.photos.resize(file)]);
          Object.assign(item, { blob: resized.blob, width: resized.width,
                                height: resized.height, exif,
                                sha256: await FA.photos.sha256(resized.blob) });
          thumbs.append(h("img", { src: URL.createObjectURL(resized.blob), alt: t("photo"),
                                   class: "thumb" }));
        } catch (error) {
          state.photos.splice(state.photos.indexOf(item), 1);
          thumbs.append(h("p", { class: "error" }, t("photo_unreadable")));
        }
      }
    }

    async function store() {
      const loc = location();
      if (!state.category || !loc) return;
      save.disabled = true;
      await state.busy; // photos still being resized are part of this finding
      const finding = {
        id: state.id, visit: visitId, category: state.category,
        description: note.value.trim(), location: loc, captured_at: new Date().toISOString(),
        priority: state.priority,
        requester: { name: reqName.value.trim() || null, phone: reqPhone.value.trim() || null },
        photos: state.photos.filter((p) => p.blob).map((p) => p.id), created: Date.now(),
      };
      const photos = state.photos.filter((p) => p.blob).map((p) => ({
        id: p.id, owner: finding.id, owner_type: "finding", blob: p.blob, sha256: p.sha256,
        width: p.width, height: p.height, exif: p.exif, created: Date.now() }));
      // One transaction: the finding and its photos are kept together or not at all.
      await FA.db.tx(["findings", "photos"], "readwrite", (findings, photoStore) => {
        findings.put(finding);
        for (const photo of photos) photoStore.put(photo);
      });
      await FA.sync.enqueue("finding", finding.id);
      for (const photo of photos) await FA.sync.enqueue("photo", photo.id);
      FA.go(`#/visit/${visitId}`);
      if (navigator.onLine) FA.sync.run();
    }

    const chips = FA.choiceButtons(t("category"),
      categories.map((c) => [c.code, c.name]), state.category,
      (code) => { state.category = code; refresh(); });
    for (const chip of chips.children) {
      const category = categories.find((c) => c.code === chip.dataset.value);
      if (category) chip.style.setProperty("--chip", category.color);
    }
    render(
      h("h1", {}, visit.kind === "asamblea" ? t("new_demand") : t("new_finding")),
      h("label", { for: "camera", class: "button primary big camera" }, t("take_photo")),
      camera, thumbs,
      h("h2", { id: "category-label" }, t("category")), chips,
      h("div", { class: "field" }, h("label", { for: "note" }, t("note")), note),
      h("h2", {}, t("priority")),
      FA.choiceButtons(t("priority"), [["baja", t("baja")], ["media", t("media")],
        ["alta", t("alta")]], "media", (p) => { state.priority = p; }),
      h("details", { class: "requester" }, h("summary", {}, t("requester_private")),
        h("div", { class: "field" }, h("label", { for: "requester-name" }, t("name")), reqName),
        h("div", { class: "field" }, h("label", { for: "requester-phone" }, t("phone")),
          reqPhone)),
      gps, warn, mapBox,
      h("div", { class: "big-actions" }, save,
        h("a", { class: "button", href: `#/visit/${visitId}` }, t("cancel"))));
    const stop = watchPosition((p) => {
      state.position = p;
      FA.lastPosition = p;
      refresh();
    }, () => {
      gps.textContent = t("no_gps_pin");
      showPinMap();
    });
    refresh();
    return () => { stop(); if (map) map.remove(); };
  }

  FA.route(/^#\/visit\/([0-9a-f-]{36})\/finding(?:\?(.*))?$/, findingScreen);
})();
