// The document page: tabs (Thuộc tính / Nội dung / Liên quan & lược đồ / Nhiệm vụ / Kinh phí / Tải về), and
// highlighted spans in the text that lead to their records, and back, switching tab as needed.
(function () {
  "use strict";
  var host = document.querySelector("[data-tabs]");
  var panels = host ? Array.prototype.slice.call(host.querySelectorAll(".tabpanel")) : [];
  var buttons = [];
  function show(panel, focus) {
    panels.forEach(function (p, i) {
      var on = p === panel;
      p.hidden = !on;
      buttons[i].setAttribute("aria-selected", on ? "true" : "false");
      buttons[i].tabIndex = on ? 0 : -1;
      if (on && focus) buttons[i].focus();
    });
  }
  function panelOf(el) { return el && el.closest ? el.closest(".tabpanel") : null; }
  if (panels.length) {
    var list = document.createElement("div");
    list.className = "tabs";
    list.setAttribute("role", "tablist");
    panels.forEach(function (p, i) {
      var b = document.createElement("button");
      b.type = "button";
      b.id = "tabbtn-" + p.id;
      b.setAttribute("role", "tab");
      b.setAttribute("aria-controls", p.id);
      b.textContent = p.getAttribute("data-title");
      b.addEventListener("click", function () { show(p); history.replaceState(null, "", "#" + p.id); });
      b.addEventListener("keydown", function (ev) {
        var k = ev.key === "ArrowRight" ? 1 : ev.key === "ArrowLeft" ? -1 : 0;
        if (k) { ev.preventDefault(); show(panels[(i + k + panels.length) % panels.length], true); }
      });
      p.setAttribute("role", "tabpanel");
      p.setAttribute("aria-labelledby", b.id);
      var h = p.querySelector("h2");
      if (h) h.classList.add("in-tab");
      buttons.push(b);
      list.appendChild(b);
    });
    host.insertBefore(list, host.firstChild);
    var start = location.hash ? document.getElementById(location.hash.slice(1)) : null;
    show(panelOf(start) || panels[0]);
    if (start) start.scrollIntoView({ block: "center" });
  }
  function reveal(target) {
    var p = panelOf(target);
    if (p && p.hidden) show(p);
  }
  function go(href) {
    var target = document.querySelector(href);
    if (!target) return;
    reveal(target);
    history.replaceState(null, "", href);
    target.scrollIntoView({ block: "center" });
    target.classList.add("flash-target");
    setTimeout(function () { target.classList.remove("flash-target"); }, 1500);
  }
  document.addEventListener("click", function (ev) {
    var el = ev.target.closest ? ev.target.closest(".hl[data-href], a[href^='#']") : null;
    if (!el) return;
    var href = el.getAttribute("data-href") || el.getAttribute("href");
    if (href.length > 1 && document.querySelector(href)) { ev.preventDefault(); go(href); }
  });
  document.addEventListener("keydown", function (ev) {
    if ((ev.key === "Enter" || ev.key === " ") && ev.target.matches && ev.target.matches(".hl[data-href]")) {
      ev.preventDefault(); go(ev.target.getAttribute("data-href"));
    }
  });
})();
