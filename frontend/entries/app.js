// Small acts without a full page load: htmx sends the forms marked hx-post/hx-get and swaps the
// fragment the server answers. Without this script the same forms work by ordinary submission.
import htmx from "htmx.org";
import { enableAgendaDragging } from "../enhance/agenda.js";
import { problemFor, showProblem, clearProblem } from "../enhance/problems.js";

window.htmx = htmx;

htmx.config.defaultFocusScroll = false;
htmx.config.scrollIntoViewOnBoost = false;
htmx.config.includeIndicatorStyles = false;  // no <style> element: the CSP allows only the site's sheet
htmx.config.allowEval = false;  // nor eval, nor scripts in fragments
htmx.config.allowScriptTags = false;
htmx.config.historyCacheSize = 0;  // a page coming back from history is asked again, never stale
// A form answered with its errors (422) is swapped like a success: the messages sit next to the fields.
htmx.config.responseHandling = [
  { code: "204", swap: false },
  { code: "[23]..", swap: true },
  { code: "422", swap: true },
  { code: "[45]..", swap: false, error: true },
];

function csrfToken() {
  const field = document.querySelector('input[name="csrf_token"]');
  return field ? field.value : "";
}

// Flask-WTF reads the token from this header as well as from the form's field.
document.addEventListener("htmx:configRequest", (event) => {
  const token = csrfToken();
  if (token) event.detail.headers["X-CSRFToken"] = token;
});

// A redirection to the sign-in page means the session has expired: never swap that page in.
document.addEventListener("htmx:beforeSwap", (event) => {
  const xhr = event.detail.xhr;
  if (xhr && xhr.responseURL && new URL(xhr.responseURL).pathname === "/connexion") {
    event.detail.shouldSwap = false;
    event.detail.isError = true;
    showProblem(event.detail.elt, "session", retryLater(event.detail));
  }
});

function retryLater(detail) {
  const source = detail.requestConfig ? detail.requestConfig.elt : detail.elt;
  const submitter = detail.requestConfig && detail.requestConfig.triggeringEvent
    ? detail.requestConfig.triggeringEvent.submitter : null;
  // A form is sent again, with the same button; a link followed again; a drag is done again by hand.
  if (source.tagName !== "FORM" && source.tagName !== "A") return null;
  return async () => {
    await refreshTokens();
    if (source.tagName === "FORM") source.requestSubmit(submitter && submitter.form === source ? submitter : undefined);
    else source.click();
  };
}

// After signing in again in another tab, the tokens of this page belong to the old session.
async function refreshTokens() {
  try {
    const response = await fetch(window.location.href, { credentials: "same-origin" });
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.querySelector('input[name="csrf_token"]');
    if (!fresh) return;
    document.querySelectorAll('input[name="csrf_token"]').forEach((field) => { field.value = fresh.value; });
  } catch {
    // Still offline: the retry will say so.
  }
}

document.addEventListener("htmx:responseError", (event) => {
  showProblem(event.detail.elt, problemFor(event.detail.xhr), retryLater(event.detail));
});

document.addEventListener("htmx:sendError", (event) => {
  showProblem(event.detail.elt, "network", retryLater(event.detail));
});

document.addEventListener("htmx:afterRequest", (event) => {
  if (event.detail.successful) clearProblem();
});

// What a fragment marks data-announce is read out by the page's live region (made at load, so
// that screen readers follow it), wherever the fragment landed.
document.addEventListener("DOMContentLoaded", () => {
  const live = document.createElement("div");
  live.id = "htmx-announce";
  live.className = "visually-hidden";
  live.setAttribute("role", "status");
  document.body.append(live);
});

document.addEventListener("htmx:afterSettle", (event) => {
  const root = event.detail.elt;
  const said = root && root.querySelector ? root.querySelector("[data-announce]") : null;
  const live = document.getElementById("htmx-announce");
  if (said && live) live.textContent = said.textContent;
});

// The server names, on the fragment's root, where the focus goes next (first id that exists).
document.addEventListener("htmx:afterSettle", (event) => {
  const root = event.detail.elt;
  const holder = root && root.closest ? root.closest("[data-focus]") || root.querySelector("[data-focus]") : null;
  if (!holder) return;
  for (const id of holder.dataset.focus.split(" ")) {
    const target = id && document.getElementById(id);
    if (target) {
      target.focus({ preventScroll: false });
      break;
    }
  }
  holder.removeAttribute("data-focus");
});

htmx.onLoad((content) => enableAgendaDragging(content));
