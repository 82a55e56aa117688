// A request that failed says so in French, in a live region, and keeps everything typed:
// nothing is swapped, and a button retries the same request.

const MESSAGES = {
  network: "La connexion au serveur a échoué : rien n’a été enregistré. Vérifiez votre connexion puis réessayez ; ce que vous avez saisi est conservé.",
  session: "Votre session a expiré : rien n’a été enregistré. Reconnectez-vous dans un autre onglet, puis revenez ici et réessayez ; ce que vous avez saisi est conservé.",
  csrf: "La page a expiré : rien n’a été enregistré. Si vous vous êtes déconnecté·e, reconnectez-vous dans un autre onglet, puis réessayez ; ce que vous avez saisi est conservé.",
  missing: "Cet élément n’existe plus ou ne vous est plus accessible : rien n’a été enregistré. Rechargez la page.",
  server: "Une erreur est survenue de notre côté : rien n’a été enregistré. Réessayez dans un moment ; ce que vous avez saisi est conservé.",
};

export function problemFor(xhr) {
  if (!xhr) return "network";
  if (xhr.status === 401) return "session";
  if (xhr.status === 400 && /"csrf"/.test(xhr.responseText || "")) return "csrf";
  if (xhr.status === 404) return "missing";
  return "server";
}

function region() {
  let box = document.getElementById("request-problem");
  if (!box) {
    box = document.createElement("div");
    box.id = "request-problem";
    box.className = "request-problem";
    box.setAttribute("role", "alert");
    (document.querySelector("main") || document.body).prepend(box);
  }
  return box;
}

export function showProblem(source, kind, retry) {
  const box = region();
  box.replaceChildren();
  const message = document.createElement("p");
  message.className = "message message-error";
  message.textContent = MESSAGES[kind];
  if (retry) {
    const again = document.createElement("button");
    again.type = "button";
    again.className = "btn btn-secondary btn-small";
    again.textContent = "Réessayer";
    again.addEventListener("click", () => { box.replaceChildren(); retry(); });
    message.append(" ", again);
  }
  box.append(message);
  box.dataset.kind = kind;
  if (source && source.closest) source.closest("[aria-busy]")?.removeAttribute("aria-busy");
}

export function clearProblem() {
  const box = document.getElementById("request-problem");
  if (box) box.replaceChildren();
}

// Made at once, so that screen readers know the region before anything is written in it.
document.addEventListener("DOMContentLoaded", region);
