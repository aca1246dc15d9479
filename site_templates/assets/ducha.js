// ducha: small accessibility fixes to the theme, run on every page load.
(function () {
  function fix() {
    // The search overlay is a dialog: give it a name.
    document.querySelectorAll('.md-search[role="dialog"]').forEach(function (el) {
      el.setAttribute("aria-label", "搜索");
    });
    // Wide tables scroll sideways on a phone: let keyboard users reach them.
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (el, n) {
      el.setAttribute("tabindex", "0");
      el.setAttribute("role", "region");
      el.setAttribute("aria-label", "表格 " + (n + 1));
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", fix);
  } else {
    fix();
  }
})();
