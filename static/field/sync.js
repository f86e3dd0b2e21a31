/* The outbox: sends what was captured, oldest first, and forgets nothing until the
 * server confirms it (photos: with the same SHA-256). Runs in the page and in the
 * service worker (Background Sync), one run at a time across both (Web Locks). */
(function (root) {
  "use strict";
  const FA = (root.FA = root.FA || {});
  const BASE_DELAY = 5000;
  const MAX_DELAY = 10 * 60 * 1000;
  const RETRY_LATER = new Set(["unknown_visit", "unknown_finding"]);
  const channel = typeof BroadcastChannel !== "undefined" ? new BroadcastChannel("fa-sync") : null;

  function announce(detail) {
    if (channel) channel.postMessage(detail);
    if (typeof root.dispatchEvent === "function" && typeof CustomEvent !== "undefined") {
      root.dispatchEvent(new CustomEvent("fa-sync", { detail }));
    }
  }

  /* Queue a record to be sent; a record already waiting is sent once, in its latest state. */
  async function enqueue(type, id) {
    const user = FA.userId; // whose token sends it, even if someone else signs in later
    await FA.db.tx("outbox", "readwrite", async (store) => {
      const waiting = await FA.db.promisify(store.getAll());
      if (waiting.some((e) => e.type === type && e.id === id && !e.failed)) return;
      store.add({ type, id, user, attempts: 0, next_try: 0, created: Date.now() });
    });
    announce({ kind: "queued" });
    requestBackgroundSync();
  }

  function requestBackgroundSync() {
    if (typeof navigator === "undefined" || !navigator.serviceWorker) return;
    navigator.serviceWorker.ready
      .then((reg) => (reg.sync ? reg.sync.register("fa-outbox") : null))
      .catch(() => {});
  }

  async function pending() {
    const entries = await FA.db.all("outbox");
    return { total: entries.length, failed: entries.filter((e) => e.failed).length, entries };
  }

  function visitBody(v) {
    return {
      kind: v.kind, started_at: v.started_at, ended_at: v.ended_at || null,
      status: v.status || "borrador",
      track: v.track && v.track.length >= 1 ? { type: "LineString", coordinates: v.track } : null,
      participants: v.participants || [], notes: v.notes || "", project: v.project || null,
      place: v.place || null, attendance_count: v.attendance_count ?? null,
      progress_pct: v.progress_pct ?? null, checklist: v.checklist || null,
    };
  }

  function findingBody(f) {
    return {
      visit: f.visit, category: f.category, description: f.description || "",
      location: f.location, captured_at: f.captured_at, priority: f.priority || "media",
      requester: f.requester && (f.requester.name || f.requester.phone) ? f.requester : null,
    };
  }

  /* One HTTP call for one outbox entry: {ok, body} or {status, code, message, network}. */
  async function send(entry, token) {
    const auth = { Authorization: `Bearer ${token}` };
    let url, init;
    if (entry.type === "visit" || entry.type === "finding") {
      const record = await FA.db.get(entry.type === "visit" ? "visits" : "findings", entry.id);
      if (!record) return { ok: true, gone: true };
      const body = entry.type === "visit" ? visitBody(record) : findingBody(record);
      url = `/api/v1/${entry.type}s/${entry.id}`;
      init = { method: "PUT", headers: { ...auth, "Content-Type": "application/json" },
               body: JSON.stringify(body) };
    } else {
      const store = entry.type === "photo" ? "photos" : "signatures";
      const record = await FA.db.get(store, entry.id);
      if (!record || !record.blob) return { ok: true, gone: true };
      const headers = { ...auth, "Content-Type": record.blob.type || "image/jpeg",
                        "X-Content-SHA256": record.sha256 };
      if (entry.type === "photo") {
        const exif = record.exif || {};
        if (exif.taken_at) headers["X-Exif-Taken-At"] = exif.taken_at;
        if (exif.lat != null && exif.lon != null) {
          headers["X-Exif-Lat"] = String(exif.lat);
          headers["X-Exif-Lon"] = String(exif.lon);
        }
        url = `/api/v1/photos/${entry.id}?${record.owner_type}=${record.owner}`;
      } else {
        const q = new URLSearchParams({ visit: record.visit, name: record.name,
                                        role: record.role || "" });
        url = `/api/v1/signatures/${entry.id}?${q}`;
      }
      init = { method: "PUT", headers, body: record.blob };
    }
    let response;
    try {
      response = await fetch(url, init);
    } catch (error) {
      return { network: true, message: String(error) };
    }
    let body = null;
    try { body = await response.json(); } catch (error) { body = null; }
    if (response.ok) return { ok: true, body };
    const error = (body && body.error) || {};
    return { status: response.status, code: error.code, message: error.message || "" };
  }

  /* What the server confirmed: photos are forgotten only when the hash matches. */
  async function confirm(entry, result) {
    if (result.gone) return true;
    if (entry.type === "visit" || entry.type === "finding") {
      const store = entry.type === "visit" ? "visits" : "findings";
      const record = await FA.db.get(store, entry.id);
      if (record) {
        record.server = result.body;
        record.synced_at = new Date().toISOString();
        await FA.db.put(store, record);
      }
      return true;
    }
    const store = entry.type === "photo" ? "photos" : "signatures";
    const record = await FA.db.get(store, entry.id);
    if (!result.body || result.body.sha256 !== record.sha256) return false;
    record.blob = null; // the server holds the same bytes now
    record.sent_at = new Date().toISOString();
    await FA.db.put(store, record);
    return true;
  }

  function backoff(entry) {
    entry.attempts += 1;
    entry.next_try = Date.now() + Math.min(BASE_DELAY * 2 ** entry.attempts, MAX_DELAY);
  }

  async function runOnce(force) {
    const entries = (await FA.db.all("outbox")).sort((a, b) => a.seq - b.seq);
    let sent = 0;
    for (const entry of entries) {
      if (entry.failed && !force) continue;
      if (entry.next_try > Date.now() && !force) continue;
      const token = await FA.db.getCached(`token:${entry.user}`);
      if (!token) continue; // that person has to open the app signed in once more
      const result = await send(entry, token);
      if (result.ok && (await confirm(entry, result))) {
        await FA.db.del("outbox", entry.seq);
        sent += 1;
        announce({ kind: "sent", type: entry.type, id: entry.id });
        continue;
      }
      if (result.network || result.status >= 500 || result.status === 429) {
        backoff(entry);
        await FA.db.put("outbox", entry);
        return { sent, stopped: "offline" };
      }
      if (result.status === 401) {
        await FA.db.del("cache", `token:${entry.user}`); // revoked: ask for a new one
        return { sent, stopped: "auth" };
      }
      if (RETRY_LATER.has(result.code) || result.ok) {
        backoff(entry); // its visit or finding is still on the way
      } else {
        entry.failed = true; // the server refused it: shown to the user, kept
        entry.error = result.message || `HTTP ${result.status}`;
      }
      await FA.db.put("outbox", entry);
    }
    await FA.db.setCached("last_sync", new Date().toISOString());
    return { sent, stopped: null };
  }

  let running = null;
  async function run(options = {}) {
    if (running) return running;
    const job = async () => {
      announce({ kind: "start" });
      try {
        const result = await runOnce(!!options.force);
        announce({ kind: "done", result });
        return result;
      } catch (error) {
        announce({ kind: "done", result: { sent: 0, stopped: "error" } });
        return { sent: 0, stopped: "error", error: String(error) };
      }
    };
    const locks = typeof navigator !== "undefined" && navigator.locks;
    running = (locks ? locks.request("fa-outbox", job) : job()).finally(() => { running = null; });
    return running;
  }

  async function retryFailed() {
    const entries = await FA.db.all("outbox");
    for (const entry of entries.filter((e) => e.failed)) {
      entry.failed = false;
      entry.error = null;
      entry.attempts = 0;
      entry.next_try = 0;
      await FA.db.put("outbox", entry);
    }
    return run({ force: true });
  }

  FA.sync = { enqueue, pending, run, retryFailed, channel, visitBody, findingBody };
})(typeof self !== "undefined" ? self : window);
