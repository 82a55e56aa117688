// Co-writing over plain HTTP: each part of the minutes is a Yjs document. Local changes are
// posted (JSON, base64, CSRF header) and kept until the server has them, on this device too
// (localStorage), so that a lost connection, a closed tab or an expired login loses nothing;
// the others' changes arrive by a long-poll from a cursor. Yjs merges both ways.
import * as Y from "yjs";

const REMOTE = "server";

function toBase64(bytes) {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(text);
}

function fromBase64(text) {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class RoomSync {
  // events: status(key, state), presence(list), refused(key, message), login(expired), lost(message)
  constructor({ meetingId, userId, token, events }) {
    this.base = `/reunions/${meetingId}/compte-rendu`;
    this.storePrefix = `groupes:direct:${userId}:${meetingId}:`;
    this.token = token;
    this.events = events;
    this.parts = new Map();
    this.cursor = 0;
    this.here = "";
    this.stopped = false;
    this.loginNeeded = false;
  }

  request(url, options = {}) {
    const headers = { Accept: "application/json", ...(options.headers || {}) };
    return fetch(url, { credentials: "same-origin", ...options, headers });
  }

  // Every part's document from the server, with what this device kept unsent.
  async open() {
    const response = await this.request(`${this.base}/direct/parties`);
    if (!response.ok) throw new Error(`parts ${response.status}`);
    const result = await response.json();
    this.cursor = result.cursor;
    this.editable = result.editable;
    for (const [key, state] of Object.entries(result.parts)) this.adopt(key, state);
    this.follow();
    return this.parts;
  }

  adopt(key, state) {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, fromBase64(state), REMOTE);
    const part = { key, doc, pending: [], sending: false, timer: null };
    this.parts.set(key, part);
    const kept = this.kept(key);
    if (kept) {
      part.pending.push(kept);
      Y.applyUpdate(doc, kept, "device");
    }
    doc.on("update", (update, origin) => {
      if (origin === REMOTE) return;
      part.pending.push(update);
      this.keep(part);
      this.events.status(key, "unsent");
      // Sent at most 120 ms after the first unsent keystroke, even while the typing goes on.
      if (part.timer === null) this.schedule(part, 120);
    });
    if (part.pending.length) this.schedule(part, 0);
    return part;
  }

  // A part whose change the server refused starts again from the server's document.
  async reopen(key) {
    const part = this.parts.get(key);
    if (part) { clearTimeout(part.timer); part.doc.destroy(); }
    this.parts.delete(key);
    localStorage.removeItem(this.storePrefix + key);
    const response = await this.request(`${this.base}/direct/parties`);
    const result = await response.json();
    this.editable = result.editable;
    return this.adopt(key, result.parts[key]);
  }

  kept(key) {
    const text = localStorage.getItem(this.storePrefix + key);
    if (!text) return null;
    try { return fromBase64(text); } catch (e) { return null; }
  }

  keep(part) {
    try {
      if (part.pending.length) {
        localStorage.setItem(this.storePrefix + part.key, toBase64(Y.mergeUpdates(part.pending)));
      } else {
        localStorage.removeItem(this.storePrefix + part.key);
      }
    } catch (e) { /* a full storage: the text stays in memory */ }
  }

  schedule(part, delay) {
    clearTimeout(part.timer);
    part.timer = setTimeout(() => {
      part.timer = null;
      this.send(part);
    }, delay);
  }

  async refreshToken() {
    const response = await this.request(`${this.base}/jeton`);
    if (!response.ok) throw new Error("login");
    this.token = (await response.json()).csrf_token;
  }

  async send(part) {
    if (part.sending || !part.pending.length || this.stopped) return;
    part.sending = true;
    const count = part.pending.length;
    const update = Y.mergeUpdates(part.pending.slice(0, count));
    this.events.status(part.key, "sending");
    let retry = 0;
    try {
      const response = await this.request(`${this.base}/direct`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": this.token },
        body: JSON.stringify({ key: part.key, update: toBase64(update) }),
      });
      let result = {};
      try { result = await response.json(); } catch (e) { /* an error page */ }
      if (response.ok) {
        part.pending.splice(0, count);
        this.keep(part);
        this.sessionBack();
        this.events.status(part.key, part.pending.length ? "unsent" : "saved");
        if (part.pending.length) retry = 50;
      } else if (response.status === 401 || (response.status === 400 && result.error === "csrf")) {
        try {
          await this.refreshToken();
          retry = 10;
        } catch (e) {
          this.sessionLost();
          retry = 4000;
        }
      } else if (response.status === 422) {
        this.events.refused(part.key, result.message || "Modification refusée.");
      } else if (response.status === 404 || response.status === 403) {
        this.stop();
        this.events.lost("Vous ne pouvez plus modifier ce compte-rendu : rien n’a été enregistré depuis. Copiez votre texte ci-dessous pour le garder.");
      } else {
        retry = 3000;
        this.events.status(part.key, "offline");
      }
    } catch (e) {
      retry = 2000;
      this.events.status(part.key, "offline");
    } finally {
      part.sending = false;
    }
    if (retry && !this.stopped) this.schedule(part, retry);
  }

  sessionLost() {
    if (!this.loginNeeded) { this.loginNeeded = true; this.events.login(true); }
  }

  sessionBack() {
    if (this.loginNeeded) {
      this.loginNeeded = false;
      this.events.login(false);
      this.parts.forEach((part) => this.schedule(part, 0));
    }
  }

  // The long-poll: the others' changes and who is in the room, from the cursor.
  async follow() {
    while (!this.stopped) {
      try {
        const here = encodeURIComponent(this.here);
        this.waiting = new AbortController();
        const response = await this.request(`${this.base}/direct?depuis=${this.cursor}&partie=${here}`, {
          signal: this.waiting.signal,
        });
        if (response.status === 401) {
          this.sessionLost();
          await wait(4000);
          continue;
        }
        if (response.status === 404 || response.status === 403) {
          this.stop();
          this.events.lost("Vous ne pouvez plus modifier ce compte-rendu : rien n’a été enregistré depuis. Copiez votre texte ci-dessous pour le garder.");
          return;
        }
        if (!response.ok) { await wait(3000); continue; }
        const result = await response.json();
        this.sessionBack();
        for (const change of result.changes) {
          const part = this.parts.get(change.key);
          if (part) Y.applyUpdate(part.doc, fromBase64(change.update), REMOTE);
        }
        this.cursor = result.cursor;
        this.events.presence(result.present);
        this.parts.forEach((part) => { if (part.pending.length && !part.sending) this.schedule(part, 0); });
      } catch (e) {
        if (e.name === "AbortError") continue;  // moved to another part: say so at once
        this.parts.forEach((part) => { if (part.pending.length) this.events.status(part.key, "offline"); });
        await wait(2000);
      }
    }
  }

  // Where this editor writes: the waiting long-poll is replaced by one that says so.
  at(key) {
    if (key === this.here) return;
    this.here = key;
    if (this.waiting) this.waiting.abort();
  }

  stop() { this.stopped = true; }
}
