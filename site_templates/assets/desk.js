// ducha: copy buttons of the internal site's commands (issue 13).
// navigator.clipboard needs a secure context (https or localhost); on an
// intranet http address the older execCommand("copy") does the same.
(function () {
  function copied(button) {
    var label = button.textContent;
    button.textContent = "已复制";
    button.classList.add("ducha-copied");
    setTimeout(function () {
      button.textContent = label;
      button.classList.remove("ducha-copied");
    }, 1500);
  }
  function fallback(text, button) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    try {
      if (document.execCommand("copy")) copied(button);
    } finally {
      document.body.removeChild(area);
    }
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".ducha-copy") : null;
    if (!button) return;
    var code = button.parentNode.querySelector("code");
    if (!code) return;
    var text = code.textContent;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { copied(button); },
                                               function () { fallback(text, button); });
    } else {
      fallback(text, button);
    }
  });
})();
