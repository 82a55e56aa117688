// The meeting room's keyboard: Alt+Page suivante / précédente move between agenda items.
// The text itself is written in the editors of static/build/room.js (frontend/room/), where
// the captures (Alt+D, Alt+A, Alt+E) are too; without script every part saves with its button.
(function () {
  "use strict";
  var items = Array.prototype.slice.call(document.querySelectorAll(".room-item[data-item]"));
  if (!items.length) { return; }
  function current() { return document.querySelector(".room-item.current") || items[0]; }
  function mark(item) {
    items.forEach(function (other) { other.classList.toggle("current", other === item); });
    document.querySelectorAll(".room-agenda a[data-item]").forEach(function (link) {
      if (link.dataset.item === item.dataset.item) { link.setAttribute("aria-current", "true"); } else { link.removeAttribute("aria-current"); }
    });
  }
  function writingField(item) {
    return item.querySelector(".rich-editor-text") || item.querySelector("textarea:not([hidden])");
  }
  items.forEach(function (item) { item.addEventListener("focusin", function () { mark(item); }); });
  document.addEventListener("keydown", function (event) {
    if (!event.altKey) { return; }
    var here = current();
    var index = items.indexOf(here);
    var target = null;
    if (event.key === "PageDown") { target = items[Math.min(items.length - 1, index + 1)]; }
    if (event.key === "PageUp") { target = items[Math.max(0, index - 1)]; }
    if (target) {
      event.preventDefault();
      mark(target);
      var field = writingField(target);
      if (field) { field.focus(); }
      target.scrollIntoView({ block: "start" });
      return;
    }
  });
})();
