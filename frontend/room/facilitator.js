// The facilitator's view: the point the meeting is at and its timer, refreshed on every open
// page (room, projection, members' follow view) by a conditional GET every 1.5 s (ETag,
// paused while the tab is hidden), so that a new point, a capture by another editor or a
// huis clos mark reaches every page without a reload. Without this script the pages show
// the state they were loaded with.
import { failure, fragment, sendInPlace } from "./page.js";

const EVERY = 1500;
const WARN_AT = 0.8;

// The timer against the point's planned duration, with words (not colour only) and an
// announcement when 80 % of it is spent and when it is over.
// The server's clock, as far as the answers' Date header tells it (a device's clock may be off).
let skew = 0;

function timerStates() {
  const announced = new Map();
  return function tick() {
    const timer = document.querySelector(".live-timer");
    if (!timer) return;
    const since = Date.parse(timer.dataset.since);
    const planned = Number(timer.dataset.planned) || 0;
    const spent = Math.max(0, Math.floor((Date.now() + skew - since) / 60000));
    const text = timer.querySelector(".live-timer-text");
    let state = "running";
    let words = planned ? `${spent} min écoulée${spent > 1 ? "s" : ""} sur ${planned} prévues` : `${spent} min écoulée${spent > 1 ? "s" : ""}`;
    if (planned && spent >= planned) {
      state = "over";
      words += spent > planned ? ` : temps prévu dépassé de ${spent - planned} min` : " : temps prévu atteint";
    } else if (planned && spent >= planned * WARN_AT) {
      state = "warning";
      words += ` : bientôt la fin du temps prévu (${planned - spent} min restantes)`;
    }
    text.textContent = words;
    timer.dataset.state = state;
    const key = timer.dataset.since;
    const announce = document.getElementById("annonce-minuteur");
    if (state !== "running" && announced.get(key) !== state && announce) {
      announced.set(key, state);
      announce.textContent =
        state === "over" ? "Temps prévu pour ce point dépassé." : "Attention : 80 % du temps prévu pour ce point est écoulé.";
    }
  };
}

function busy(region) {
  const active = document.activeElement;
  return (
    (active && region.contains(active) && active !== region) ||
    region.querySelector("details[open], form[data-sending]") !== null
  );
}

// A point or a section added since the page was loaded (by another editor, or on the agenda
// page): the page says so, with a button to reload it (what was typed is kept on the device
// until the server has it, and the reload sends it).
function announceAddedParts(fresh) {
  const panel = document.querySelector("[data-parts]");
  const keys = fresh.querySelector("#parties-en-direct");
  const notice = document.getElementById("partie-ajoutee");
  if (!panel || !keys || !notice || notice.childElementCount) return;
  const known = new Set(panel.dataset.parts.split(" "));
  const added = keys.dataset.keys.split(" ").filter((key) => key && !known.has(key));
  if (!added.length) return;
  const text = document.createElement("p");
  text.textContent = added.some((key) => key.startsWith("p"))
    ? "Un point a été ajouté à l’ordre du jour : actualisez la page pour y écrire."
    : "Une section a été ajoutée au compte-rendu : actualisez la page pour y écrire.";
  const button = document.createElement("button");
  button.type = "button";
  button.className = "btn btn-secondary btn-small";
  button.textContent = "Actualiser la page";
  button.addEventListener("click", () => window.location.reload());
  notice.classList.add("notice");
  notice.replaceChildren(text, button);
}

// Put the fresh pieces in place; the outcomes wait while someone corrects one of them.
function apply(html, tick) {
  const fresh = fragment(html);
  const point = fresh.querySelector("#point-en-cours");
  const current = document.getElementById("point-en-cours");
  const moved = point && current && point.dataset.item !== current.dataset.item;
  const live = document.getElementById("en-direct");
  if (live) {
    live.replaceChildren(fresh); // the projection and the follow view: all of it
  } else {
    if (point && current) current.replaceWith(point);
    const outcomes = fresh.querySelector("#releve");
    const shown = document.getElementById("releve");
    if (outcomes && shown && !busy(shown)) shown.replaceWith(outcomes);
    announceAddedParts(fresh);
  }
  if (moved) document.dispatchEvent(new CustomEvent("room:point", { detail: { item: point.dataset.item } }));
  tick();
}

export function setUpFacilitator() {
  const source = document.querySelector("[data-live]");
  const tick = timerStates();
  tick();
  setInterval(tick, 1000);
  if (!source) return;
  const url = source.dataset.live;
  let etag = null;
  let timer = null;

  async function refresh() {
    clearTimeout(timer);
    if (document.hidden) return;
    try {
      const headers = { "X-Fragment": "1", Accept: "text/html" };
      if (etag) headers["If-None-Match"] = etag;
      const response = await fetch(url, { headers, credentials: "same-origin", cache: "no-store", redirect: "manual" });
      const date = Date.parse(response.headers.get("Date") || "");
      if (!Number.isNaN(date)) skew = date - Date.now();
      if (response.status === 200) {
        etag = response.headers.get("ETag");
        apply(await response.text(), tick);
      }
    } catch {
      // offline for a moment: the next round tries again
    }
    timer = setTimeout(refresh, EVERY);
  }

  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) refresh();
  });
  timer = setTimeout(refresh, EVERY);

  // The facilitator moves the meeting on without leaving the page.
  const setPoint = document.querySelector("form.live-set-point");
  setPoint?.addEventListener("submit", async (event) => {
    event.preventDefault();
    let response = null;
    try {
      response = await sendInPlace(setPoint);
    } catch {
      response = null;
    }
    const state = setPoint.querySelector(".live-set-state");
    if (response && response.ok) {
      apply(await response.text(), tick);
      state.textContent = "Point en cours changé.";
      state.classList.remove("field-error");
    } else {
      state.textContent = response && response.status === 422 ? fragment(await response.text()).textContent.trim() : failure(response);
      state.classList.add("field-error");
    }
  });
}
