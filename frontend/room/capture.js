// Captures in place: Alt+D, Alt+A, Alt+E (or the buttons) open the capture of a decision, an
// action or a finding with the focus in its text; Enter records it (Shift+Enter: a new line)
// without leaving the page; decisions, actions and findings are corrected or removed in place.
// Without this script the same forms post and come back to the room.
import { failure, fragment, sendInPlace } from "./page.js";

const SHORTCUTS = { d: "decision", a: "action", e: "finding" };

// The field one types the text into (never a hidden one, such as the CSRF token).
function firstField(form) {
  return form.querySelector("textarea, input[type=text]");
}

function typedFields(form) {
  return Array.from(form.querySelectorAll("textarea, input:not([type=hidden])"));
}

function say(form, message, error) {
  const state = form.querySelector(".capture-state");
  state.textContent = message;
  state.classList.toggle("field-error", Boolean(error));
}

function replaceOutcomes(html) {
  const fresh = fragment(html).querySelector("#releve");
  const current = document.getElementById("releve");
  if (fresh && current) current.replaceWith(fresh);
}

const DONE = {
  decision: "Décision ajoutée au relevé.",
  action: "Action ajoutée.",
  finding: "Élément de synthèse ajouté.",
};

async function capture(form) {
  if (form.dataset.sending) return;
  form.dataset.sending = "1";
  say(form, "Enregistrement…");
  let response = null;
  try {
    response = await sendInPlace(form);
  } catch {
    response = null;
  }
  delete form.dataset.sending;
  if (response && response.ok) {
    replaceOutcomes(await response.text());
    typedFields(form).forEach((field) => {
      field.value = "";
    });
    say(form, DONE[form.dataset.capture]);
    firstField(form).focus();
  } else if (response && response.status === 422) {
    // The form back with its errors next to its fields, the text kept.
    const fresh = fragment(await response.text()).querySelector("form[data-capture]");
    form.replaceWith(fresh);
    (fresh.querySelector("[aria-invalid=true]") || firstField(fresh)).focus();
  } else {
    say(form, failure(response), true);
  }
}

async function changeOutcome(form) {
  let response = null;
  try {
    response = await sendInPlace(form);
  } catch {
    response = null;
  }
  form.querySelector(".outcome-refusal")?.remove();
  if (response && response.ok) {
    replaceOutcomes(await response.text());
    document.getElementById("releve")?.focus();
    return;
  }
  const note = document.createElement("div");
  note.className = "outcome-refusal";
  note.setAttribute("role", "alert");
  if (response && (response.status === 409 || response.status === 422)) {
    note.append(fragment(await response.text()));
  } else {
    note.textContent = failure(response);
  }
  form.append(note);
}

export function setUpCaptures() {
  const panel = document.getElementById("saisie");
  if (!panel) return;

  // Opened from the notes of a point, a capture is about that point; otherwise it stays
  // with the point the meeting is at (the server's choice).
  function open(kind) {
    const details = document.getElementById(`saisie-${kind}`);
    const form = details.querySelector("form");
    const here = document.activeElement?.closest(".room-item[data-item]") || document.querySelector(".room-item.current");
    const select = form.querySelector("select[name$=agenda_item]");
    if (here && select && typedFields(form).every((field) => !field.value)) select.value = here.dataset.item;
    if (!panel.contains(document.activeElement)) returnTo = document.activeElement;
    details.open = true;
    firstField(form).focus();
  }

  // Escape closes the capture and goes back to where one was writing.
  let returnTo = null;
  panel.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const details = event.target.closest("details.capture-toggle");
    if (!details) return;
    details.open = false;
    (returnTo && document.contains(returnTo) ? returnTo : details.querySelector("summary")).focus();
  });

  // One capture open at a time, so that the panel stays small over the text.
  panel.addEventListener(
    "toggle",
    (event) => {
      if (!event.target.open) return;
      panel.querySelectorAll("details.capture-toggle[open]").forEach((other) => {
        if (other !== event.target) other.open = false;
      });
    },
    true,
  );

  document.addEventListener("keydown", (event) => {
    if (!event.altKey || event.ctrlKey || event.metaKey) return;
    const kind = SHORTCUTS[event.key.toLowerCase()];
    if (!kind) return;
    event.preventDefault();
    open(kind);
  });

  // Enter records, Shift+Enter makes a new line.
  panel.addEventListener("keydown", (event) => {
    const form = event.target.closest("form[data-capture]");
    if (!form || event.key !== "Enter" || event.shiftKey || event.isComposing) return;
    if (event.target.tagName !== "TEXTAREA") return; // a single-line field submits by itself
    event.preventDefault();
    form.requestSubmit();
  });

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.matches("form[data-capture]")) {
      event.preventDefault();
      capture(form);
    } else if (form.matches("form[data-outcome]")) {
      event.preventDefault();
      changeOutcome(form);
    }
  });

  // The facilitator moved the meeting on: new captures go to the new point, unless one is being typed.
  document.addEventListener("room:point", (event) => {
    panel.querySelectorAll("form[data-capture]").forEach((form) => {
      const select = form.querySelector("select[name$=agenda_item]");
      if (select && event.detail.item && typedFields(form).every((field) => !field.value)) {
        select.value = event.detail.item;
      }
    });
  });
}
