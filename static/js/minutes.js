// The meeting room: autosave while typing, text kept on this device until the
// server confirms it (lost connection, reload, closed tab, expired login), both
// texts offered when someone else saved the same part, moving between points by keyboard
// (captures: frontend/room/capture.js).
// Without this script every part still saves with its button.
(function () {
  "use strict";
  var forms = Array.prototype.slice.call(document.querySelectorAll("form.minutes-part"));
  if (!forms.length || !window.fetch || !window.localStorage) { return; }
  var room = document.querySelector(".room");
  var tokenInput = document.querySelector('input[name="csrf_token"]');
  var token = tokenInput ? tokenInput.value : "";
  var meetingId = forms[0].dataset.meeting;
  var pending = new Set();
  var DELAY = 1500;

  // Kept per person: on a shared device nobody else's text is ever sent under one's name.
  function storeKey(form) {
    return "groupes:compte-rendu:" + form.dataset.user + ":" + form.dataset.meeting + ":" + form.dataset.key;
  }
  function field(form, name) { return form.querySelector('[name="' + name + '"]'); }
  function text(form) { return field(form, "body").value; }
  function heading(form) { var h = field(form, "heading"); return h ? h.value : null; }

  function say(form, message, kind) {
    var state = form.querySelector(".save-state");
    state.textContent = message;
    state.className = "save-state" + (kind ? " " + kind : "");
  }

  function remember(form) {
    localStorage.setItem(storeKey(form), JSON.stringify({
      body: text(form), heading: heading(form), base: field(form, "base_version").value, at: Date.now()
    }));
  }
  function stored(form) {
    try { return JSON.parse(localStorage.getItem(storeKey(form)) || "null"); } catch (e) { return null; }
  }
  function forget(form) { localStorage.removeItem(storeKey(form)); }

  function later(form) {
    clearTimeout(form._timer);
    if (form._conflict) { return; }  // nothing leaves before the writer has chosen
    form._timer = setTimeout(function () { save(form); }, DELAY);
  }

  function now() {
    var d = new Date();
    return d.getHours() + " h " + String(d.getMinutes()).padStart(2, "0");
  }

  function refreshToken() {
    return fetch("/reunions/" + meetingId + "/compte-rendu/jeton", {
      headers: { "Accept": "application/json" }, credentials: "same-origin"
    }).then(function (response) {
      if (!response.ok) { throw new Error("login"); }
      return response.json();
    }).then(function (result) { token = result.csrf_token; });
  }

  function loginNeeded(form) {
    say(form, "Session expirée : reconnectez-vous dans un autre onglet (lien « Se connecter »). Votre texte est gardé ici et partira dès la reconnexion.", "error");
    pending.add(form);
    var link = document.getElementById("reconnexion");
    if (!link) {
      link = document.createElement("p");
      link.id = "reconnexion";
      link.className = "warning";
      link.innerHTML = '<a href="/connexion" target="_blank" rel="noopener">Se connecter dans un nouvel onglet</a>, puis revenir ici : rien n’est perdu.';
      room.parentNode.insertBefore(link, room);
    }
  }

  function save(form, retried) {
    if (form._conflict) { return; }
    if (form._saving) { form._again = true; return; }
    var body = new FormData(form);
    body.set("csrf_token", token);
    var sent = text(form);
    form._saving = true;
    say(form, "Enregistrement…");
    fetch(form.action, {
      method: "POST", body: body, credentials: "same-origin", headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (result) { return { status: response.status, result: result }; });
    }).then(function (answer) {
      var result = answer.result;
      if (answer.status === 200 && result.ok) {
        field(form, "base_version").value = result.version;
        pending.delete(form);
        var banner = document.getElementById("reconnexion");
        if (banner) { banner.remove(); }
        if (text(form) === sent) {
          forget(form);
          say(form, "Enregistré à " + now() + " (version " + result.version + ")");
        } else {
          remember(form);
          later(form);
        }
      } else if (answer.status === 409) {
        showConflict(form, result);
      } else if (answer.status === 401 || (answer.status === 400 && result.error === "csrf")) {
        if (retried) { loginNeeded(form); return; }
        refreshToken().then(function () { form._saving = false; save(form, true); }, function () { loginNeeded(form); });
        return "retrying";
      } else {
        say(form, (result.message || "Enregistrement refusé.") + " Votre texte reste gardé sur cet appareil.", "error");
      }
    }).catch(function () {
      pending.add(form);
      say(form, "Hors ligne : le texte est gardé sur cet appareil et partira au retour du réseau.", "unsaved");
    }).then(function (outcome) {
      if (outcome === "retrying") { return; }
      form._saving = false;
      if (form._again) { form._again = false; later(form); }
    });
  }

  // Someone saved the same part: show both texts, let the writer choose or merge.
  // Until then the part keeps the version it started from, so no save (autosave,
  // reload, retry) can overwrite the other text: the server would refuse it again.
  var panel = document.getElementById("conflit");
  var waiting = [];
  function showConflict(form, result) {
    form._conflict = { version: result.version, theirs: result.theirs, by: result.by };
    pending.delete(form);
    remember(form);
    say(form, "Deux versions : à départager.", "error");
    if (waiting.indexOf(form) < 0) { waiting.push(form); }
    if (waiting[0] === form) { openPanel(form); }
  }
  function openPanel(form) {
    var conflict = form._conflict;
    panel.querySelector(".conflict-who").textContent = conflict.by + " a enregistré ce passage pendant que vous écriviez. Rien n’est perdu.";
    panel.querySelector(".conflict-mine").value = text(form);
    panel.querySelector(".conflict-theirs").value = conflict.theirs;
    panel.hidden = false;
    panel.querySelector(".conflict-mine").focus();
  }
  function resolve(body, keepMine) {
    var form = waiting.shift();
    var conflict = form._conflict;
    form._conflict = null;
    panel.hidden = true;
    field(form, "body").value = body;
    field(form, "base_version").value = conflict.version;
    if (keepMine) {
      remember(form);
      save(form);
    } else {
      forget(form);
      say(form, "Texte enregistré repris (version " + conflict.version + ").");
    }
    field(form, "body").focus();
    if (waiting.length) { openPanel(waiting[0]); }
  }
  if (panel) {
    panel.querySelector(".conflict-keep-mine").addEventListener("click", function () {
      resolve(panel.querySelector(".conflict-mine").value, true);
    });
    panel.querySelector(".conflict-take-theirs").addEventListener("click", function () {
      resolve(panel.querySelector(".conflict-theirs").value, false);
    });
    panel.querySelector(".conflict-merge").addEventListener("click", function () {
      var mine = panel.querySelector(".conflict-mine");
      mine.value = panel.querySelector(".conflict-theirs").value + "\n\n" + mine.value;
      mine.focus();
    });
  }

  forms.forEach(function (form) {
    // Text left on this device by a reload, a closed tab or a lost connection.
    var kept = stored(form);
    if (kept && (kept.body !== text(form) || (kept.heading !== null && kept.heading !== heading(form)))) {
      field(form, "body").value = kept.body;
      if (kept.heading !== null && field(form, "heading")) { field(form, "heading").value = kept.heading; }
      field(form, "base_version").value = kept.base;
      say(form, "Texte repris de cet appareil, pas encore enregistré.", "unsaved");
      save(form);
    } else if (kept) {
      forget(form);
    }
    form.addEventListener("input", function () {
      remember(form);
      say(form, "Modifié, pas encore enregistré.", "unsaved");
      later(form);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(form._timer);
      save(form);
    });
    var toggle = form.querySelector(".preview-toggle");
    var preview = form.querySelector(".preview");
    if (toggle) {
      toggle.hidden = false;
      toggle.addEventListener("click", function () {
        if (!preview.hidden) { preview.hidden = true; toggle.textContent = "Aperçu"; return; }
        var data = new FormData();
        data.set("body", text(form));
        data.set("csrf_token", token);
        fetch("/reunions/" + meetingId + "/compte-rendu/apercu", {
          method: "POST", body: data, credentials: "same-origin", headers: { "Accept": "application/json" }
        }).then(function (r) { return r.json(); }).then(function (result) {
          preview.innerHTML = result.html;  // sanitised by the server
          preview.hidden = false;
          toggle.textContent = "Masquer l’aperçu";
        });
      });
    }
  });

  // Text kept on this device for a part that no longer exists (deleted meanwhile):
  // shown so that it can still be copied, never dropped silently.
  var known = new Set(forms.map(storeKey));
  var prefix = "groupes:compte-rendu:" + forms[0].dataset.user + ":" + meetingId + ":";
  Object.keys(localStorage).forEach(function (key) {
    if (key.indexOf(prefix) !== 0 || known.has(key)) { return; }
    var kept = null;
    try { kept = JSON.parse(localStorage.getItem(key)); } catch (e) { return; }
    if (!kept || !kept.body) { localStorage.removeItem(key); return; }
    var box = document.createElement("section");
    box.className = "warning orphan";
    var title = document.createElement("p");
    title.textContent = "Texte gardé sur cet appareil pour une partie qui n’existe plus : copiez-le où il faut, puis effacez-le.";
    var area = document.createElement("textarea");
    area.readOnly = true;
    area.rows = 5;
    area.value = kept.body;
    area.setAttribute("aria-label", "Texte non enregistré");
    var clear = document.createElement("button");
    clear.type = "button";
    clear.className = "button-secondary small";
    clear.textContent = "Effacer ce texte de l’appareil";
    clear.addEventListener("click", function () { localStorage.removeItem(key); box.remove(); });
    box.append(title, area, clear);
    room.parentNode.insertBefore(box, room);
  });

  window.addEventListener("online", function () { pending.forEach(function (form) { save(form); }); });
  setInterval(function () { pending.forEach(function (form) { save(form); }); }, 15000);
  window.addEventListener("beforeunload", function () { forms.forEach(function (form) { if (pending.has(form)) { remember(form); } }); });

  // The current agenda item follows the focus; shortcuts move between items and capture.
  var items = Array.prototype.slice.call(document.querySelectorAll(".room-item[data-item]"));
  function current() { return document.querySelector(".room-item.current") || items[0]; }
  function mark(item) {
    items.forEach(function (other) { other.classList.toggle("current", other === item); });
    document.querySelectorAll(".room-agenda a[data-item]").forEach(function (link) {
      if (link.dataset.item === item.dataset.item) { link.setAttribute("aria-current", "true"); } else { link.removeAttribute("aria-current"); }
    });
  }
  items.forEach(function (item) { item.addEventListener("focusin", function () { mark(item); }); });
  document.addEventListener("keydown", function (event) {
    if (!event.altKey || !items.length) { return; }
    var here = current();
    var index = items.indexOf(here);
    var target = null;
    if (event.key === "PageDown") { target = items[Math.min(items.length - 1, index + 1)]; }
    if (event.key === "PageUp") { target = items[Math.max(0, index - 1)]; }
    if (target) {
      event.preventDefault();
      mark(target);
      target.querySelector("textarea").focus();
      target.scrollIntoView({ block: "start" });
    }
  });
})();
