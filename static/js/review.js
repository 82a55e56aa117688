// Relecture : le passage sélectionné dans une partie du compte-rendu devient
// le « passage concerné » du commentaire de cette partie.
(function () {
  "use strict";
  function partOf(node) {
    while (node && node.nodeType !== 1) { node = node.parentNode; }
    return node ? node.closest(".review-part") : null;
  }
  function capture() {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed) { return; }
    var part = partOf(selection.anchorNode);
    if (!part || part !== partOf(selection.focusNode)) { return; }
    var text = selection.toString().replace(/\s+/g, " ").trim().slice(0, 1000);
    var quote = part.querySelector(".comment-quote");
    if (!text || !quote) { return; }
    quote.value = text;
    var details = quote.closest("details");
    if (details) { details.open = true; }
  }
  document.addEventListener("mouseup", capture);
  document.addEventListener("keyup", function (event) {
    if (event.shiftKey) { capture(); }
  });
}());
