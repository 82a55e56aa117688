// The room's parts as live editors: opens every part's shared document, replaces each
// textarea by an editor, shows who is on which part and what became of the text. Without
// JavaScript, or when the documents cannot be opened, the forms of the page stay as they are.
import { RoomSync } from "./sync.js";
import { mountEditor } from "./editor.js";

const EXPIRED = "Votre session a expiré : reconnectez-vous dans un autre onglet, votre texte est conservé.";
const OFFLINE = "Hors ligne : votre texte est gardé sur cet appareil et partira au retour du réseau.";

function clock() {
  const now = new Date();
  return `${now.getHours()} h ${String(now.getMinutes()).padStart(2, "0")}`;
}

function say(key, text, kind) {
  const state = document.getElementById(`etat-${key}`);
  if (!state || state.textContent === text) return;
  state.textContent = text;
  state.className = "save-state" + (kind ? ` ${kind}` : "");
}

// What was typed, offered back to copy when the server refuses it.
function offerBack(where, message, text) {
  const box = document.createElement("div");
  box.className = "message message-error offered-back";
  box.setAttribute("role", "alert");
  const title = document.createElement("p");
  title.textContent = message;
  const label = document.createElement("p");
  label.textContent = "Votre texte, à copier :";
  const copy = document.createElement("textarea");
  copy.readOnly = true;
  copy.rows = 5;
  copy.value = text;
  copy.setAttribute("aria-label", "Votre texte non enregistré");
  const close = document.createElement("button");
  close.type = "button";
  close.className = "btn btn-secondary btn-small";
  close.textContent = "Fermer";
  close.addEventListener("click", () => box.remove());
  box.append(title, label, copy, close);
  where.append(box);
  return box;
}

export async function startCowriting() {
  const fields = Array.from(document.querySelectorAll(".part-field[data-part]"));
  const first = document.querySelector("form.minutes-part");
  if (!fields.length || !first || !window.fetch || !window.localStorage) return;
  const room = document.querySelector(".room");
  const editors = new Map();
  let sync;

  const events = {
    status(key, state) {
      if (state === "saved") say(key, `Enregistré à ${clock()}`);
      else if (state === "offline") say(key, OFFLINE, "unsaved");
      else if (state === "unsent") say(key, "Modifié, en cours d’envoi…", "unsaved");
    },
    presence(people) {
      const byKey = new Map();
      for (const person of people) {
        if (person.me || !person.key) continue;
        if (!byKey.has(person.key)) byKey.set(person.key, []);
        byKey.get(person.key).push(person.name);
      }
      document.querySelectorAll(".part-presence").forEach((line) => {
        const names = byKey.get(line.dataset.key) || [];
        line.textContent = names.length ? `Écrit aussi ici : ${names.join(", ")}` : "";
      });
    },
    login(expired) {
      let banner = document.getElementById("reconnexion");
      if (!expired) { if (banner) banner.remove(); return; }
      if (banner) return;
      banner = document.createElement("div");
      banner.id = "reconnexion";
      banner.className = "message message-warning";
      banner.setAttribute("role", "alert");
      const text = document.createElement("p");
      text.textContent = EXPIRED + " ";
      const link = document.createElement("a");
      link.href = "/connexion";
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = "Se connecter dans un nouvel onglet";
      text.append(link);
      banner.append(text);
      room.parentNode.insertBefore(banner, room);
    },
    async refused(key, message) {
      const mounted = editors.get(key);
      const field = mounted.field;
      offerBack(field.parentNode, `${message} Votre dernière modification n’a pas été enregistrée.`, mounted.editor.getText({ blockSeparator: "\n\n" }));
      say(key, "Modification refusée : le texte enregistré est repris.", "error");
      mounted.destroy();
      const part = await sync.reopen(key);
      mount(field, part);
    },
    lost(message) {
      const texts = [];
      editors.forEach((mounted) => {
        mounted.editor.setEditable(false);
        texts.push(mounted.editor.getText({ blockSeparator: "\n\n" }));
      });
      offerBack(room.parentNode.insertBefore(document.createElement("div"), room), message, texts.join("\n\n"));
    },
  };

  function mount(field, part) {
    const key = field.dataset.part;
    const mounted = mountEditor(field, part.doc, {
      editable: sync.editable,
      labelId: `etiquette-${key}`,
      describedBy: `etat-${key}`,
    });
    mounted.field = field;
    mounted.editor.on("focus", () => sync.at(key));
    editors.set(key, mounted);
  }

  sync = new RoomSync({
    meetingId: first.dataset.meeting,
    userId: first.dataset.user,
    token: first.querySelector('input[name="csrf_token"]').value,
    events,
  });
  let parts;
  try {
    parts = await sync.open();
  } catch (e) {
    return;  // the forms stay: the text is saved with their buttons
  }
  for (const field of fields) {
    const part = parts.get(field.dataset.part);
    if (!part) continue;
    mount(field, part);
    const form = field.closest("form");
    form.querySelectorAll(".part-save").forEach((button) => button.remove());
    const heading = form.querySelector('input[name="heading"]');
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (heading) saveHeading(form, heading, sync);
    });
    if (heading) heading.addEventListener("change", () => saveHeading(form, heading, sync));
  }
  document.documentElement.classList.add("cowriting");
}

// A free section's title is still saved as a form field (it is not part of the document).
async function saveHeading(form, heading, sync) {
  const data = new FormData();
  data.set("csrf_token", sync.token);
  data.set("key", form.dataset.key);
  data.set("heading", heading.value);
  data.set("heading_only", "1");
  data.set("base_version", "0");
  data.set("body", "");
  const response = await fetch(form.action, { method: "POST", body: data, credentials: "same-origin", headers: { Accept: "application/json" } });
  const key = form.dataset.key;
  if (response.ok) say(key, `Titre enregistré à ${clock()}`);
  else {
    let message = "Titre non enregistré.";
    try { message = (await response.json()).message || message; } catch (e) { /* an error page */ }
    say(key, message, "error");
  }
}
