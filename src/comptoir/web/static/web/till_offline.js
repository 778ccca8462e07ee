/* The till when the network drops (docs/decisions/0043). No build step.

   Online, it keeps the store's price book (each price sealed by the server) in localStorage.
   Offline, it hides the online till and sells from that book, for cash only (the card
   terminal needs the network): a sale gets its ticket from the phone's CSPRNG, then waits in
   a queue in localStorage. The queue is sent on `online`, on load and every 30 s, one sale at
   a time, under a Web Lock so two tabs do not send together (the server records a ticket once
   anyway). A sale leaves the queue only when the server says it is recorded; a sale it
   refuses stays, marked, for a manager: the customer paid it.

   The page gives the words and the addresses on #till-offline-text (data-* attributes). */
(function () {
  "use strict";
  var text = document.getElementById("till-offline-text");
  if (!text || !window.localStorage) return;
  var words = text.dataset;
  var BOOK = "comptoir.till.book." + words.store;
  // One key per queued sale: two tabs adding or sending sales never overwrite each other's.
  var QUEUE = "comptoir.till.queue." + words.store + ".";
  var LARGEST_NOTE = 50000; // cents: change of 500 or more is a typing mistake (orders.domain)
  var basket = []; // {sku, name, cents, currency, seal, quantity}
  var $ = function (id) { return document.getElementById(id); };

  function read(key, fallback) {
    try { return JSON.parse(localStorage.getItem(key)) || fallback; } catch (e) { return fallback; }
  }
  function write(key, value) { localStorage.setItem(key, JSON.stringify(value)); }
  function queued() {
    var sales = [];
    for (var i = 0; i < localStorage.length; i++) {
      var key = localStorage.key(i);
      if (key && key.indexOf(QUEUE) === 0) {
        var sale = read(key, null);
        if (sale) sales.push(sale);
      }
    }
    return sales.sort(function (a, b) { return a.sold_at < b.sold_at ? -1 : 1; });
  }

  function cents(amount) {
    var match = /^\s*(\d{1,7})(?:[.,](\d{1,2}))?\s*$/.exec(String(amount));
    if (!match) return null;
    return parseInt(match[1], 10) * 100 + parseInt(((match[2] || "") + "00").slice(0, 2), 10);
  }
  function decimal(value) { return (value / 100).toFixed(2); }
  function money(value, currency) {
    try {
      return new Intl.NumberFormat(document.documentElement.lang || undefined, {
        style: "currency", currency: currency || "EUR",
      }).format(value / 100);
    } catch (e) { return decimal(value) + " " + currency; }
  }
  function ticket() {
    var bytes = new Uint8Array(8);
    crypto.getRandomValues(bytes);
    return "T-" + Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("").toUpperCase();
  }

  /* --- the price book ------------------------------------------------------------------ */
  var BOOK_FRESH_FOR = 30 * 60 * 1000; // ms: a store's book can weigh a megabyte; its seals last days
  function fetchBook() {
    var kept = read(BOOK, null);
    if (!navigator.onLine || (kept && Date.now() - kept.kept_at < BOOK_FRESH_FOR)) {
      showBook();
      return Promise.resolve();
    }
    return fetch(words.prices, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        var json = (response.headers.get("Content-Type") || "").indexOf("application/json") >= 0;
        if (!response.ok || !json) throw new Error("no price book");
        return response.json();
      })
      .then(function (book) { book.kept_at = Date.now(); write(BOOK, book); showBook(); })
      .catch(function () { showBook(); });
  }
  function showBook() {
    var book = read(BOOK, null);
    var line = $("till-offline-book");
    line.hidden = !book;
    if (book) line.textContent = words.book.replace("__N__", book.items.length);
  }
  function lookUp(code) {
    var book = read(BOOK, null);
    if (!book) return { problem: words.noBook };
    code = code.trim();
    var padded = /^\d{8,14}$/.test(code) ? ("00000000000000" + code).slice(-14) : null;
    for (var i = 0; i < book.items.length; i++) {
      var item = book.items[i];
      if (item.sku.toUpperCase() === code.toUpperCase() || (padded && item.gtin === padded)) {
        return { item: item };
      }
    }
    return { problem: words.unknown };
  }

  /* --- selling offline ----------------------------------------------------------------- */
  function total() {
    return basket.reduce(function (sum, line) { return sum + line.cents * line.quantity; }, 0);
  }
  function currency() { return basket.length ? basket[0].currency : "EUR"; }
  function problem(message) {
    var box = $("till-offline-problem");
    box.hidden = !message;
    box.textContent = message || "";
  }
  function drawBasket() {
    var list = $("till-offline-lines");
    list.textContent = "";
    basket.forEach(function (line, index) {
      var item = document.createElement("li");
      item.dataset.sku = line.sku;
      var what = document.createElement("div");
      what.className = "till-line-what";
      what.innerHTML = "<strong></strong><br><span class='muted'></span>";
      what.querySelector("strong").textContent = line.name || line.sku;
      what.querySelector("span").textContent =
        line.quantity + " × " + line.sku + " · " + money(line.cents, line.currency);
      var amount = document.createElement("div");
      amount.className = "till-line-amount";
      amount.textContent = money(line.cents * line.quantity, line.currency);
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "secondary";
      remove.textContent = words.remove;
      var hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      hidden.textContent = " " + line.sku;
      remove.appendChild(hidden);
      remove.addEventListener("click", function () { basket.splice(index, 1); drawBasket(); });
      item.append(what, amount, remove);
      list.appendChild(item);
    });
    $("till-offline-total").textContent = money(total(), currency());
    $("till-offline-take").textContent = words.take.replace("__TOTAL__", money(total(), currency()));
    $("till-offline-pay").hidden = basket.length === 0;
  }
  function add(event) {
    event.preventDefault();
    var input = $("till-offline-code");
    var found = lookUp(input.value);
    if (!found.item) { problem(found.problem); return; }
    problem("");
    var item = found.item;
    var line = basket.filter(function (l) { return l.sku === item.sku; })[0];
    if (line) line.quantity += 1;
    else basket.push({ sku: item.sku, name: item.name, cents: cents(item.price),
                       currency: item.currency, seal: item.seal, quantity: 1 });
    input.value = "";
    $("till-offline-sold").hidden = true;
    drawBasket();
    input.focus();
  }
  function take(event) {
    event.preventDefault();
    var due = total();
    var given = cents($("till-offline-cash").value);
    if (!basket.length) return;
    if (given === null || given < due) { problem(words.short); return; }
    if (given - due >= LARGEST_NOTE) { problem(words.tooMuch); return; }
    problem("");
    var sale = {
      ticket: ticket(),
      sold_at: new Date().toISOString(),
      cash_given: decimal(given),
      lines: basket.map(function (l) { return { seal: l.seal, quantity: l.quantity }; }),
      total: decimal(due),
      currency: currency(),
      state: "waiting",
    };
    write(QUEUE + sale.ticket, sale);
    var sold = $("till-offline-sold");
    sold.textContent = words.sold.replace("__TOTAL__", money(due, sale.currency))
      .replace("__CHANGE__", money(given - due, sale.currency));
    sold.hidden = false;
    basket = [];
    $("till-offline-cash").value = "";
    drawBasket();
    drawQueue();
    $("till-offline-code").focus();
  }

  /* --- the queue ----------------------------------------------------------------------- */
  function drawQueue() {
    var queue = queued();
    var waiting = queue.filter(function (s) { return s.state === "waiting"; }).length;
    var refused = queue.filter(function (s) { return s.state === "refused"; });
    var line = $("till-queue");
    line.hidden = waiting === 0;
    // The two sentences were drawn for 1 and for 2: the right plural, its number put back.
    line.textContent = waiting === 1 ? words.waitingOne
      : words.waitingOther.replace("2", String(waiting));
    var list = $("till-refused");
    list.textContent = "";
    list.hidden = refused.length === 0;
    refused.forEach(function (sale) {
      var item = document.createElement("li");
      item.textContent = sale.ticket + " · " + money(cents(sale.total), sale.currency) + " — "
        + words.refused + " " + (sale.detail || "");
      list.appendChild(item);
    });
  }
  function forget(ticketSent, refusal) {
    var key = QUEUE + ticketSent;
    var sale = read(key, null);
    if (sale && refusal) { sale.state = "refused"; sale.detail = refusal; write(key, sale); }
    else localStorage.removeItem(key);
    drawQueue();
  }
  function send(sale) {
    return fetch(words.sync, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": words.csrf,
                 Accept: "application/json" },
      // sent_at lets the server put sold_at on its own clock, however wrong the phone's is.
      body: JSON.stringify({ ticket: sale.ticket, sold_at: sale.sold_at,
                             sent_at: new Date().toISOString(),
                             cash_given: sale.cash_given, lines: sale.lines }),
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (response.ok && type.indexOf("application/json") >= 0) return forget(sale.ticket, null);
      if (response.status >= 400 && response.status < 500 && type.indexOf("problem+json") >= 0) {
        return response.json().then(function (body) { forget(sale.ticket, body.detail || "?"); });
      }
      throw new Error("try later"); // signed out, a server error: the sale waits
    });
  }
  var sending = false;
  function flush() {
    if (sending || !navigator.onLine) return Promise.resolve();
    sending = true;
    var run = function () {
      var waiting = queued().filter(function (s) { return s.state === "waiting"; });
      return waiting.reduce(function (done, sale) {
        return done.then(function () { return send(sale); });
      }, Promise.resolve());
    };
    var locked = navigator.locks
      ? navigator.locks.request("comptoir-till-sync-" + words.store, run)
      : run();
    return locked.catch(function () {}).then(function () { sending = false; drawQueue(); });
  }

  /* --- online and offline -------------------------------------------------------------- */
  // navigator.onLine sees the phone's own link only: a store's Wi-Fi may be up and its line
  // down. A HEAD to the sync address every 15 s tells whether the server answers.
  var unreachable = false;
  function ping() {
    if (!navigator.onLine) return;
    fetch(words.sync, { method: "HEAD", credentials: "same-origin", cache: "no-store" }).then(
      function () { if (unreachable) { unreachable = false; showMode(); flush(); fetchBook(); } },
      function () { if (!unreachable) { unreachable = true; showMode(); } });
  }
  function showMode() {
    var offline = !navigator.onLine || unreachable;
    var online = document.getElementById("till");
    if (online) {  // .till is a grid, which the hidden attribute alone does not override
      online.hidden = offline;
      online.style.display = offline ? "none" : "";
    }
    $("till-offline").hidden = !offline;
    if (offline) { drawBasket(); $("till-offline-code").focus(); }
  }
  $("till-offline-scan").addEventListener("submit", add);
  $("till-offline-pay").addEventListener("submit", take);
  window.addEventListener("offline", showMode);
  window.addEventListener("online", function () { showMode(); flush(); fetchBook(); });
  window.addEventListener("storage", function (event) { if (event.key && event.key.indexOf(QUEUE) === 0) drawQueue(); });
  setInterval(flush, 30000);
  setInterval(ping, 15000);
  showMode();
  drawQueue();
  showBook();
  fetchBook().then(flush);
})();
