/* Closing a visit: who was there, their signatures drawn on the screen, a summary, send. */
(function () {
  "use strict";
  const { t, h, render, time } = FA.ui;

  /* A signature pad on a canvas (pointer events: finger, pen or mouse) → PNG blob. */
  function signaturePad(onSave, onCancel) {
    const canvas = h("canvas", { class: "signature", width: 600, height: 240,
                                 "aria-label": t("sign_here") });
    const ctx = canvas.getContext("2d");
    ctx.lineWidth = 3;
    ctx.lineCap = "round";
    ctx.strokeStyle = "#111";
    let drawing = false;
    let strokes = 0;
    const point = (e) => {
      const r = canvas.getBoundingClientRect();
      return [(e.clientX - r.left) * (canvas.width / r.width),
              (e.clientY - r.top) * (canvas.height / r.height)];
    };
    canvas.addEventListener("pointerdown", (e) => {
      drawing = true;
      strokes += 1;
      canvas.setPointerCapture(e.pointerId);
      ctx.beginPath();
      ctx.moveTo(...point(e));
    });
    canvas.addEventListener("pointermove", (e) => {
      if (!drawing) return;
      ctx.lineTo(...point(e));
      ctx.stroke();
    });
    canvas.addEventListener("pointerup", () => { drawing = false; });
    return h("div", { class: "pad" }, canvas,
      h("div", { class: "actions" },
        h("button", { type: "button", class: "button", onclick: () => {
          ctx.clearRect(0, 0, canvas.width, canvas.height);
          strokes = 0;
        } }, t("clear")),
        h("button", { type: "button", class: "button primary", id: "save-signature",
          onclick: () => {
            if (!strokes) return;
            canvas.toBlob(onSave, "image/png");
          } }, t("save_signature")),
        h("button", { type: "button", class: "button", onclick: onCancel }, t("cancel"))));
  }

  async function closeScreen(id) {
    const visit = await FA.db.get("visits", id);
    if (!visit) return FA.go("#/");
    const findings = await FA.db.byIndex("findings", "visit", id);
    const signatures = await FA.db.byIndex("signatures", "visit", id);
    const photoCount = findings.reduce((n, f) => n + f.photos.length, 0);
    const name = h("input", { id: "participant-name", maxlength: 200, autocomplete: "off" });
    const role = h("input", { id: "participant-role", maxlength: 120, autocomplete: "off" });
    const notes = h("textarea", { id: "visit-notes", rows: 3, maxlength: 10000 },
                    visit.notes || "");
    const padBox = h("div", {});
    const signed = (p) => signatures.some((s) => s.name === p.name);

    async function addParticipant(event) {
      event.preventDefault();
      if (!name.value.trim()) return;
      visit.participants.push({ name: name.value.trim(), role: role.value.trim() });
      await FA.saveVisit(visit);
      FA.go(location.hash);
    }

    function sign(person) {
      padBox.replaceChildren(h("p", {}, t("signature_of", { name: person.name })),
        signaturePad(async (blob) => {
          const record = { id: crypto.randomUUID(), visit: id, name: person.name,
                           role: person.role || "", blob,
                           sha256: await FA.photos.sha256(blob), created: Date.now() };
          await FA.db.put("signatures", record);
          await FA.sync.enqueue("signature", record.id);
          FA.go(location.hash);
        }, () => padBox.replaceChildren()));
      padBox.scrollIntoView();
    }

    async function send() {
      visit.notes = notes.value.trim();
      visit.ended_at = visit.ended_at || new Date().toISOString();
      visit.status = "enviada";
      await FA.saveVisit(visit);
      FA.go("#/");
      if (navigator.onLine) FA.sync.run();
    }

    const minutes = Math.round(((visit.ended_at ? new Date(visit.ended_at) : new Date()) -
      new Date(visit.started_at)) / 60000);
    render(
      h("h1", {}, t("close_visit")),
      h("section", { class: "card" }, h("h2", {}, t("summary")),
        h("dl", { class: "facts" },
          h("dt", {}, t("started")), h("dd", {}, time(visit.started_at)),
          h("dt", {}, t("duration")), h("dd", {}, t("n_minutes", { n: minutes })),
          h("dt", {}, t("findings_in_visit")), h("dd", { id: "summary-findings" },
            String(findings.length)),
          h("dt", {}, t("photos")), h("dd", {}, String(photoCount)),
          h("dt", {}, t("track_points")), h("dd", {}, String(visit.track.length)))),
      h("section", { class: "card" }, h("h2", {}, t("participants")),
        h("ul", { class: "list" }, visit.participants.map((p) => h("li", { class: "row" },
          h("span", {}, p.role ? `${p.name} (${p.role})` : p.name),
          signed(p) ? h("span", { class: "badge" }, t("signed"))
            : h("button", { type: "button", class: "button", onclick: () => sign(p) },
              t("sign"))))),
        h("form", { onsubmit: addParticipant },
          h("div", { class: "field" }, h("label", { for: "participant-name" }, t("name")), name),
          h("div", { class: "field" }, h("label", { for: "participant-role" }, t("role")), role),
          h("button", { type: "submit", class: "button", id: "add-participant" },
            t("add_participant"))),
        padBox),
      h("section", { class: "card" }, h("div", { class: "field" },
        h("label", { for: "visit-notes" }, t("observations")), notes)),
      h("div", { class: "big-actions" },
        h("button", { class: "button primary big", id: "send-visit", onclick: send },
          t("send_visit")),
        h("a", { class: "button", href: `#/visit/${id}` }, t("back"))));
  }

  FA.route(/^#\/visit\/([0-9a-f-]{36})\/close$/, closeScreen);
})();
