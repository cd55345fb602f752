// The web edition's keys: ← and → follow the current article's previous
// and next links (the same links work without JavaScript). The current
// article is the one the address names, else the start of the issue.
(function () {
  "use strict";
  var root = document.querySelector("[data-edition]");
  if (!root) return;
  function current() {
    var at = document.querySelector(".edition-article.current");
    return at || document.getElementById("contents");
  }
  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    var which = e.key === "ArrowRight" ? "next" : e.key === "ArrowLeft" ? "prev" : "";
    if (!which) return;
    var link = current().querySelector('a[data-key="' + which + '"]');
    if (!link) return;
    e.preventDefault();
    window.location.href = link.href;
  });
})();
