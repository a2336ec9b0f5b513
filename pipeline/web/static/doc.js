// Highlighted spans in a document's text lead to their records, and back.
(function () {
  "use strict";
  function go(el) {
    var target = document.querySelector(el.getAttribute("data-href"));
    if (!target) return;
    history.replaceState(null, "", el.getAttribute("data-href"));
    target.scrollIntoView({ block: "center" });
    target.classList.add("flash-target");
    setTimeout(function () { target.classList.remove("flash-target"); }, 1500);
  }
  document.addEventListener("click", function (ev) {
    var el = ev.target.closest ? ev.target.closest(".hl[data-href]") : null;
    if (el) { ev.preventDefault(); go(el); }
  });
  document.addEventListener("keydown", function (ev) {
    if ((ev.key === "Enter" || ev.key === " ") && ev.target.matches && ev.target.matches(".hl[data-href]")) {
      ev.preventDefault(); go(ev.target);
    }
  });
})();
