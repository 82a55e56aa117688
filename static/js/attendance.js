// Attendance at the door: each tap is saved at once, without reloading the page.
// Without this script the same forms work by ordinary submission.
(function () {
  "use strict";
  var list = document.querySelector(".attendance-list");
  if (!list || !window.fetch || !window.FormData) { return; }

  list.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList.contains("attendance-form")) { return; }
    event.preventDefault();
    var data = new FormData(form);
    var button = event.submitter;
    if (button && button.name) { data.set(button.name, button.value); }
    var row = form.closest(".attendance-row");
    // formAction reads the page's address when the attribute is absent: ask for the attribute itself.
    var target = button && button.hasAttribute("formaction") ? button.formAction : form.action;
    function fallBack() {
      // An ordinary submission of the same button: the tap is never lost.
      row.removeAttribute("aria-busy");
      if (button && button.name) {
        var chosen = document.createElement("input");
        chosen.type = "hidden";
        chosen.name = button.name;
        chosen.value = button.value;
        form.appendChild(chosen);
      }
      form.action = target;
      form.submit();
    }
    if (target !== form.action) { fallBack(); return; }  // removal: a plain submission
    row.setAttribute("aria-busy", "true");
    fetch(target, {
      method: "POST",
      body: data,
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      if (!response.ok && response.status !== 422) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (result) {
      if (!result || !result.row) { throw new Error("no row"); }
      var holder = document.createElement("ul");
      holder.innerHTML = result.row;
      var fresh = holder.firstElementChild;
      row.replaceWith(fresh);
      var counts = document.getElementById("attendance-counts");
      var box = document.createElement("div");
      box.innerHTML = result.counts;
      counts.replaceWith(box.firstElementChild);
      var focus = fresh.querySelector(button && button.value ? 'button[value="' + button.value + '"]' : "button");
      if (focus) { focus.focus(); }
    }).catch(fallBack);
  });
})();
