// Marked passages (contest.MarkedPassage), for any <video data-passages="…"> of the page: a notice a few seconds
// before each passage and while it lasts, inside the player's frame, with "skip this passage" (to its end), "pause"
// and who to talk to. Progressive: without this script the film plays, and the warnings stand above the player.
(function () {
  "use strict";
  var LEAD_SECONDS = 5;

  function setUp(video) {
    var data = document.getElementById(video.dataset.passages);
    var notice = document.getElementById(video.dataset.passageNotice);
    if (!data || !notice) return;
    var passages = JSON.parse(data.textContent);
    var text = notice.querySelector(".passage-text");
    var skipped = {};
    var current = -1;

    function words(passage, time) {
      var template = time < passage.start ? notice.dataset.soon : notice.dataset.now;
      return template
        .replace("{seconds}", String(Math.max(1, Math.ceil(passage.start - time))))
        .replace("{warning}", passage.warning)
        .replace("{span}", passage.span)
        .replace("{end}", passage.end_text);
    }

    function update() {
      var time = video.currentTime;
      current = -1;
      for (var index = 0; index < passages.length; index++) {
        var passage = passages[index];
        if (!skipped[index] && time >= passage.start - LEAD_SECONDS && time < passage.end) {
          current = index;
          break;
        }
      }
      if (current < 0) {
        notice.hidden = true;
        return;
      }
      var shown = words(passages[current], time);
      if (text.textContent !== shown) text.textContent = shown;
      notice.hidden = false;
    }

    notice.querySelector(".passage-skip").addEventListener("click", function () {
      if (current < 0) return;
      skipped[current] = true;
      video.currentTime = passages[current].end;
      notice.hidden = true;
      video.focus();
    });
    notice.querySelector(".passage-pause").addEventListener("click", function () {
      video.pause();
    });
    video.addEventListener("timeupdate", update);
    video.addEventListener("seeked", update);
    update();
  }

  var videos = document.querySelectorAll("video[data-passages]");
  for (var i = 0; i < videos.length; i++) setUp(videos[i]);
})();
