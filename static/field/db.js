/* FieldApp phone storage: a small promise wrapper over IndexedDB.
 * Everything captured lives here until the server confirms it (see sync.js).
 * Loaded by the page and by the service worker (importScripts), so no modules. */
(function (root) {
  "use strict";
  const FA = (root.FA = root.FA || {});
  const NAME = "fieldapp";
  const VERSION = 1;
  const STORES = {
    visits: { keyPath: "id" },
    findings: { keyPath: "id", index: "visit" },
    photos: { keyPath: "id", index: "owner" },
    signatures: { keyPath: "id", index: "visit" },
    outbox: { keyPath: "seq", autoIncrement: true },
    cache: { keyPath: "key" }, // categories, projects, units, me, token, last sync
  };
  let opening = null;

  function promisify(request) {
    return new Promise((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  function open() {
    if (opening) return opening;
    opening = new Promise((resolve, reject) => {
      const request = indexedDB.open(NAME, VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        for (const [name, spec] of Object.entries(STORES)) {
          if (db.objectStoreNames.contains(name)) continue;
          const store = db.createObjectStore(name, {
            keyPath: spec.keyPath, autoIncrement: !!spec.autoIncrement,
          });
          if (spec.index) store.createIndex(spec.index, spec.index);
        }
      };
      request.onsuccess = () => {
        const db = request.result;
        db.onversionchange = () => { db.close(); opening = null; };
        resolve(db);
      };
      request.onerror = () => { opening = null; reject(request.error); };
    });
    return opening;
  }

  /* Run fn(stores...) in one transaction; resolves when the transaction commits. */
  async function tx(names, mode, fn) {
    const db = await open();
    const list = Array.isArray(names) ? names : [names];
    const t = db.transaction(list, mode);
    const done = new Promise((resolve, reject) => {
      t.oncomplete = () => resolve();
      t.onerror = () => reject(t.error);
      t.onabort = () => reject(t.error || new Error("transaction aborted"));
    });
    const result = await fn(...list.map((n) => t.objectStore(n)));
    await done;
    return result;
  }

  FA.db = {
    open,
    tx,
    get: (store, key) => tx(store, "readonly", (s) => promisify(s.get(key))),
    all: (store) => tx(store, "readonly", (s) => promisify(s.getAll())),
    byIndex: (store, index, value) =>
      tx(store, "readonly", (s) => promisify(s.index(index).getAll(value))),
    put: (store, value) => tx(store, "readwrite", (s) => promisify(s.put(value))),
    del: (store, key) => tx(store, "readwrite", (s) => promisify(s.delete(key))),
    count: (store) => tx(store, "readonly", (s) => promisify(s.count())),
    promisify,
    async getCached(key) {
      const row = await FA.db.get("cache", key);
      return row ? row.value : undefined;
    },
    setCached: (key, value) => FA.db.put("cache", { key, value, at: Date.now() }),
  };
})(typeof self !== "undefined" ? self : window);
