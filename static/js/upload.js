// Film upload on the entry page: Uppy core + @uppy/aws-s3 (multipart) against the contract of
// media_pipeline/urls.py. Parts go straight to storage (S3 mode) or to Django (local mode); the server creates,
// signs, lists, completes and aborts. Resume after a reload: the server lists the entry's open uploads; choosing
// the same file again (same name and size, and same modification time when this browser remembers it) continues
// that upload from the parts storage already holds.
(function () {
  "use strict";
  var root = document.getElementById("film-upload");
  var configNode = document.getElementById("film-upload-config");
  if (!root || !configNode || !window.Uppy) return;
  var config = JSON.parse(configNode.textContent);
  var text = config.strings;
  var csrfToken = root.getAttribute("data-csrf-token");
  var storageKey = "palmares-upload:" + config.entry;

  var input = root.querySelector("#film-file");
  var drop = root.querySelector(".upload-drop");
  var progressBox = root.querySelector(".upload-progress");
  var progressBar = progressBox.querySelector("progress");
  var percentText = root.querySelector(".upload-percent");
  var bytesText = root.querySelector(".upload-bytes");
  var speedText = root.querySelector(".upload-speed");
  var etaText = root.querySelector(".upload-eta");
  var pauseButton = root.querySelector(".upload-pause");
  var cancelButton = root.querySelector(".upload-cancel");
  var message = root.querySelector(".upload-message");
  var resumeBox = root.querySelector(".upload-resume");
  var current = document.querySelector(".film-current");

  function format(template, values) {
    return template.replace(/%\((\w+)\)[sd]/g, function (_, name) {
      return values[name];
    });
  }

  // The server's words for sizes (Django's filesizeformat in the page's language, see film_panel.py): the same
  // units, decimal separator, rounding (half to even, like Python's round) and non-breaking space.
  var sizes = config.sizes;

  function oneDecimal(value) {
    var exact = value.toFixed(100).replace(/0+$/, "");
    var tie = /^(\d+)\.(\d)5$/.exec(exact);
    if (!tie) return value.toFixed(1);
    var digit = Number(tie[2]);
    if (digit % 2 === 0) return tie[1] + "." + digit;
    return (Number(tie[1] + "." + digit) + 0.1).toFixed(1);
  }

  function formatBytes(bytes) {
    bytes = Math.floor(bytes);
    var units = ["KB", "MB", "GB", "TB", "PB"];
    var words;
    if (bytes < 1024) {
      words = format(bytes === 0 ? sizes.zero : bytes === 1 ? sizes.one : sizes.many, { size: String(bytes) });
    } else {
      var i = 0;
      var value = bytes / 1024;
      while (value >= 1024 && i < units.length - 1) {
        value /= 1024;
        i += 1;
      }
      words = sizes[units[i]].replace("%s", oneDecimal(value).replace(".", sizes.decimal));
    }
    return words.replace(/ /g, "\u00a0");
  }

  function formatDuration(seconds) {
    seconds = Math.max(0, Math.round(seconds));
    var h = Math.floor(seconds / 3600);
    var m = Math.floor((seconds % 3600) / 60);
    var s = seconds % 60;
    if (h) return h + " h " + String(m).padStart(2, "0") + " min";
    if (m) return m + " min " + String(s).padStart(2, "0") + " s";
    return s + " s";
  }

  function say(textValue, kind) {
    message.textContent = textValue || "";
    message.hidden = !textValue;
    message.className = "upload-message message" + (kind ? " " + kind : "");
  }

  // Same formula as media_pipeline.services.part_size_for.
  function partSizeFor(size) {
    var mebibyte = 1024 * 1024;
    var perPart = Math.ceil(size / config.maxParts);
    return Math.max(config.minPartSize, Math.ceil(perPart / mebibyte) * mebibyte);
  }

  function uploadUrl(uploadId, suffix) {
    return config.createUrl + encodeURIComponent(uploadId) + "/" + (suffix || "");
  }

  function api(method, url, body) {
    var options = { method: method, credentials: "same-origin", headers: { "X-CSRFToken": csrfToken } };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(url, options).then(function (response) {
      if (response.status === 204) return null;
      return response.json().then(
        function (data) {
          if (response.ok) return data;
          var error = new Error(data.message || response.statusText);
          error.code = data.error;
          error.status = response.status;
          throw error;
        },
        function () {
          var error = new Error(response.status === 404 ? text.sessionEnded : response.statusText);
          error.status = response.status;
          throw error;
        }
      );
    });
  }

  function remembered() {
    try {
      return JSON.parse(window.localStorage.getItem(storageKey) || "null");
    } catch (e) {
      return null;
    }
  }

  function remember(record) {
    try {
      if (record) window.localStorage.setItem(storageKey, JSON.stringify(record));
      else window.localStorage.removeItem(storageKey);
    } catch (e) {
      /* private browsing: resuming still works by name and size */
    }
  }

  // What the page offers to continue: the newest open upload the server knows for this entry.
  var unfinished = config.openUploads.length ? config.openUploads[0] : null;
  var record = remembered();
  if (record && (!unfinished || record.uploadId !== unfinished.uploadId)) {
    remember(null);
    record = null;
  }
  function showResumeOffer() {
    if (!unfinished) {
      resumeBox.hidden = true;
      return;
    }
    resumeBox.querySelector(".upload-resume-text").textContent = format(text.resumeOffer, {
      name: unfinished.name,
      size: formatBytes(unfinished.size),
    });
    resumeBox.hidden = false;
  }
  showResumeOffer();
  resumeBox.querySelector(".upload-discard").addEventListener("click", function () {
    var discarded = unfinished;
    unfinished = null;
    remember(null);
    showResumeOffer();
    api("DELETE", uploadUrl(discarded.uploadId)).catch(function () {});
  });

  function matchesUnfinished(file) {
    if (!unfinished || file.name !== unfinished.name || file.size !== unfinished.size) return false;
    return !(record && record.uploadId === unfinished.uploadId && record.lastModified !== file.lastModified);
  }

  // Parts are signed in batches (one request for up to SIGN_AHEAD parts), and ahead of need: when a part takes its
  // URL, the next SIGN_LOOKAHEAD parts must already be signed or asked for, so that no part waits for a signing
  // round trip to Django. Each signed URL is used once; a retry after a failure or an expiry asks for a fresh one.
  var SIGN_AHEAD = 8;
  var SIGN_LOOKAHEAD = 4;
  var SIGNED_URL_MAX_AGE_MS = 60 * 1000;
  var signing = {};

  function requestSignatures(uploadId, state, first, last, includeFirst) {
    var numbers = [];
    for (var n = first; n <= last && numbers.length < SIGN_AHEAD; n += 1) {
      if ((n === first && includeFirst) || !state.requested[n]) numbers.push(n);
    }
    if (!numbers.length) return;
    var now = Date.now();
    var batch = api("POST", uploadUrl(uploadId, "parts/sign/"), { partNumbers: numbers });
    numbers.forEach(function (number) {
      var promise = batch.then(function (data) {
        return data.urls[String(number)];
      });
      promise.catch(function () {});
      state.slots[number] = { at: now, batch: batch, promise: promise };
      state.requested[number] = true;
    });
    batch.catch(function () {
      numbers.forEach(function (number) {
        if (state.slots[number] && state.slots[number].batch === batch) {
          delete state.slots[number];
          delete state.requested[number];
        }
      });
    });
  }

  function signPart(file, options) {
    var state = signing[options.uploadId] || (signing[options.uploadId] = { slots: {}, requested: {} });
    var last = Math.ceil(file.size / partSizeFor(file.size));
    var number = options.partNumber;
    var slot = state.slots[number];
    if (!slot || Date.now() - slot.at > SIGNED_URL_MAX_AGE_MS) {
      requestSignatures(options.uploadId, state, number, last, true);
      slot = state.slots[number];
    }
    delete state.slots[number];
    var ahead = Math.min(last, number + SIGN_LOOKAHEAD);
    if (ahead > number && !state.requested[ahead]) requestSignatures(options.uploadId, state, number + 1, last, false);
    return slot.promise.then(function (url) {
      return { method: "PUT", url: url, headers: {} };
    });
  }

  var uppy = new window.Uppy.Uppy({ autoProceed: false, allowMultipleUploadBatches: true });
  uppy.use(window.Uppy.AwsS3, {
    shouldUseMultipart: true,
    limit: 4,
    retryDelays: [0, 1000, 3000, 5000, 10000, 20000, 30000],
    getChunkSize: function (file) {
      return partSizeFor(file.size);
    },
    createMultipartUpload: function (file) {
      return api("POST", config.createUrl, { filename: file.name, type: file.type || "", size: file.size }).then(
        function (data) {
          remember({ uploadId: data.uploadId, key: data.key, lastModified: file.data.lastModified });
          return { uploadId: data.uploadId, key: data.key };
        }
      );
    },
    listParts: function (file, options) {
      return api("GET", uploadUrl(options.uploadId, "parts/"));
    },
    signPart: signPart,
    completeMultipartUpload: function (file, options) {
      showFinishing();
      var parts = options.parts.map(function (part) {
        return { PartNumber: part.PartNumber, ETag: part.ETag };
      });
      return api("POST", uploadUrl(options.uploadId, "complete/"), { parts: parts });
    },
    abortMultipartUpload: function (file, options) {
      return api("DELETE", uploadUrl(options.uploadId));
    },
  });

  function forgetFiles() {
    uppy.getFiles().forEach(function (file) {
      uppy.removeFile(file.id);
    });
  }

  var samples = [];
  var activeFileId = null;
  var state = "idle"; // idle | uploading | paused | failed | done

  function setState(next) {
    state = next;
    root.setAttribute("data-upload-state", next);
    pauseButton.textContent = next === "paused" ? text.resume : next === "failed" ? text.retry : text.pause;
    // Once the upload is over (sent, cancelled or refused), nothing is left to pause or cancel.
    var over = next === "done" || next === "idle";
    pauseButton.disabled = cancelButton.disabled = over;
    pauseButton.hidden = cancelButton.hidden = over;
    input.disabled = next === "uploading" || next === "paused" || next === "failed";
    drop.classList.toggle("disabled", input.disabled);
  }

  function showFinishing() {
    etaText.textContent = text.finishing;
  }

  function showProgress(uploaded, total) {
    var now = Date.now();
    samples.push([now, uploaded]);
    while (samples.length > 2 && now - samples[0][0] > 8000) samples.shift();
    var percent = total ? Math.floor((uploaded / total) * 100) : 0;
    progressBar.value = percent;
    percentText.textContent = percent + " %";
    bytesText.textContent = formatBytes(uploaded) + " / " + formatBytes(total);
    var first = samples[0];
    var seconds = (now - first[0]) / 1000;
    if (seconds >= 1 && uploaded > first[1]) {
      var speed = (uploaded - first[1]) / seconds;
      speedText.textContent = format(text.speed, { speed: formatBytes(speed) });
      etaText.textContent = format(text.timeLeft, { time: formatDuration((total - uploaded) / speed) });
    }
  }

  function resetProgress() {
    samples = [];
    speedText.textContent = "";
    etaText.textContent = "";
  }

  function refuse(file) {
    if (file.size > config.maxFileSize) {
      return format(text.tooBig, { size: formatBytes(file.size), limit: formatBytes(config.maxFileSize) });
    }
    if (file.size === 0) return text.empty;
    var dot = file.name.lastIndexOf(".");
    var extension = dot >= 0 ? file.name.slice(dot).toLowerCase() : "";
    var generic = !file.type || file.type === "application/octet-stream";
    if (!(file.type.indexOf("video/") === 0 || (generic && config.videoExtensions.indexOf(extension) >= 0))) {
      return text.notVideo;
    }
    return null;
  }

  function start(file) {
    if (state === "uploading" || state === "paused" || state === "failed") return;
    var refusal = refuse(file);
    if (refusal) {
      say(refusal, "error");
      return;
    }
    say("");
    forgetFiles();
    var resuming = matchesUnfinished(file) ? unfinished : null;
    activeFileId = uppy.addFile({ name: file.name, type: file.type, data: file, source: "local" });
    if (resuming) {
      uppy.setFileState(activeFileId, { s3Multipart: { uploadId: resuming.uploadId, key: resuming.key } });
      remember({ uploadId: resuming.uploadId, key: resuming.key, lastModified: file.lastModified });
      say(format(text.resuming, { name: file.name }));
    }
    resumeBox.hidden = true;
    resetProgress();
    progressBox.hidden = false;
    showProgress(0, file.size);
    setState("uploading");
    uppy.upload();
  }

  input.addEventListener("change", function () {
    if (input.files.length) start(input.files[0]);
    input.value = "";
  });
  ["dragenter", "dragover"].forEach(function (name) {
    drop.addEventListener(name, function (event) {
      event.preventDefault();
      drop.classList.add("dragging");
    });
  });
  ["dragleave", "drop"].forEach(function (name) {
    drop.addEventListener(name, function (event) {
      event.preventDefault();
      drop.classList.remove("dragging");
    });
  });
  drop.addEventListener("drop", function (event) {
    var files = event.dataTransfer && event.dataTransfer.files;
    if (files && files.length) start(files[0]);
  });

  pauseButton.addEventListener("click", function () {
    if (!activeFileId) return;
    if (state === "failed") {
      say("");
      setState("uploading");
      resetProgress();
      uppy.retryUpload(activeFileId);
      return;
    }
    var paused = uppy.pauseResume(activeFileId);
    resetProgress();
    setState(paused ? "paused" : "uploading");
    say(paused ? text.paused : "");
  });

  cancelButton.addEventListener("click", function () {
    uppy.cancelAll();
    remember(null);
    unfinished = null;
    activeFileId = null;
    progressBox.hidden = true;
    setState("idle");
    say(text.cancelled);
  });

  uppy.on("upload-progress", function (file, progress) {
    if (file && file.id === activeFileId && state === "uploading") {
      showProgress(progress.bytesUploaded, progress.bytesTotal);
    }
  });

  uppy.on("upload-error", function (file, error) {
    if (!file || file.id !== activeFileId) return;
    resetProgress();
    if (error && (error.code === "too_big" || error.code === "upload_closed" || error.status === 404)) {
      // Final answers: nothing to resume.
      remember(null);
      unfinished = null;
      forgetFiles();
      activeFileId = null;
      progressBox.hidden = true;
      setState("idle");
      say(error.status === 404 ? text.sessionEnded : error.message, "error");
      return;
    }
    setState("failed");
    say(format(text.failed, { reason: (error && error.message) || "" }), "error");
  });

  uppy.on("upload-success", function (file, response) {
    if (!file || file.id !== activeFileId) return;
    remember(null);
    unfinished = null;
    setState("done");
    var total = file.size;
    progressBox.hidden = true; // the film's line below says what was received
    var film = response && response.body && response.body.film;
    // film-status.js forgets what it said of the previous file and asks about this one at once.
    document.dispatchEvent(new CustomEvent("palmares:film-uploaded", { detail: { film: film || null } }));
    current.setAttribute("data-film-state", film ? film.state : "received");
    current.textContent = "";
    var status = document.createElement("span");
    status.className = "status status-received";
    // The server's label for the state (as the film's line it renders: capitalised), until film-status.js swaps in
    // the server's line.
    var label = film && film.stateLabel ? film.stateLabel : text.received;
    status.textContent = label.charAt(0).toUpperCase() + label.slice(1);
    current.appendChild(status);
    current.appendChild(document.createTextNode(" " + file.name + " · " + formatBytes(total)));
    say("");
  });

  setState("idle");
})();
