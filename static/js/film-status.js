// Live state of the entry's film while the media pipeline works on it: polls the status URL every few seconds
// while the film is received, being checked or being prepared, and swaps in the server-rendered status and the
// film's line. Without JavaScript the page shows the state at load time; reloading shows the latest.
// When upload.js reports a new file ("palmares:film-uploaded"), what the panel said of the previous file goes at
// once, and only an answer about the new file (the same film id) is shown: never the previous verdict under the
// new file's name.
(function () {
  "use strict";
  var box = document.getElementById("film-status");
  if (!box || !window.fetch) return;
  var current = document.querySelector(".film-current");
  var working = ["received", "checking", "transcoding"];
  var delay = 2000;
  var timer = null;
  var expected = null; // the film id of the file just uploaded, until an answer about it arrives

  function inProgress() {
    var state = current ? current.getAttribute("data-film-state") : "";
    return expected !== null || box.getAttribute("data-in-progress") === "true" || working.indexOf(state) !== -1;
  }

  function apply(data) {
    box.innerHTML = data.html;
    box.setAttribute("data-in-progress", data.inProgress ? "true" : "false");
    box.setAttribute("data-film-id", data.filmId === null || data.filmId === undefined ? "" : String(data.filmId));
    if (current) {
      current.setAttribute("data-film-state", data.state || "");
      if (data.currentHtml !== undefined) current.innerHTML = data.currentHtml;
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
        delay = 2000;
        if (expected !== null && String(data.filmId) !== expected) {
          schedule(); // an answer about an earlier file: wait for one about the new file
          return;
        }
        expected = null;
        apply(data);
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

  // upload.js tells which film the completed upload made: forget the previous file's status, ask at once.
  document.addEventListener("palmares:film-uploaded", function (event) {
    var film = event.detail && event.detail.film;
    expected = film && film.id !== undefined ? String(film.id) : null;
    box.innerHTML = "";
    var step = document.createElement("p");
    step.className = "film-step";
    step.textContent = box.getAttribute("data-checking-text") || "";
    box.appendChild(step);
    box.setAttribute("data-in-progress", "true");
    box.setAttribute("data-film-id", expected || "");
    if (timer) window.clearTimeout(timer);
    timer = null;
    delay = 0;
    schedule();
    delay = 2000;
  });

  // upload.js marks the panel "received" when an upload completes: start polling then.
  if (current && window.MutationObserver) {
    new MutationObserver(schedule).observe(current, { attributes: true, attributeFilter: ["data-film-state"] });
  }
  schedule();
})();
