// casedesk portal: small enhancements only. Every form works without this
// file; it adds drag and drop for attachments, article suggestions while a
// title is typed, the suggested severity, out-of-scope guidance as soon as a
// topic is chosen, and instant language and customer switching.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function ready(f) {
    if (document.readyState !== "loading") f(); else document.addEventListener("DOMContentLoaded", f);
  }

  ready(function () {
    // Selects that submit their form when changed.
    document.querySelectorAll("select[data-autosubmit]").forEach(function (s) {
      s.addEventListener("change", function () { s.form.submit(); });
    });

    // Drag and drop onto file inputs: dropped files join those chosen.
    document.querySelectorAll("[data-dropzone]").forEach(function (zone) {
      var input = zone.querySelector("input[type=file]");
      if (!input || typeof DataTransfer === "undefined") return;
      ["dragenter", "dragover"].forEach(function (t) {
        zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.add("over"); });
      });
      ["dragleave", "drop"].forEach(function (t) {
        zone.addEventListener(t, function () { zone.classList.remove("over"); });
      });
      zone.addEventListener("drop", function (e) {
        e.preventDefault();
        var dt = new DataTransfer();
        Array.prototype.forEach.call(input.files, function (f) { dt.items.add(f); });
        Array.prototype.forEach.call(e.dataTransfer.files, function (f) { dt.items.add(f); });
        input.files = dt.files;
        input.dispatchEvent(new Event("change"));
      });
    });

    // A failed form's error summary takes focus (autofocus may have been
    // taken first), and its links move focus to the control they name.
    var summary = document.getElementById("error-summary");
    if (summary) {
      if (document.activeElement !== summary) summary.focus();
      summary.addEventListener("click", function (e) {
        var a = e.target.closest("a[href^='#']");
        var el = a && document.getElementById(a.getAttribute("href").slice(1));
        if (!el) return;
        e.preventDefault();
        el.focus();
        el.scrollIntoView({block: "center"});
      });
    }

    // Live updates on a request's page: say when it changed, offer to show it.
    var live = document.getElementById("live");
    if (live && window.EventSource) {
      var es = new EventSource(live.getAttribute("data-url"));
      es.addEventListener("changed", function () { live.hidden = false; });
      window.addEventListener("pagehide", function () { es.close(); });
    }

    var form = document.getElementById("new-request");
    if (!form) return;

    // Technical-only parts of the form follow the chosen category.
    function category() {
      var c = form.querySelector("input[name=category]:checked");
      return c ? c.value : "technical";
    }
    function showTechnical() {
      var tech = category() === "technical";
      form.querySelectorAll("[data-for=technical]").forEach(function (el) { el.hidden = !tech; });
      scope();
    }
    form.querySelectorAll("input[data-category]").forEach(function (r) { r.addEventListener("change", showTechnical); });

    // Out-of-scope topics: show the guidance at once.
    var topic = document.getElementById("topic"), live = document.getElementById("scope-live");
    function scope() {
      if (!topic || !live) return;
      var text = category() === "technical" ? live.getAttribute("data-" + topic.value) : null;
      // The page already answers this topic with its guidance (the form was
      // sent with it): saying it again beside the field would print it twice.
      var shown = document.getElementById("guidance");
      if (shown && shown.getAttribute("data-topic") === topic.value) text = null;
      live.hidden = !text;
      live.textContent = text || "";
      live.classList.toggle("guidance", !!text);
    }
    if (topic) topic.addEventListener("change", scope);

    // The severity the impact answers point to (casedesk.Impact.SuggestSeverity).
    var out = document.getElementById("suggested"), sev = document.getElementById("suggested-sev");
    function suggest() {
      if (!out || !sev) return;
      var val = function (n) { var el = form.querySelector("[name=" + n + "]:checked") || form.querySelector("[name=" + n + "]"); return el ? el.value : ""; };
      var unreachable = val("unreachable") === "yes", workaround = val("workaround") === "yes";
      var users = val("users"), many = users === "several" || users === "many";
      var deadline = (form.querySelector("[name=deadline]") || {}).value || "";
      var s = "c";
      if (unreachable && (many || !workaround)) s = "a";
      else if (!workaround || many || deadline.trim() !== "") s = "b";
      sev.textContent = sev.getAttribute("data-" + s);
      out.hidden = false;
    }
    form.querySelectorAll("[data-impact]").forEach(function (el) {
      el.addEventListener("change", suggest);
      el.addEventListener("input", suggest);
    });

    // Article suggestions while the title is typed.
    var title = document.getElementById("title"), box = document.getElementById("suggest"), timer = 0, last = "";
    function render(data) {
      box.textContent = "";
      if (!data.items || !data.items.length) return;
      var p = document.createElement("p");
      p.className = "muted";
      p.textContent = data.heading;
      var ul = document.createElement("ul");
      data.items.forEach(function (it) {
        var li = document.createElement("li"), a = document.createElement("a");
        a.href = it.url; a.textContent = it.title; a.target = "_blank"; a.rel = "noopener";
        li.appendChild(a);
        ul.appendChild(li);
      });
      box.appendChild(p);
      box.appendChild(ul);
    }
    if (title && box && window.fetch) {
      title.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () {
          var q = title.value.trim();
          if (q === last || q.length < 3) return;
          last = q;
          fetch("/help/suggest?q=" + encodeURIComponent(q), { credentials: "same-origin" })
            .then(function (r) { return r.ok ? r.json() : { items: [] }; })
            .then(render)
            .catch(function () {});
        }, 250);
      });
    }

    // The callback's fields appear once a call back is asked for.
    var cb = document.getElementById("callback");
    function callback() {
      ["callback_phone", "callback_time"].forEach(function (id) {
        var el = document.getElementById(id);
        if (el) el.closest(".field").hidden = !cb.checked;
      });
    }
    if (cb) cb.addEventListener("change", callback);

    showTechnical();
    suggest();
    if (cb) callback();
  });
})();
