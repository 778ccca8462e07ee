// The kiosk starts over after a while without a touch: any touch, click, key or scroll restarts
// the countdown; at zero the "start over" form is sent, which empties the session (the basket,
// any message) server-side and brings the kiosk's home back. The delay is the body's
// data-kiosk-idle-seconds (60 on a real screen), read at every restart.
(function () {
  "use strict";
  var body = document.body;
  var form = document.getElementById("kiosk-start-over");
  if (!body || !form) { return; }
  var timer = null;

  function seconds() {
    var value = parseFloat(body.dataset.kioskIdleSeconds);
    return value > 0 ? value : 60;
  }

  function startOver() {
    timer = null;
    form.submit();
  }

  function restart() {
    if (timer !== null) { window.clearTimeout(timer); }
    timer = window.setTimeout(startOver, seconds() * 1000);
  }

  ["pointerdown", "touchstart", "keydown", "input", "scroll", "wheel"].forEach(function (name) {
    window.addEventListener(name, restart, { passive: true, capture: true });
  });
  // The home page of an untouched kiosk (no basket, no language chosen) has nothing to forget.
  if (!("kioskPristine" in body.dataset) || document.querySelector("main .notice")) { restart(); }
  // Watched by a test that shortens the delay: changing the attribute restarts the countdown.
  new MutationObserver(restart).observe(body, { attributes: true, attributeFilter: ["data-kiosk-idle-seconds"] });
})();
