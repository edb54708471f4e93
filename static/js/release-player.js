// The public player's film comes from the app's own address (…/media/), which checks visibility at each request
// and redirects to a URL signed for a few seconds. The browser keeps the redirected URL for its later range
// requests; once that URL has expired they fail and the player errors. Then ask the app whether the film is still
// shown (a HEAD request, redirects not followed): if it is, load it again from where it was and play on; once
// unpublished or withdrawn the app answers 404 and the player stops there. A slow machine or network may need
// several reloads in a row; only a burst of them (the app or the network failing for good) stops the retries.
(function () {
  "use strict";
  var video = document.getElementById("release-player");
  if (!video) return;
  var address = video.getAttribute("src");
  if (!address) return; // a screener: static/js/screener.js plays it
  var separator = address.indexOf("?") === -1 ? "?" : "&";
  var BURST = 8; // reloads within WINDOW_MS before giving up
  var WINDOW_MS = 30000;
  var reloads = [];
  var wanted = false; // the visitor pressed play (an error pauses the element without asking them)
  var reloading = false;
  video.addEventListener("play", function () {
    wanted = true;
  });
  video.addEventListener("pause", function () {
    if (!reloading && !video.error) wanted = false;
  });

  function reload(at) {
    video.addEventListener(
      "loadedmetadata",
      function () {
        video.currentTime = at;
        reloading = false;
        if (wanted) video.play().catch(function () {});
      },
      { once: true }
    );
    video.src = address + separator + "retry=" + Date.now();
    video.load();
  }

  video.addEventListener("error", function () {
    var now = Date.now();
    reloads = reloads.filter(function (at) {
      return now - at < WINDOW_MS;
    });
    if (reloads.length >= BURST) return;
    reloads.push(now);
    reloading = true;
    var at = video.currentTime;
    fetch(address, { method: "HEAD", credentials: "same-origin", redirect: "manual", cache: "no-store" })
      .then(function (response) {
        if (response.status === 404) {
          reloading = false; // no longer shown to this visitor: stop here
          return;
        }
        reload(at);
      })
      .catch(function () {
        reload(at); // the check itself failed (network): the reload will tell
      });
  });
})();
