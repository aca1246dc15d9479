// ducha: small accessibility fixes to the theme, run on every page load.
(function () {
  function fix() {
    searchOnInput();
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
  // The theme's search runs on key presses (keyup). Chinese typed through an
  // input method, pasted or dictated text arrive without one: when the text
  // changes outside a composition, or a composition ends, say so with a keyup.
  function searchOnInput() {
    var field = document.querySelector("input.md-search__input");
    if (!field || field.dataset.duchaInput) return;
    field.dataset.duchaInput = "1";
    var composing = false;
    function changed() {
      field.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true, key: "Process" }));
    }
    field.addEventListener("compositionstart", function () { composing = true; });
    field.addEventListener("compositionend", function () { composing = false; changed(); });
    field.addEventListener("input", function (ev) {
      if (!composing && !ev.isComposing) changed();
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", fix);
  } else {
    fix();
  }
})();
