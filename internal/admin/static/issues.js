// Drag and drop for an issue's table of contents. The Up and Down buttons
// are plain forms and keep working without this script; with it, an
// article can also be dragged, and the whole new order is sent at once.
(function () {
  "use strict";
  var list = document.getElementById("contents");
  if (!list || !window.fetch) return;
  var status = document.getElementById("reorder-status");
  var dragged = null;

  function say(text) { if (status) status.textContent = text; }
  function order() {
    return Array.prototype.map.call(list.querySelectorAll("li[data-id]"), function (li) { return li.dataset.id; });
  }
  function refreshButtons() {
    var items = list.querySelectorAll("li[data-id]");
    items.forEach(function (li, i) {
      var up = li.querySelector('input[value="up"] + button');
      var down = li.querySelector('input[value="down"] + button');
      if (up) up.disabled = i === 0;
      if (down) down.disabled = i === items.length - 1;
    });
  }

  list.querySelectorAll("li[data-id]").forEach(function (li) {
    li.draggable = true;
    li.addEventListener("dragstart", function (e) {
      dragged = li;
      li.classList.add("dragging");
      e.dataTransfer.effectAllowed = "move";
      e.dataTransfer.setData("text/plain", li.dataset.id);
    });
    li.addEventListener("dragend", function () {
      li.classList.remove("dragging");
      dragged = null;
    });
  });

  list.addEventListener("dragover", function (e) {
    if (!dragged) return;
    e.preventDefault();
    var over = e.target.closest("li[data-id]");
    if (!over || over === dragged) return;
    var box = over.getBoundingClientRect();
    var after = e.clientY > box.top + box.height / 2;
    list.insertBefore(dragged, after ? over.nextSibling : over);
  });

  list.addEventListener("drop", function (e) {
    e.preventDefault();
    var before = list.dataset.saved || "";
    var now = order().join(",");
    if (now === before) return;
    var body = new FormData();
    body.append("order", now);
    say("Saving the new order…");
    fetch(list.dataset.orderUrl, { method: "POST", body: new URLSearchParams(body), credentials: "same-origin" })
      .then(function (resp) {
        if (!resp.ok) throw new Error(String(resp.status));
        list.dataset.saved = now;
        refreshButtons();
        say("The new order is saved.");
      })
      .catch(function () {
        // The page no longer shows what the server holds; say so rather
        // than reload, which would wipe the message.
        say("The new order could not be saved. Reload the page to see the saved order, then try again.");
      });
  });

  list.dataset.saved = order().join(",");
})();
