// The juror's entry page: autosave of draft scores, and how far the film was played.
// The server decides everything (scale, round dates, watched share) and words every message; this only saves
// people's work early and shows what the server answered, beside the field it concerns.
(function () {
  "use strict";
  var form = document.getElementById("score-form");
  var video = document.querySelector("#film[data-watched-url]"); // none once the round is closed: nothing to report
  var texts = document.getElementById("score-messages");
  var csrf = form ? form.querySelector("input[name=csrfmiddlewaretoken]").value : "";

  function post(url, body, keepalive) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: !!keepalive,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body),
    });
  }

  // Watched share: the furthest position reached, reported every 5 seconds of progress and when playing stops.
  // A film whose credits are cut for the jury (media_pipeline/jury_cut.py) plays from the cut's start: the player's
  // time t is the film's offset + t, and the server counts in the film's seconds.
  var offset = video ? parseFloat(video.getAttribute("data-film-offset")) || 0 : 0;
  var furthest = video ? Math.max(0, (parseFloat(video.getAttribute("data-watched-seconds")) || 0) - offset) : 0;
  var reported = furthest;
  // The server counts no more than the real time since playing started, never before it served the page (its
  // signed clock): each report says how long ago the film first played here, so a report held up behind the film's
  // download, or lost, costs the juror nothing. One that never arrived is sent again a second later, ten times at
  // most; any answer, even a refusal, means the server heard it.
  var firstPlayed = null;
  var failures = 0;
  var retry = null;
  function report(keepalive) {
    if (!video || !video.duration || !isFinite(video.duration) || furthest <= reported) return;
    var position = furthest;
    var previous = reported;
    reported = position;
    post(
      video.getAttribute("data-watched-url"),
      {
        position: position + offset,
        duration: video.duration,
        clock: video.getAttribute("data-watching-clock"),
        playing_for: firstPlayed === null ? 0 : (performance.now() - firstPlayed) / 1000,
      },
      keepalive
    )
      .then(function (response) {
        failures = 0;
        return response.json();
      })
      .then(function (data) {
        var status = document.getElementById("watched-status");
        if (status && data.ok) status.textContent = data.message;
      })
      .catch(function () {
        reported = Math.min(reported, previous);
        if (!keepalive && !retry && failures++ < 10) {
          retry = window.setTimeout(function () { retry = null; report(false); }, 1000);
        }
      });
  }
  if (video) {
    video.addEventListener("timeupdate", function () {
      // Only count what was played, not a jump ahead with the seek bar.
      if (!video.seeking && video.currentTime > furthest && video.currentTime - furthest < 2) furthest = video.currentTime;
      if (furthest - reported >= 5) report(false);
    });
    video.addEventListener("play", function () { if (firstPlayed === null) firstPlayed = performance.now(); });
    // On a slow connection the film can start before this script arrives: its "play" was missed. What the browser
    // says was played (its played ranges; only the one from the start counts towards the furthest point, as a jump
    // ahead does not) stands for it, and a film already paused is reported now.
    if (video.played.length) {
      var played = 0;
      for (var i = 0; i < video.played.length; i++) played += video.played.end(i) - video.played.start(i);
      firstPlayed = performance.now() - played * 1000;
      if (video.played.start(0) < 0.5) furthest = Math.max(furthest, video.played.end(0));
      if (video.paused) report(false);
    }
    video.addEventListener("pause", function () { report(false); });
    video.addEventListener("ended", function () { furthest = video.duration; report(false); });
    document.addEventListener("visibilitychange", function () { if (document.hidden) report(true); });
    window.addEventListener("pagehide", function () { report(true); });
  }

  if (!form) return;
  var status = document.getElementById("autosave-status");
  var submitted = form.dataset.submitted === "1";
  var timer = null;

  function draft() {
    var values = {};
    form.querySelectorAll("input[data-criterion]").forEach(function (input) {
      // A number input reads "" for text it cannot parse: send the text's absence as what it is, not a blank
      // (a blank clears the saved score), so that the server refuses it and keeps the score it has.
      values[input.dataset.criterion] = input.validity.badInput ? "?" : input.value;
    });
    return {
      values: values,
      private_comment: form.querySelector("#private_comment").value,
      team_feedback: form.querySelector("#team_feedback").value,
    };
  }

  // Each score's message beside its input, from the server's answer: {"fields": {"score_12": "…"}}.
  function mark(fields) {
    form.querySelectorAll("input[data-criterion]").forEach(function (input) {
      var error = form.querySelector('[data-error-for="' + input.name + '"]');
      var message = fields[input.name];
      if (message) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
      // The message is read with the field while there is one.
      var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
        return id && (!error || id !== error.id);
      });
      if (message && error) described.push(error.id);
      if (described.length) input.setAttribute("aria-describedby", described.join(" "));
      else input.removeAttribute("aria-describedby");
      if (error) {
        error.textContent = message || "";
        error.hidden = !message;
      }
    });
  }

  // One draft on its way at a time: two in flight could arrive in either order and the older one, written last,
  // would undo the newer. What is typed meanwhile leaves when the answer is back. The form's data-autosave says
  // where the draft is ("pending": typed, not sent; "saving"; "saved"; "failed"), and the status is busy until
  // the last keystroke is saved.
  var inflight = false;
  var again = false;
  function state(name) {
    form.dataset.autosave = name;
    status.setAttribute("aria-busy", name === "pending" || name === "saving" ? "true" : "false");
  }
  function schedule(delay) {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, delay);
    if (!inflight) state("pending");
  }
  function save() {
    timer = null;
    if (inflight) { again = true; return; }
    inflight = true;
    state("saving");
    var outcome = "failed";
    post(form.dataset.autosaveUrl, draft(), false)
      .then(function (response) { return response.json(); })
      .then(function (data) {
        status.textContent = data.message;
        status.classList.toggle("missing", !data.ok);
        if (data.fields) mark(data.fields);
        outcome = "saved";
      })
      .catch(function () { status.textContent = texts.dataset.failed; })
      .then(function () {
        inflight = false;
        if (again) { again = false; save(); }
        else state(timer ? "pending" : outcome);
      });
  }
  // Leaving the page (a link, a reload, a closed tab) within the pause after typing sends the draft on its way.
  function flush() {
    if (!timer) return;
    clearTimeout(timer);
    timer = null;
    post(form.dataset.autosaveUrl, draft(), true);
  }

  // The anchor of the score being typed stands out beside it (the same levels the server keys them by: "4", "13.5").
  function level(text) {
    var value = parseFloat(String(text).trim().replace(",", "."));
    return isFinite(value) ? String(value) : null;
  }
  function highlight(input) {
    var list = input.dataset && input.dataset.criterion && document.getElementById("anchors_" + input.dataset.criterion);
    if (!list) return;
    var typed = level(input.value);
    Array.prototype.forEach.call(list.querySelectorAll("li[data-level]"), function (item) {
      var current = typed !== null && level(item.dataset.level) === typed;
      item.classList.toggle("current", current);
      if (current) item.setAttribute("aria-current", "true");
      else item.removeAttribute("aria-current");
    });
  }
  form.addEventListener("input", function (event) { highlight(event.target); });

  if (!submitted) {
    form.addEventListener("input", function () { schedule(800); });
    document.addEventListener("visibilitychange", function () {
      if (document.hidden && timer) { clearTimeout(timer); save(); }
    });
    window.addEventListener("pagehide", flush);
  }

  // On a slow connection the form shows before this script arrives, and what the juror typed meanwhile fired no
  // event here: it is marked and saved now, as if typed after.
  var typedEarly = false;
  form.querySelectorAll("input[data-criterion], textarea").forEach(function (field) {
    if (field.value === field.defaultValue) return;
    typedEarly = true;
    highlight(field);
  });
  if (typedEarly && !submitted) schedule(0);

  form.addEventListener("submit", function (event) {
    var confirmField = document.getElementById("confirm_unwatched");
    if (confirmField) {
      var required = parseFloat(form.dataset.requiredShare) || 0.8;
      var share = video && video.duration ? furthest / video.duration : 0;
      if (share < required) {
        if (!window.confirm(texts.dataset.confirm)) { event.preventDefault(); return; }
        confirmField.value = "1";
      }
      report(true);
    }
    // The submitted form carries every field: no draft is to follow it.
    if (timer) { clearTimeout(timer); timer = null; }
  });
})();
