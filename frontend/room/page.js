// Shared by the room's scripts: sending a form in place and reading a piece of page.

// The elements of an HTML fragment answered by the server (sanitised server-side templates).
export function fragment(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  return template.content;
}

// Send a form without leaving the page; the server answers a piece of page (X-Fragment).
// A redirect (to the sign-in page) is not followed: it means the session ended.
export function sendInPlace(form) {
  return fetch(form.action, {
    method: "POST",
    body: new FormData(form),
    credentials: "same-origin",
    redirect: "manual",
    headers: { "X-Fragment": "1", Accept: "text/html" },
  });
}

// Why a send failed, in French, saying that the text typed is still there.
export function failure(response) {
  if (!response) {
    return "Hors ligne : rien n’a été enregistré. Votre texte reste dans le champ ; renvoyez-le au retour du réseau.";
  }
  if (response.type === "opaqueredirect" || response.status === 401) {
    return "Session terminée : reconnectez-vous dans un autre onglet, puis renvoyez. Votre texte reste dans le champ.";
  }
  if (response.status === 404 || response.status === 403) {
    return "Saisie refusée : vous ne pouvez plus modifier ce compte-rendu (droits retirés). Votre texte reste dans le champ : copiez-le pour le garder.";
  }
  if (response.status === 400) {
    return "Saisie refusée : la page est trop ancienne. Copiez votre texte, rechargez la page, puis renvoyez-le.";
  }
  return "Enregistrement impossible pour l’instant. Votre texte reste dans le champ : réessayez.";
}
