// The store locator's map: Leaflet on OpenStreetMap tiles, drawn from the list's own data.
// Everything on the page works without it (no tiles offline, no JavaScript): the list is the page.
(function () {
  var element = document.getElementById("map");
  var data = document.getElementById("store-markers");
  if (!element || !data || typeof L === "undefined") return;
  var markers = JSON.parse(data.textContent);
  if (!markers.length) { element.hidden = true; return; }
  var map = L.map(element, { scrollWheelZoom: false });
  L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 18,
    attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
  }).addTo(map);
  var bounds = [];
  markers.forEach(function (store) {
    var marker = L.marker([store.lat, store.lon], { title: store.name, alt: store.name }).addTo(map);
    var link = document.createElement("a");
    link.href = store.url;
    link.textContent = store.name + " (" + store.city + ")";
    marker.bindPopup(link);
    bounds.push([store.lat, store.lon]);
  });
  map.fitBounds(bounds, { padding: [24, 24], maxZoom: 13 });
})();
