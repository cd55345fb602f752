// The narration player: skip ±15 s, speed, play from a paragraph, the
// reader's place remembered on the server, and Media Session metadata for
// the lock screen. Without
// this script the page keeps a plain <audio controls> player.
(function () {
  "use strict";
  var box = document.querySelector("section.listen");
  if (!box) return;
  var audio = box.querySelector("audio");
  var controls = box.querySelector(".listen-controls");
  var positionURL = box.dataset.positionUrl;
  controls.hidden = false;

  box.querySelectorAll("button[data-skip]").forEach(function (b) {
    b.addEventListener("click", function () {
      var t = audio.currentTime + Number(b.dataset.skip);
      if (isFinite(audio.duration)) t = Math.min(t, audio.duration);
      audio.currentTime = Math.max(0, t);
    });
  });
  var speed = box.querySelector("select[data-speed]");
  speed.addEventListener("change", function () { audio.playbackRate = Number(speed.value); });
  audio.addEventListener("ratechange", function () { speed.value = String(audio.playbackRate); });

  // Where the reader stopped, from the server (so another device resumes
  // there too), applied once the browser knows the file.
  var saved = 0, restored = false;
  fetch(positionURL, { credentials: "same-origin" }).then(function (r) {
    return r.status === 200 ? r.json() : { seconds: 0 };
  }).then(function (p) {
    saved = p.seconds || 0;
    if (saved > 0 && audio.readyState > 0) restore();
    if (saved > 0) audio.preload = "metadata";
  }).catch(function () {});
  function restore() {
    if (restored || saved <= 0) return;
    restored = true;
    audio.currentTime = saved;
  }
  audio.addEventListener("loadedmetadata", restore);

  // "Play from here" before each paragraph: the player seeks to where the
  // paragraph's speech starts and plays. The buttons stay hidden without
  // this script, which is what makes them work.
  document.querySelectorAll(".article-body button.play-from").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () { playFrom(Number(b.dataset.start)); });
  });
  function playFrom(t) {
    restored = true; // the reader chose a place: the remembered one gives way
    if (audio.readyState > 0) {
      audio.currentTime = t;
    } else {
      audio.preload = "metadata";
      audio.addEventListener("loadedmetadata", function () { audio.currentTime = t; }, { once: true });
    }
    audio.play().catch(function () {});
  }

  var lastSaved = -1;
  function save() {
    var t = Math.floor(audio.currentTime);
    if (t === lastSaved || !restored && saved > 0 && t === 0) return;
    lastSaved = t;
    // URL-encoded, not FormData: the site reads forms, not multipart.
    var body = new URLSearchParams({ seconds: String(t) });
    if (navigator.sendBeacon && document.visibilityState === "hidden") {
      navigator.sendBeacon(positionURL, body);
    } else {
      fetch(positionURL, { method: "POST", body: body, credentials: "same-origin" }).catch(function () {});
    }
  }
  var timer = 0;
  audio.addEventListener("timeupdate", function () {
    if (!timer) timer = setTimeout(function () { timer = 0; save(); }, 5000);
  });
  audio.addEventListener("pause", save);
  audio.addEventListener("seeked", save);
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") save(); });

  if ("mediaSession" in navigator) {
    audio.addEventListener("play", function () {
      navigator.mediaSession.metadata = new MediaMetadata({ title: box.dataset.title, artist: box.dataset.artist, album: box.dataset.album });
      navigator.mediaSession.setActionHandler("seekbackward", function () { audio.currentTime = Math.max(0, audio.currentTime - 15); });
      navigator.mediaSession.setActionHandler("seekforward", function () { audio.currentTime += 15; });
    });
  }
})();
