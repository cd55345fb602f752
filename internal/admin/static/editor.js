// The article editor's enhancements. Without this script the form works
// as a plain form; with it: a live preview rendered by the server, autosave,
// markers and figures inserted at the cursor, images dropped on the body,
// and a copy of what is typed kept in this browser so that an ended
// session or a closed tab never loses text.
(function () {
  "use strict";
  var form = document.getElementById("editor");
  if (!form) return;
  var body = document.getElementById("body");
  var preview = document.getElementById("preview");
  var status = document.getElementById("autosave-status");
  var baseInput = document.getElementById("base");
  var idInput = form.elements.namedItem("id");
  var AUTOSAVE_MS = 15000;
  var dirty = false, paused = false, saving = false, changes = 0;

  function say(msg) { status.textContent = msg; }

  function debounce(fn, ms) {
    var t;
    return function () { clearTimeout(t); t = setTimeout(fn, ms); };
  }

  // What a request that met an ended session looks like: fetch followed
  // the redirect to the sign-in page.
  function signedOut(res) {
    return res.redirected && new URL(res.url).pathname.indexOf("/admin/sign-in") === 0;
  }
  function sessionEnded() {
    paused = true;
    saveCopy();
    status.innerHTML = "";
    status.append("Your session has ended, so this was not saved. Your text is kept in this browser: ");
    var a = document.createElement("a");
    a.href = "/admin/sign-in"; a.target = "_blank"; a.textContent = "sign in again in a new tab";
    status.append(a, ", then come back here and press Save.");
  }

  // Live preview: the server renders the Markdown exactly as it will
  // render it when the article is saved.
  var refreshPreview = debounce(function () {
    var data = new URLSearchParams();
    data.append("body", body.value);
    fetch("/admin/articles/preview", { method: "POST", body: data, credentials: "same-origin" })
      .then(function (res) {
        if (signedOut(res)) { sessionEnded(); return null; }
        return res.ok ? res.text() : null;
      })
      .then(function (html) { if (html !== null) preview.innerHTML = html; })
      .catch(function () {});
  }, 400);

  // The copy in this browser.
  function storageKey() { return "masthead-editor:" + (idInput.value && idInput.value !== "0" ? idInput.value : "new"); }
  function fields() {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.id || !el.name || el.type === "file" || el.type === "hidden" || el.type === "submit" || el.type === "checkbox") return;
      out[el.id] = el.value;
    });
    return out;
  }
  function sameFields(a, b) {
    var keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every(function (k) { return a[k] === b[k]; });
  }
  function saveCopy() {
    try {
      localStorage.setItem(storageKey(), JSON.stringify({ at: Date.now(), fields: fields() }));
    } catch (e) { /* storage full or disabled: autosave still runs */ }
  }
  var keepCopy = debounce(saveCopy, 500);
  function dropCopy() { try { localStorage.removeItem(storageKey()); } catch (e) {} }

  function offerCopy() {
    // Arriving from a successful save of a new article: its copy, kept
    // under "new", has done its job.
    if (/[?&]done=/.test(location.search) && /\/admin\/articles\/new$/.test(document.referrer)) {
      try { localStorage.removeItem("masthead-editor:new"); } catch (e) {}
    }
    var saved;
    try { saved = JSON.parse(localStorage.getItem(storageKey()) || "null"); } catch (e) { saved = null; }
    if (!saved || !saved.fields) return;
    if (sameFields(saved.fields, fields())) { dropCopy(); return; }
    var box = document.getElementById("local-copy");
    document.getElementById("local-copy-time").textContent = "typed " + new Date(saved.at).toLocaleString();
    box.hidden = false;
    document.getElementById("local-copy-restore").addEventListener("click", function () {
      Object.keys(saved.fields).forEach(function (id) {
        var el = document.getElementById(id);
        if (el) el.value = saved.fields[id];
      });
      box.hidden = true;
      changed();
      refreshPreview();
      say("The text kept in this browser is back in the form. Press Save to keep it.");
    });
    document.getElementById("local-copy-discard").addEventListener("click", function () {
      dropCopy();
      box.hidden = true;
    });
  }

  function changed() { dirty = true; changes++; keepCopy(); }

  // Autosave: drafts are saved as they are; a live article's changes are
  // kept aside on the server until someone presses Save.
  function autosave() {
    if (!dirty || paused || saving || !document.getElementById("headline").value.trim()) return;
    saving = true;
    var started = changes;
    var data = new FormData(form);
    data.delete("file");
    fetch("/admin/articles/autosave", { method: "POST", body: data, credentials: "same-origin" })
      .then(function (res) {
        if (signedOut(res)) { sessionEnded(); return null; }
        if (!/json/.test(res.headers.get("Content-Type") || "")) {
          // A refusal page (403, 404, 413): the editor's own answers are JSON.
          saveCopy();
          paused = true;
          say(res.status === 403 ? "Not saved: your role may not change this article any more. Your text is kept in this browser."
            : "Not saved (the server answered " + res.status + "). Your text is kept in this browser; press Save to see why.");
          return null;
        }
        return res.json().then(function (ans) { return { status: res.status, ans: ans }; });
      })
      .then(function (r) {
        if (!r) return;
        say(r.ans.message);
        if (r.status === 409) { paused = true; return; }
        if (r.status !== 200) return;
        var wasNew = !idInput.value || idInput.value === "0";
        if (wasNew) dropCopy();
        idInput.value = String(r.ans.id);
        form.dataset.id = String(r.ans.id);
        baseInput.value = String(r.ans.base);
        var slug = document.getElementById("slug");
        if (!slug.value && r.ans.slug) slug.value = r.ans.slug;
        if (wasNew) {
          form.action = r.ans.url;
          history.replaceState(null, "", r.ans.url);
        }
        if (changes === started) { dirty = false; dropCopy(); } else { keepCopy(); }
      })
      .catch(function () { saveCopy(); say("Autosave could not reach the server; your text is kept in this browser."); })
      .finally(function () { saving = false; });
  }

  // Insert a block on lines of its own at the cursor.
  function insertBlock(text) {
    var start = body.selectionStart, end = body.selectionEnd, v = body.value;
    var before = v.slice(0, start), after = v.slice(end);
    var pre = before === "" || /\n\n$/.test(before) ? "" : (/\n$/.test(before) ? "\n" : "\n\n");
    var post = after === "" ? "\n" : (/^\n\n/.test(after) ? "" : (/^\n/.test(after) ? "\n" : "\n\n"));
    body.setRangeText(pre + text + post, start, end, "end");
    body.focus();
    changed();
    refreshPreview();
  }

  Array.prototype.forEach.call(form.querySelectorAll("[data-insert]"), function (btn) {
    btn.addEventListener("click", function (ev) {
      ev.preventDefault();
      insertBlock(btn.dataset.insert);
    });
  });

  // Images: the file picker or a file dropped on the body, then the
  // description fields, then Upload and insert.
  var fileInput = document.getElementById("file");
  function fieldError(name, msg) {
    ["file", "alt"].forEach(function (f) {
      var el = document.getElementById(f), err = document.getElementById(f + "-error");
      err.textContent = f === name ? msg : "";
      if (f === name) { el.setAttribute("aria-invalid", "true"); el.setAttribute("aria-describedby", f + "-error"); }
      else { el.removeAttribute("aria-invalid"); }
    });
  }
  body.addEventListener("dragover", function (ev) {
    if (ev.dataTransfer && Array.prototype.indexOf.call(ev.dataTransfer.types, "Files") >= 0) {
      ev.preventDefault();
      body.classList.add("dropping");
    }
  });
  body.addEventListener("dragleave", function () { body.classList.remove("dropping"); });
  body.addEventListener("drop", function (ev) {
    if (!ev.dataTransfer || !ev.dataTransfer.files.length) return;
    ev.preventDefault();
    body.classList.remove("dropping");
    var dt = new DataTransfer();
    dt.items.add(ev.dataTransfer.files[0]);
    fileInput.files = dt.files;
    fieldError("", "");
    say("Image “" + ev.dataTransfer.files[0].name + "” ready: describe it, then press Upload and insert.");
    document.getElementById("alt").focus();
  });
  document.getElementById("upload-button").addEventListener("click", function (ev) {
    ev.preventDefault();
    if (!fileInput.files.length) { fieldError("file", "Choose an image file, or drop one on the body."); fileInput.focus(); return; }
    var data = new FormData();
    data.append("file", fileInput.files[0]);
    ["alt", "caption", "credit"].forEach(function (f) { data.append(f, document.getElementById(f).value); });
    say("Uploading…");
    fetch("/admin/articles/upload", { method: "POST", body: data, credentials: "same-origin" })
      .then(function (res) {
        if (signedOut(res)) { sessionEnded(); return null; }
        if (res.status === 413 && !/json/.test(res.headers.get("Content-Type") || "")) {
          return { error: "That image is larger than 20 MB. Make it smaller and upload it again.", field: "file" };
        }
        return res.json();
      })
      .then(function (ans) {
        if (!ans) return;
        if (ans.error) { fieldError(ans.field || "file", ans.error); say(""); return; }
        fieldError("", "");
        insertBlock(ans.markdown);
        var feat = document.getElementById("featured-url");
        if (document.getElementById("make-featured").checked) {
          feat.value = ans.url;
          document.getElementById("featured-alt").value = document.getElementById("alt").value;
        }
        ["alt", "caption", "credit"].forEach(function (f) { document.getElementById(f).value = ""; });
        fileInput.value = "";
        document.getElementById("make-featured").checked = false;
        say("The image was uploaded and its figure inserted at the cursor.");
      })
      .catch(function () { fieldError("file", "The upload did not reach the server. Check the connection and try again."); });
  });

  // The slug field shows the slug the headline would give.
  var slugField = document.getElementById("slug"), headline = document.getElementById("headline");
  function slugHint() {
    slugField.placeholder = headline.value.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/['’]/g, "").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 120);
  }
  headline.addEventListener("input", slugHint);
  slugHint();

  form.addEventListener("input", function (ev) {
    if (ev.target.type === "file") return;
    changed();
    if (ev.target === body) refreshPreview();
  });
  form.addEventListener("change", function (ev) {
    if (ev.target.tagName === "SELECT") changed();
  });
  // A preview opens in another tab and saves nothing.
  form.addEventListener("submit", function (ev) {
    if (!ev.submitter || !ev.submitter.formTarget) dirty = false;
  });
  window.addEventListener("beforeunload", function (ev) {
    if (dirty) { ev.preventDefault(); ev.returnValue = ""; }
  });
  document.addEventListener("visibilitychange", function () { if (document.hidden) autosave(); });
  // Ctrl+S (Cmd+S) saves now without leaving the page, as autosave would.
  document.addEventListener("keydown", function (ev) {
    if ((ev.ctrlKey || ev.metaKey) && !ev.altKey && ev.key.toLowerCase() === "s") {
      ev.preventDefault();
      if (!dirty) { say("Nothing to save: no change since the last save."); return; }
      autosave();
    }
  });
  setInterval(autosave, AUTOSAVE_MS);
  offerCopy();
})();
