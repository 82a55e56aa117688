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
    row.setAttribute("aria-busy", "true");
    fetch(form.action, {
      method: "POST",
      body: data,
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json();
    }).then(function (result) {
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
    }).catch(function () {
      // Fall back to an ordinary submission, keeping the button pressed.
      if (button && button.name) {
        var chosen = document.createElement("input");
        chosen.type = "hidden";
        chosen.name = button.name;
        chosen.value = button.value;
        form.appendChild(chosen);
      }
      form.submit();
    });
  });
})();
