// casedesk agent console: small enhancements only. Every page works without
// this file (reload to refresh); it ticks the time left, moves through the
// queue with the keyboard (j/k, Enter, r, n), refreshes the queue when a
// request changes anywhere and counts new notifications in the header's
// badge (server-sent events on /console/live).
(function () {
  "use strict";

  function ready(f) {
    if (document.readyState !== "loading") f(); else document.addEventListener("DOMContentLoaded", f);
  }

  // The server's clock, not the browser's, says what time it is: the page
  // carries the instant it was rendered at.
  var skew = 0;
  function now() { return Date.now() + skew; }
  function pad(n) { return n < 10 ? "0" + n : "" + n; }
  // The units of the page's language (data-units: days hours minutes seconds).
  var u = ["d", "h", "m", "s"];
  function left(ms) {
    var sign = ms < 0 ? "−" : "";
    var s = Math.floor(Math.abs(ms) / 1000), h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60);
    if (h >= 48) return sign + Math.floor(h / 24) + u[0] + " " + (h % 24) + u[1];
    if (h > 0) return sign + h + u[1] + " " + pad(m) + u[2];
    return sign + m + u[2] + " " + pad(s % 60) + u[3];
  }
  function tick() {
    document.querySelectorAll("time.left[data-due]").forEach(function (t) {
      var ms = Date.parse(t.getAttribute("data-due")) - now();
      t.textContent = left(ms);
      if (ms < 0) t.classList.add("left-breached");
    });
  }

  function typing(e) {
    var el = e.target;
    return e.ctrlKey || e.metaKey || e.altKey || el.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(el.tagName);
  }

  ready(function () {
    var main = document.getElementById("main");
    var at = main && main.querySelector("[data-now]");
    if (at) skew = Date.parse(at.getAttribute("data-now")) - Date.now();
    var units = at && (at.getAttribute("data-units") || "").split(" ");
    if (units && units.length === 4) u = units;
    tick();
    setInterval(tick, 1000);

    var status = document.getElementById("live-status");
    var work = document.getElementById("work-live");
    var selected = null; // the number of the selected queue row

    function rows() { return Array.prototype.slice.call(document.querySelectorAll("#queue tbody tr")); }
    function select(tr) {
      rows().forEach(function (r) { r.classList.remove("sel"); r.removeAttribute("aria-selected"); });
      if (!tr) return;
      tr.classList.add("sel");
      tr.setAttribute("aria-selected", "true");
      selected = tr.getAttribute("data-number");
      var a = tr.querySelector("a.open");
      if (a) a.focus({ preventScroll: true });
      tr.scrollIntoView({ block: "nearest" });
    }
    function current() {
      var rs = rows();
      for (var i = 0; i < rs.length; i++) if (rs[i].getAttribute("data-number") === selected) return i;
      return -1;
    }

    document.addEventListener("keydown", function (e) {
      if (typing(e) && e.key !== "Enter") return;
      var rs = rows();
      if (rs.length) {
        var i = current();
        if (e.key === "j") { select(rs[Math.min(rs.length - 1, i + 1)]); e.preventDefault(); return; }
        if (e.key === "k") { select(rs[Math.max(0, i - 1)]); e.preventDefault(); return; }
        if (i >= 0) {
          var href = "/console/requests/" + encodeURIComponent(selected);
          if (e.key === "Enter" && !typing(e)) { location.href = href; e.preventDefault(); return; }
          if (e.key === "r") { location.href = href + "#reply"; e.preventDefault(); return; }
          if (e.key === "n") { location.href = href + "#note"; e.preventDefault(); return; }
        }
      }
      if (typing(e)) return;
      // On a request's page: r writes a reply, n a note. The field takes
      // focus when the key is released, so the letter is not typed into it.
      var body = document.getElementById("body");
      if (body && (e.key === "r" || e.key === "n")) {
        pending = e.key;
        e.preventDefault();
      }
    });
    var pending = "";
    document.addEventListener("keyup", function (e) {
      if (!pending || e.key !== pending) return;
      var kind = document.getElementById(pending === "r" ? "kind-reply" : "kind-note");
      pending = "";
      if (kind) kind.checked = true;
      document.getElementById("body").focus();
    });
    var body = document.getElementById("body");
    if (body && (location.hash === "#reply" || location.hash === "#note")) {
      var k = document.getElementById(location.hash === "#reply" ? "kind-reply" : "kind-note");
      if (k) k.checked = true;
      body.focus();
    }

    // Live updates: the queue refreshes itself, the work page offers to
    // reload, and the header's badge counts unread notifications.
    var badge = document.getElementById("notif-count");
    if (!window.EventSource || (!status && !work && !badge)) return;
    var es = new EventSource("/console/live"), timer = 0, busy = false, again = false;
    function refresh() {
      if (busy) { again = true; return; }
      busy = true;
      fetch(location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var box = doc.getElementById("queue-box"), mine = document.getElementById("queue-box");
          var stamp = doc.querySelector("[data-now]"), here = document.querySelector("[data-now]");
          if (box && mine) mine.replaceWith(document.adoptNode(box));
          if (stamp && here) { here.setAttribute("data-now", stamp.getAttribute("data-now")); skew = Date.parse(stamp.getAttribute("data-now")) - Date.now(); }
          var i = current();
          if (i >= 0) select(rows()[i]);
          tick();
          status.textContent = status.getAttribute("data-updated");
          document.body.setAttribute("data-refreshed", String(Date.now()));
        })
        .catch(function () {})
        .then(function () { busy = false; if (again) { again = false; refresh(); } });
    }
    es.addEventListener("open", function () { if (status) status.setAttribute("data-live", "on"); });
    es.addEventListener("changed", function (e) {
      if (work) {
        var parts = String(e.data).split(" ");
        if (parts[1] === work.getAttribute("data-number")) work.hidden = false;
        return;
      }
      if (!status) return;
      clearTimeout(timer);
      timer = setTimeout(refresh, 150);
    });
    // "notification": "<unread count> <number>", for the viewer's own inbox.
    es.addEventListener("notification", function (e) {
      if (!badge) return;
      var n = parseInt(String(e.data).split(" ")[0], 10) || 0;
      badge.textContent = String(n);
      badge.setAttribute("data-count", String(n));
      badge.hidden = n === 0;
    });
    window.addEventListener("pagehide", function () { es.close(); });
  });
})();
