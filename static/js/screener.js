// Adaptive streaming for every player whose first <source> is a screener: the address that opens a viewing
// session and answers with its master playlist (HLS). Where the browser has Media Source Extensions, hls.js plays
// it and switches rendition as the bandwidth allows; elsewhere (an iPhone) the browser's own HLS does. Without
// JavaScript the browser takes the first source it can play: the screener where HLS is native, else the MP4 film.
// The session opens when the viewer presses play, not when the page loads (the video preloads nothing), so each
// session is a viewing. If a playlist or segment answers 404, the right to watch has ended: the player stops and
// says so. Another failure falls back to the film's MP4 source.
(function () {
  "use strict";
  var HLS_TYPE = "application/vnd.apple.mpegurl";
  var Hls = window.Hls;
  var script = document.currentScript;
  var endedText = script ? script.getAttribute("data-ended-text") : "";
  if (!Hls || !Hls.isSupported()) return;

  function say(video, text) {
    var note = document.createElement("p");
    note.className = "notice error player-ended";
    note.setAttribute("role", "alert");
    note.textContent = text;
    video.insertAdjacentElement("afterend", note);
  }

  function attach(video) {
    var screener = video.querySelector('source[type="' + HLS_TYPE + '"]');
    if (!screener) return;
    var fallback = video.querySelector('source:not([type="' + HLS_TYPE + '"])');
    var hls = new Hls({ enableWorker: false, capLevelToPlayerSize: true });
    var started = false;
    hls.attachMedia(video); // from here the video plays what hls.js gives it, never its <source> elements
    video.setAttribute("data-streaming", "hls.js");
    video.addEventListener("play", function () {
      if (started) return;
      started = true;
      hls.loadSource(screener.src);
    });
    hls.on(Hls.Events.LEVEL_SWITCHED, function (_event, data) {
      var level = hls.levels[data.level];
      if (level) video.setAttribute("data-rendition", String(level.height));
    });
    hls.on(Hls.Events.ERROR, function (_event, data) {
      if (!data.fatal) return;
      var status = data.response && data.response.code;
      if (status === 404 || status === 403) {
        hls.destroy();
        video.removeAttribute("src");
        video.load();
        say(video, endedText);
        return;
      }
      if (data.type === Hls.ErrorTypes.MEDIA_ERROR) {
        hls.recoverMediaError();
        return;
      }
      hls.destroy();
      if (fallback) {
        video.src = fallback.src;
        video.setAttribute("data-streaming", "mp4");
        video.play().catch(function () {});
      }
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("video"), attach);
})();
