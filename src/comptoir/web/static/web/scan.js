/* Camera scanning for any <input data-scan>: a "Scan" button beside it opens the camera,
   reads the first barcode it sees (EAN-13 and the other retail codes, Code 128, QR), fills
   the input, stops the camera and submits the input's form, as a keyboard-wedge scanner does
   by typing the code and Enter. The input keeps working without this script, a camera or
   the permission to use it; the button then says why it cannot scan.

   The reader is zxing-wasm (vendored, see docs/decisions/0038), loaded on the first press.
   The page gives the words and the files' addresses on #scan-text (data-* attributes). */
(function () {
  "use strict";
  var FORMATS = ["EAN13", "EAN8", "UPCA", "UPCE", "Code128", "QRCode"];
  var READS_PER_SECOND = 8;
  var text = {};
  var reader = null; // a promise of the ZXingWASM global, once loaded

  function loadReader() {
    if (!reader) {
      reader = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = text.reader;
        script.onload = function () {
          var wasm = text.wasm;
          window.ZXingWASM.prepareZXingModule({
            overrides: {
              locateFile: function (path, prefix) {
                return path.endsWith(".wasm") ? wasm : prefix + path;
              },
            },
            fireImmediately: true,
          }).then(function () { resolve(window.ZXingWASM); }, reject);
        };
        script.onerror = reject;
        document.head.appendChild(script);
      });
      reader.catch(function () { reader = null; }); // a later press may try again
    }
    return reader;
  }

  function cameraProblem(error) {
    var name = error && error.name;
    if (name === "NotAllowedError" || name === "SecurityError") return text.denied;
    if (name === "NotFoundError" || name === "OverconstrainedError") return text.noCamera;
    if (name === "NotReadableError" || name === "AbortError") return text.busy;
    return text.failed;
  }

  function enhance(input) {
    if (input.dataset.scanReady) return;
    input.dataset.scanReady = "1";
    var id = input.id || (input.id = "scan-" + Math.random().toString(36).slice(2));
    var row = document.createElement("div");
    row.className = "scan-row";
    var focused = document.activeElement === input || input.autofocus;
    input.parentNode.insertBefore(row, input);
    row.appendChild(input);
    if (focused) input.focus();  // moving an element loses its focus (and its autofocus)

    var button = document.createElement("button");
    button.type = "button";
    button.className = "scan-button secondary";
    button.textContent = text.scan;
    button.setAttribute("aria-controls", id + "-camera");
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-describedby", id + "-scan-status");
    row.appendChild(button);

    var view = document.createElement("div");
    view.className = "scan-view";
    view.id = id + "-camera";
    view.hidden = true;
    var video = document.createElement("video");
    video.muted = true;
    video.playsInline = true;
    video.setAttribute("aria-label", text.viewfinder);
    var stopButton = document.createElement("button");
    stopButton.type = "button";
    stopButton.className = "secondary";
    stopButton.textContent = text.stop;
    view.appendChild(video);
    view.appendChild(stopButton);

    var status = document.createElement("p");
    status.className = "scan-status muted";
    status.id = id + "-scan-status";
    status.setAttribute("role", "status");
    row.parentNode.insertBefore(view, row.nextSibling);
    view.parentNode.insertBefore(status, view.nextSibling);

    var stream = null;
    var timer = null;
    var canvas = document.createElement("canvas");
    var context = canvas.getContext("2d", { willReadFrequently: true });

    function stop() {
      if (timer) clearTimeout(timer);
      timer = null;
      if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
      stream = null;
      video.srcObject = null;
      view.hidden = true;
      button.setAttribute("aria-expanded", "false");
    }

    function found(code) {
      stop();
      input.value = code;
      status.textContent = text.found + " " + code;
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
      if (input.form) {
        if (input.form.requestSubmit) input.form.requestSubmit();
        else input.form.submit();
      } else {
        input.focus();
      }
    }

    function readFrame(zxing) {
      if (!stream) return;
      var width = video.videoWidth;
      var height = video.videoHeight;
      if (!width || !height) {
        timer = setTimeout(function () { readFrame(zxing); }, 1000 / READS_PER_SECOND);
        return;
      }
      canvas.width = width;
      canvas.height = height;
      context.drawImage(video, 0, 0, width, height);
      zxing.readBarcodes(context.getImageData(0, 0, width, height), {
        formats: FORMATS, tryHarder: true, maxNumberOfSymbols: 1,
      }).then(function (results) {
        var hit = results.filter(function (result) { return result.isValid && result.text; })[0];
        if (hit) found(hit.text);
        else if (stream) timer = setTimeout(function () { readFrame(zxing); }, 1000 / READS_PER_SECOND);
      }, function () {
        stop();
        status.textContent = text.failed;
      });
    }

    function start() {
      if (!window.isSecureContext || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
        status.textContent = text.unsupported;
        input.focus();
        return;
      }
      status.textContent = text.starting;
      var camera = navigator.mediaDevices.getUserMedia({
        video: { facingMode: { ideal: "environment" } }, audio: false,
      });
      Promise.all([camera, loadReader()]).then(function (both) {
        stream = both[0];
        video.srcObject = stream;
        view.hidden = false;
        button.setAttribute("aria-expanded", "true");
        status.textContent = text.aim;
        return video.play().then(function () { readFrame(both[1]); });
      }).catch(function (error) {
        camera.then(function (opened) {
          opened.getTracks().forEach(function (track) { track.stop(); });
        }, function () {});
        stop();
        status.textContent = error && error.name ? cameraProblem(error) : text.failed;
        input.focus();
      });
    }

    button.addEventListener("click", function () {
      if (stream) stop(); else start();
    });
    stopButton.addEventListener("click", function () {
      stop();
      status.textContent = "";
      button.focus();
    });
    view.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { stop(); button.focus(); }
    });
    stoppers.push({ input: input, stop: stop });
  }

  // Leaving the page, hiding it, or htmx replacing an input must never leave a camera on.
  var stoppers = [];
  function stopAll(within) {
    stoppers.forEach(function (scanner) {
      if (!within || within.contains(scanner.input)) scanner.stop();
    });
    // Forget the inputs an earlier swap took out of the page.
    stoppers = stoppers.filter(function (scanner) { return document.contains(scanner.input); });
  }
  window.addEventListener("pagehide", function () { stopAll(null); });
  document.addEventListener("visibilitychange", function () { if (document.hidden) stopAll(null); });
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.target) stopAll(event.detail.target);
  });

  function enhanceAll(root) {
    var source = document.getElementById("scan-text");
    if (!source) return;
    text = source.dataset;
    if (root.matches && root.matches("input[data-scan]")) enhance(root);
    root.querySelectorAll("input[data-scan]").forEach(enhance);
  }

  document.addEventListener("htmx:load", function (event) { enhanceAll(event.detail.elt); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhanceAll(document); });
  } else {
    enhanceAll(document);
  }
})();
