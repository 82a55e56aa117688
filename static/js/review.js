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
