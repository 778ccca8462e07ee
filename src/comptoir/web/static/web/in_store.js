// "In store now" hears each check-in at this store by server-sent events: it says who just
// arrived in the live region and puts their card (orders waiting here...) at the top of the
// list, without a reload. The browser reconnects by itself when a stream ends, sending back
// the last event's id, so nobody is announced twice nor missed.
(function () {
  "use strict";
  var list = document.getElementById("shoppers");
  var live = document.getElementById("arrivals");
  if (!list || !live || !window.EventSource) return;
  var source = new EventSource(list.dataset.events);
  source.addEventListener("arrival", function (event) {
    var arrival = JSON.parse(event.data);
    live.hidden = false;
    live.textContent = arrival.message;
    if (!arrival.card) return;
    var nobody = document.getElementById("nobody");
    if (nobody) nobody.remove();
    var old = list.querySelector('[data-customer="' + arrival.customer_id + '"]');
    if (old) old.remove();
    var holder = document.createElement("ul");
    holder.innerHTML = arrival.card;
    var card = holder.firstElementChild;
    list.insertBefore(card, list.firstChild);
    if (window.htmx) window.htmx.process(card);
  });
})();
