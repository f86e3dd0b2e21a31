/* In a visit: the map with my position and track, what was found, and the panel of
 * each kind (supervisión de obra, evaluación de servicio, asamblea). */
(function () {
  "use strict";
  const { t, h, render, time, distance, unitAt, unitLabel, watchPosition, makeMap } = FA.ui;
  const MIN_ACCURACY_M = 50; // worse points are not added to the track
  const MIN_STEP_M = 10; // nor points closer than this to the previous one
  const SUPERVISION_ITEMS = ["check_signage", "check_schedule", "check_materials", "check_clean"];
  const SERVICES = {
    alumbrado: { items: ["svc_lamps_on", "svc_lamps_damaged", "svc_dark_spots"],
                 category: "alumbrado" },
    recoleccion: { items: ["svc_route_kept", "svc_no_dumps", "svc_containers"],
                   category: "basura" },
    parques: { items: ["svc_grass", "svc_games", "svc_benches"], category: "parques" },
  };

  /* A photo of the visit itself (the works), resized like a finding's. */
  async function storeVisitPhoto(visit, file) {
    const [exif, resized] = await Promise.all([FA.exif.read(file), FA.photos.resize(file)]);
    const record = { id: crypto.randomUUID(), owner: visit.id, owner_type: "visit",
                     blob: resized.blob, sha256: await FA.photos.sha256(resized.blob),
                     width: resized.width, height: resized.height, exif, created: Date.now() };
    await FA.db.put("photos", record);
    await FA.sync.enqueue("photo", record.id);
  }

  async function saveVisit(visit) {
    await FA.db.put("visits", visit);
    await FA.sync.enqueue("visit", visit.id);
  }
  FA.saveVisit = saveVisit;

  /* Track points: accurate enough and far enough from the last one. */
  function addTrackPoint(visit, position) {
    if (position.accuracy > MIN_ACCURACY_M) return false;
    const point = [position.lon, position.lat];
    const last = visit.track[visit.track.length - 1];
    if (last && distance(last, point) < MIN_STEP_M) return false;
    visit.track.push([+position.lon.toFixed(6), +position.lat.toFixed(6),
                      Math.round(position.accuracy), position.at]);
    return true;
  }

  function choiceButtons(name, options, current, onChoose) {
    return h("div", { class: "chips", role: "radiogroup", "aria-label": name },
      options.map(([value, label]) => h("button", {
        type: "button", class: `chip${current === value ? " on" : ""}`, role: "radio",
        "aria-checked": current === value ? "true" : "false", "data-value": value,
        onclick: (event) => {
          for (const b of event.currentTarget.parentElement.children) {
            b.classList.remove("on");
            b.setAttribute("aria-checked", "false");
          }
          event.currentTarget.classList.add("on");
          event.currentTarget.setAttribute("aria-checked", "true");
          onChoose(value);
        } }, label)));
  }
  FA.choiceButtons = choiceButtons;

  const RESULTS = () => [["ok", t("ok")], ["falla", t("fault")], ["no_aplica", t("n_a")]];

  function checklistRows(visit, keys, onFault) {
    visit.checklist = visit.checklist || [];
    return keys.map((key) => {
      const label = t(key);
      let entry = visit.checklist.find((c) => c.item === label);
      return h("div", { class: "check-row" }, h("span", {}, label),
        choiceButtons(label, RESULTS(), entry && entry.result, (result) => {
          if (!entry) { entry = { item: label, result }; visit.checklist.push(entry); }
          entry.result = result;
          saveVisit(visit);
          if (result === "falla" && onFault) onFault(label);
        }));
    });
  }

  async function supervisionPanel(visit, position) {
    const projects = (await FA.db.getCached("projects")) || [];
    const here = position ? [position.lon, position.lat] : null;
    const near = (p) => (here && p.location ? distance(here, [p.location.lon, p.location.lat])
      : Infinity);
    const sorted = [...projects].sort((a, b) => near(a) - near(b));
    const project = projects.find((p) => p.id === visit.project);
    const select = h("select", { id: "project", onchange: async (event) => {
      visit.project = event.target.value || null;
      await saveVisit(visit);
      FA.go(location.hash);
    } }, h("option", { value: "" }, t("choose_project")),
    sorted.map((p) => h("option", { value: p.id, selected: p.id === visit.project },
      `${p.name} · ${p.territorial_unit ? p.territorial_unit.code : ""}`)));
    const progress = h("input", { type: "number", id: "progress", min: 0, max: 100, step: 1,
      inputmode: "numeric", value: visit.progress_pct ?? "", onchange: (event) => {
        const value = Number(event.target.value);
        visit.progress_pct = Number.isFinite(value) ? Math.min(100, Math.max(0, value)) : null;
        saveVisit(visit);
      } });
    const committee = project ? project.committee.map((m) => {
      const present = visit.participants.some((p) => p.name === m.name);
      return h("label", { class: "check" }, h("input", { type: "checkbox", checked: present,
        onchange: (event) => {
          visit.participants = visit.participants.filter((p) => p.name !== m.name);
          if (event.target.checked) visit.participants.push({ name: m.name, role: m.role });
          saveVisit(visit);
        } }), `${m.name} (${m.role})`);
    }) : [];
    const photos = (await FA.db.byIndex("photos", "owner", visit.id)).length;
    const camera = h("input", { type: "file", accept: "image/*", capture: "environment",
      multiple: true, id: "works-camera", class: "visually-hidden", onchange: async (e) => {
        const files = [...e.target.files];
        e.target.value = "";
        for (const file of files) await storeVisitPhoto(visit, file);
        FA.go(location.hash);
      } });
    return h("section", { class: "card" }, h("h2", {}, t("supervision")),
      h("label", { for: "works-camera", class: "button big" },
        `${t("works_photos")} (${photos})`), camera,
      h("div", { class: "field" }, h("label", { for: "project" }, t("project")), select),
      h("div", { class: "field" }, h("label", { for: "progress" }, t("progress_pct")), progress),
      h("h3", {}, t("checklist")), checklistRows(visit, SUPERVISION_ITEMS),
      committee.length ? h("fieldset", {}, h("legend", {}, t("committee_present")), committee)
        : null);
  }

  function evaluationPanel(visit) {
    const service = visit.service || "alumbrado";
    const fault = () => FA.go(`#/visit/${visit.id}/finding?category=${SERVICES[service].category}`);
    return h("section", { class: "card" }, h("h2", {}, t("evaluation")),
      choiceButtons(t("service"), Object.keys(SERVICES).map((s) => [s, t(`svc_${s}`)]), service,
        async (value) => { visit.service = value; await saveVisit(visit); FA.go(location.hash); }),
      checklistRows(visit, SERVICES[service].items, fault),
      h("p", { class: "hint" }, t("fault_becomes_finding")));
  }

  function assemblyPanel(visit) {
    const save = () => saveVisit(visit);
    return h("section", { class: "card" }, h("h2", {}, t("asamblea")),
      h("div", { class: "field" }, h("label", { for: "place" }, t("place")),
        h("input", { id: "place", value: visit.place || "", maxlength: 200,
                     onchange: (e) => { visit.place = e.target.value.trim(); save(); } })),
      h("div", { class: "field" }, h("label", { for: "attendance" }, t("attendance")),
        h("input", { id: "attendance", type: "number", min: 0, inputmode: "numeric",
                     value: visit.attendance_count ?? "",
                     onchange: (e) => {
                       const n = parseInt(e.target.value, 10);
                       visit.attendance_count = Number.isFinite(n) && n >= 0 ? n : null;
                       save();
                     } })));
  }

  async function visitScreen(id) {
    const visit = await FA.db.get("visits", id);
    if (!visit) return FA.go("#/");
    const units = await FA.db.getCached("units");
    const categories = (await FA.db.getCached("categories")) || [];
    const findings = (await FA.db.byIndex("findings", "visit", id))
      .sort((a, b) => a.captured_at.localeCompare(b.captured_at));
    const where = h("p", { class: "where", id: "where" }, t("waiting_gps"));
    const mapBox = h("div", { class: "map", id: "visit-map" });
    const closed = visit.status === "enviada" && !(visit.server && visit.server.status ===
      "devuelta");
    const comment = visit.server && visit.server.status === "devuelta"
      ? h("div", { class: "notice" }, h("strong", {}, t("returned_comment")), " ",
        visit.server.review_comment || "") : null;
    let position = null;
    const panel = h("div", {});
    const catName = (code) => (categories.find((c) => c.code === code) || { name: code }).name;
    render(
      h("h1", {}, t(visit.kind)), h("p", { class: "muted" }, time(visit.started_at)),
      comment, where, mapBox, panel,
      h("div", { class: "big-actions" },
        h("a", { class: "button primary big", id: "add-finding",
                 href: `#/visit/${id}/finding` }, t("add_finding")),
        h("a", { class: "button big", id: "close-visit", href: `#/visit/${id}/close` },
          closed ? t("visit_summary") : t("close_visit"))),
      h("section", { class: "card" }, h("h2", {}, t("findings_in_visit")),
        findings.length ? h("ul", { class: "list", id: "finding-list" }, findings.map((f) =>
          h("li", { class: "row" }, h("div", {}, h("strong", {}, catName(f.category)), " ",
            h("span", { class: "badge" }, f.synced_at ? t("sent") : t("to_send")), h("br"),
            h("small", {}, `${f.description || ""} · ${t("n_photos", { n: f.photos.length })}`)))))
          : h("p", { class: "muted" }, t("no_findings_yet"))),
      h("p", {}, h("a", { class: "button", href: "#/" }, t("back"))));
    if (visit.kind === "supervision_obra") {
      panel.append(await supervisionPanel(visit, FA.lastPosition));
    }
    if (visit.kind === "evaluacion_servicio") panel.append(evaluationPanel(visit));
    if (visit.kind === "asamblea") panel.append(assemblyPanel(visit));

    const map = makeMap(mapBox, units, null);
    const trackLine = map ? L.polyline(visit.track.map((p) => [p[1], p[0]]),
      { color: "#8a1116", weight: 4 }).addTo(map) : null;
    const me = map ? L.circleMarker([0, 0], { radius: 8, color: "#fff", weight: 3,
      fillColor: "#0b3d91", fillOpacity: 1 }) : null;
    if (map) {
      for (const f of findings) {
        L.circleMarker([f.location.lat, f.location.lon], { radius: 7, color: "#111",
          fillColor: "#ffbf00", fillOpacity: 1 }).addTo(map);
      }
    }
    const stop = watchPosition(async (p) => {
      if (!position && visit.kind === "supervision_obra" && !visit.project) {
        panel.replaceChildren(await supervisionPanel(visit, p)); // nearest projects first
      }
      position = p;
      FA.lastPosition = p;
      where.textContent = `${unitLabel(unitAt([p.lon, p.lat], units))} · ±${Math.round(
        p.accuracy)} m`;
      if (me) {
        me.setLatLng([p.lat, p.lon]).addTo(map);
        if (!map._fa_centered) { map.setView([p.lat, p.lon], 17); map._fa_centered = true; }
      }
      if (!closed && addTrackPoint(visit, p)) {
        if (trackLine) trackLine.addLatLng([p.lat, p.lon]);
        await saveVisit(visit);
      }
    }, () => { where.textContent = t("no_gps"); });
    return () => { stop(); if (map) map.remove(); };
  }

  FA.route(/^#\/visit\/([0-9a-f-]{36})$/, visitScreen);
})();
