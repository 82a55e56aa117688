// Relecture : le passage sélectionné dans le texte d'une partie du compte-rendu
// devient le « passage concerné » du commentaire de cette partie
// (à la souris, au clavier avec Maj, ou au doigt sur un écran tactile).
(function () {
  "use strict";
  function closest(node, selector) {
    while (node && node.nodeType !== 1) { node = node.parentNode; }
    return node ? node.closest(selector) : null;
  }
  function capture() {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed) { return; }
    // Starts in the text of a part (a triple click ends just after it, in the same part).
    var text = closest(selection.anchorNode, ".review-text");
    var part = text && text.closest(".review-part");
    if (!part || closest(selection.focusNode, ".review-part") !== part) { return; }
    var words = selection.toString().replace(/\s+/g, " ").trim().slice(0, 1000);
    var quote = part.querySelector(".comment-quote");
    if (!words || !quote) { return; }
    quote.value = words;
    var details = quote.closest("details");
    if (details) { details.open = true; }
  }
  document.addEventListener("mouseup", capture);
  document.addEventListener("keyup", function (event) {
    if (event.shiftKey) { capture(); }
  });
  var pending = null;
  // Selections made by touch end with no mouseup: follow them once they settle.
  document.addEventListener("selectionchange", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(capture, 400);
  });
}());

// Marquer un commentaire comme traité (ou le rouvrir) sans recharger la page : le fil
// renvoyé par le serveur remplace l'ancien. Sans script, le formulaire s'envoie tel quel.
(function () {
  "use strict";
  var announce = document.getElementById("annonces");
  // The facilitator's list of comments to deal with follows: a thread dealt with leaves it.
  function followWaitingList(threadId, resolved) {
    var list = document.getElementById("liste-a-traiter");
    var link = list && list.querySelector('a[href="#' + threadId + '"]');
    if (!link) { return; }
    link.closest("li").hidden = resolved;
    var count = document.getElementById("nombre-a-traiter");
    if (count) { count.textContent = list.querySelectorAll("li:not([hidden])").length; }
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("comment-resolve") || !window.fetch) { return; }
    event.preventDefault();
    var button = event.submitter || form.querySelector("button[name=action]");
    var data = new FormData(form);
    if (button && button.name) { data.set(button.name, button.value); }
    var error = form.querySelector(".comment-resolve-error");
    var thread = form.closest("article.comment");
    if (button) { button.disabled = true; }
    // form.getAttribute: the form holds a button named « action », which form.action would name.
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      if (!response.ok || response.redirected) {
        // 400: the page's token expired (a new session); a redirect: signed out.
        throw new Error(response.status === 400 || response.redirected
          ? "La page a expiré : rechargez-la puis recommencez." : "");
      }
      return response.text();
    }).then(function (html) {
      var holder = document.createElement("div");
      holder.innerHTML = html.trim();
      var fresh = holder.firstElementChild;
      thread.replaceWith(fresh);
      var again = fresh.querySelector(".comment-resolve button[name=action]");
      if (again) { again.focus(); }
      followWaitingList(fresh.id, button && button.value !== "reopen");
      if (announce) {
        announce.textContent = button && button.value === "reopen"
          ? "Commentaire rouvert." : "Commentaire marqué comme traité.";
      }
    }).catch(function (failure) {
      if (button) { button.disabled = false; }
      if (error) {
        error.textContent = " " + ((failure && failure.message) ||
          "Le changement n’a pas pu être enregistré (connexion ou session expirée) : réessayez.");
      }
    });
  });
}());
