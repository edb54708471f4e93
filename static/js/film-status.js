// Live state of the entry's film while the media pipeline works on it: polls the status URL every few seconds
// while the film is received, being checked or being prepared, and swaps in the server-rendered status.
// Without JavaScript the page shows the state at load time; reloading shows the latest.
(function () {
  "use strict";
  var box = document.getElementById("film-status");
  if (!box || !window.fetch) return;
  var current = document.querySelector(".film-current");
  var working = ["received", "checking", "transcoding"];
  var delay = 2000;
  var timer = null;

  function inProgress() {
    var state = current ? current.getAttribute("data-film-state") : "";
    return box.getAttribute("data-in-progress") === "true" || working.indexOf(state) !== -1;
  }

  function apply(data) {
    box.innerHTML = data.html;
    box.setAttribute("data-in-progress", data.inProgress ? "true" : "false");
    if (current && data.state) {
      current.setAttribute("data-film-state", data.state);
      var badge = current.querySelector(".status");
      if (badge) {
        badge.className = "status status-" + data.state;
        badge.textContent = data.stateLabel;
      }
    }
  }

  function poll() {
    timer = null;
    fetch(box.getAttribute("data-status-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (data) {
        apply(data);
        delay = 2000;
        schedule();
      })
      .catch(function () {
        delay = Math.min(delay * 2, 30000); // a flaky connection: slow down, keep trying
        schedule();
      });
  }

  function schedule() {
    if (!timer && inProgress()) timer = window.setTimeout(poll, delay);
  }

  // upload.js marks the panel "received" when an upload completes: start polling then.
  if (current && window.MutationObserver) {
    new MutationObserver(schedule).observe(current, { attributes: true, attributeFilter: ["data-film-state"] });
  }
  schedule();
})();
