// The public player's film comes from the app's own address (…/media/), which checks visibility at each request
// and redirects to a URL signed for a few seconds. The browser keeps the redirected URL for its later range
// requests; once that URL has expired they fail and the player errors. Ask the app again from where the film was:
// while the film is still shown it plays on, once unpublished or withdrawn the app answers 404 and it stops.
(function () {
  "use strict";
  var video = document.getElementById("release-player");
  if (!video) return;
  var address = video.getAttribute("src");
  var failures = 0;
  var wanted = false; // the visitor pressed play (an error pauses the element without asking them)
  var reloading = false;
  video.addEventListener("play", function () {
    wanted = true;
  });
  video.addEventListener("pause", function () {
    if (!reloading && !video.error) wanted = false;
  });
  video.addEventListener("playing", function () {
    failures = 0;
  });
  video.addEventListener("error", function () {
    if (failures >= 2) return;
    failures += 1;
    reloading = true;
    var at = video.currentTime;
    var separator = address.indexOf("?") === -1 ? "?" : "&";
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
  });
})();
