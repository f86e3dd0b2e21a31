/* The phone app: boot, routing, "Hoy" and the outbox screen. */
(function () {
  "use strict";
  const { t, h, render, time, ago, isToday, CONFIG } = FA.ui;
  const KINDS = ["recorrido", "supervision_obra", "evaluacion_servicio", "asamblea"];
  const START_LABELS = { recorrido: "start_recorrido", supervision_obra: "start_supervision",
                         evaluacion_servicio: "start_evaluacion", asamblea: "start_asamblea" };
  const dispatch = () => FA.dispatch();

  const tokenKey = () => `token:${FA.userId}`;

  async function api(path, init) {
    const token = await FA.db.getCached(tokenKey());
    const headers = { ...(init && init.headers) };
    if (token) headers.Authorization = `Bearer ${token}`;
    return fetch(path, { ...init, headers });
  }
  FA.api = api;

  /* A device token, asked for once with the browser session: the outbox keeps working
   * after the session cookie is gone, and the token can be revoked from "Mi cuenta". */
  async function ensureToken() {
    if (await FA.db.getCached(tokenKey())) return;
    const response = await fetch("/api/v1/tokens/device", {
      method: "POST", headers: { "X-CSRFToken": CONFIG.csrf_token } });
    if (response.ok) await FA.db.setCached(tokenKey(), (await response.json()).token);
  }

  /* Categories, projects, UT polygons and my visits, kept for offline use. */
  async function refreshReference() {
    const sources = {
      categories: ["/api/v1/categories", (b) => b.categories],
      projects: ["/api/v1/projects", (b) => b.projects],
      units: ["/api/v1/territorial-units?simplify=5", (b) => b], // metres
      server_visits: ["/api/v1/visits", (b) => b.visits],
    };
    await Promise.all(Object.entries(sources).map(async ([key, [url, pick]]) => {
      try {
        const response = await api(url);
        if (response.ok) await FA.db.setCached(key, pick(await response.json()));
      } catch (error) { /* offline: keep what we had */ }
    }));
    // The supervisor's word (validated, returned with comments) reaches the phone's copy.
    for (const server of (await FA.db.getCached("server_visits")) || []) {
      const local = await FA.db.get("visits", server.id);
      if (local && (!local.server || local.server.status !== server.status)) {
        local.server = server;
        await FA.db.put("visits", local);
      }
    }
  }

  async function startVisit(kind) {
    const visit = {
      id: crypto.randomUUID(), kind, status: "borrador", started_at: new Date().toISOString(),
      ended_at: null, track: [], participants: [], notes: "", project: null,
      checklist: null, created: Date.now(),
    };
    await FA.db.put("visits", visit);
    await FA.sync.enqueue("visit", visit.id);
    FA.go(`#/visit/${visit.id}`);
  }
  FA.startVisit = startVisit;

  async function statusBar() {
    const pending = await FA.sync.pending();
    const lastSync = await FA.db.getCached("last_sync");
    const badge = h("a", { class: `badge-pending${pending.total ? "" : " ok"}`,
                           href: "#/pending", id: "pending-badge" },
      pending.total ? t("n_pending", { n: pending.total }) : t("all_sent"));
    return h("div", { class: "statusbar", role: "status" }, badge,
      h("span", { class: "muted" }, navigator.onLine ? t("last_sync", { when: ago(lastSync) })
        : t("offline")));
  }

  /* The server's word once it has one, unless the phone has sent it since. */
  function visitStatus(visit) {
    const server = visit.server && visit.server.status;
    if (!server || (visit.status === "enviada" && server === "borrador")) return visit.status;
    return server;
  }

  async function home() {
    const visits = (await FA.db.all("visits")).sort((a, b) => b.created - a.created);
    const serverVisits = (await FA.db.getCached("server_visits")) || [];
    const returned = serverVisits.filter((v) => v.status === "devuelta");
    const findings = await FA.db.all("findings");
    const today = visits.filter((v) => isToday(v.started_at));
    render(
      await statusBar(),
      h("h1", {}, t("today")),
      h("div", { class: "big-actions" }, KINDS.map((kind) =>
        h("button", { class: "button primary big", "data-kind": kind,
                      onclick: () => startVisit(kind) }, t(START_LABELS[kind])))),
      returned.length ? h("section", { class: "card returned" },
        h("h2", {}, t("returned_visits")),
        returned.map((v) => h("div", { class: "notice" },
          h("strong", {}, `${t(v.kind)} · ${time(v.started_at)}`),
          h("p", {}, v.review_comment || ""),
          visits.some((l) => l.id === v.id)
            ? h("a", { class: "button", href: `#/visit/${v.id}` }, t("correct")) : null))) : null,
      h("section", { class: "card" }, h("h2", {}, t("todays_visits")),
        today.length ? h("ul", { class: "list" }, today.map((v) => h("li", { class: "row" },
          h("a", { href: `#/visit/${v.id}`, class: "visit-link" },
            h("strong", {}, t(v.kind)), " ",
            h("span", { class: "badge" }, t(visitStatus(v))), h("br"),
            h("small", {}, `${time(v.started_at)} · ${t("n_findings", {
              n: findings.filter((f) => f.visit === v.id).length })}`)))))
          : h("p", { class: "muted" }, t("no_visits_today"))));
  }

  const TYPE_LABELS = { visit: "visit", finding: "finding", photo: "photo",
                        signature: "signature" };

  async function pendingScreen() {
    const { entries } = await FA.sync.pending();
    const failed = entries.filter((e) => e.failed);
    render(
      await statusBar(),
      h("h1", {}, t("pending_title")),
      entries.length ? h("ul", { class: "list" }, entries.map((e) => h("li", { class: "row" },
        h("div", {}, h("strong", {}, t(TYPE_LABELS[e.type])), " ",
          h("small", {}, e.id.slice(0, 8)),
          e.failed ? h("p", { class: "error" }, e.error) :
            e.attempts ? h("p", { class: "muted" }, t("retrying", { n: e.attempts })) : null))))
        : h("p", {}, t("all_sent")),
      h("div", { class: "actions" },
        h("button", { class: "button primary", id: "send-now",
                      onclick: async () => { await FA.sync.run({ force: true }); dispatch(); } },
          t("send_now")),
        failed.length ? h("button", { class: "button",
          onclick: async () => { await FA.sync.retryFailed(); dispatch(); } }, t("retry_failed"))
          : null,
        h("a", { class: "button", href: "#/" }, t("back"))));
  }

  async function refreshBadge(event) {
    const detail = event && (event.detail || event.data);
    const onList = ["#/", "", "#/pending"].includes(location.hash);
    if (detail && detail.kind === "done" && detail.result.sent && onList) {
      dispatch(); // statuses changed: redraw the list
      return;
    }
    const badge = document.getElementById("pending-badge");
    if (!badge) return;
    const pending = await FA.sync.pending();
    badge.textContent = pending.total ? t("n_pending", { n: pending.total }) : t("all_sent");
    badge.classList.toggle("ok", !pending.total);
  }

  FA.route(/^#\/$/, home);
  FA.route(/^#\/pending$/, pendingScreen);

  async function boot() {
    FA.userId = CONFIG.user.id;
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
    }
    await FA.db.open();
    window.addEventListener("hashchange", dispatch);
    window.addEventListener("online", () => FA.sync.run());
    window.addEventListener("fa-sync", refreshBadge);
    if (FA.sync.channel) FA.sync.channel.onmessage = refreshBadge;
    await dispatch();
    if (navigator.onLine) {
      try { await ensureToken(); } catch (error) { /* offline or logged out */ }
      await refreshReference();
      FA.sync.run();
    }
    setInterval(() => { if (navigator.onLine) FA.sync.run(); }, 30000);
  }

  FA.refreshReference = refreshReference;
  boot();
})();
