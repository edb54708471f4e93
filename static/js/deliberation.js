// The deliberation page follows the president live: every second it asks the server for the meeting's state and,
// when it changed, shows the entry being discussed and the decisions, and marks the entry in the ranking. Without
// this script, a reload shows the same: the page is complete as served.
(function () {
  "use strict";
  var root = document.getElementById("deliberation");
  if (!root || !window.fetch) return;
  var url = root.dataset.stateUrl;
  var version = root.dataset.version;
  var current = document.getElementById("current-entry");
  var decisions = document.getElementById("decisions");
  var nothing = root.dataset.nothing;

  function show(state) {
    current.textContent = state.current ? state.current.code + " · " + state.current.title : nothing;
    current.dataset.code = state.current ? state.current.code : "";
    Array.prototype.forEach.call(document.querySelectorAll("#ranking tr[data-code]"), function (row) {
      var here = state.current && row.dataset.code === state.current.code;
      row.classList.toggle("current", !!here);
      if (here) row.setAttribute("aria-current", "true");
      else row.removeAttribute("aria-current");
    });
    decisions.textContent = "";
    if (!state.decisions.length) {
      var none = document.createElement("li");
      none.className = "empty";
      none.textContent = root.dataset.noDecision;
      decisions.appendChild(none);
    }
    state.decisions.forEach(function (decision) {
      var item = document.createElement("li");
      item.dataset.kind = decision.kind;
      item.textContent = decision.text + " — " + decision.at;
      decisions.appendChild(item);
    });
    root.dataset.open = state.open ? "1" : "0";
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (state && state.version !== version) {
          version = state.version;
          show(state);
        }
      })
      .catch(function () {})
      .then(function () { window.setTimeout(poll, 1000); });
  }
  window.setTimeout(poll, 1000);
})();
