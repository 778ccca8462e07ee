// "Around me": ask the browser where the shopper is, then reload this page for that point
// (?lat=&lon=), which lists the nearest stores first. Without permission, signal or support it
// says so and the postcode form beside it keeps working; without JavaScript the button stays hidden.
(function () {
  document.querySelectorAll("[data-around-me]").forEach(function (box) {
    var button = box.querySelector("button");
    var status = box.querySelector("[role=status]");
    box.hidden = false;
    button.addEventListener("click", function () {
      if (!("geolocation" in navigator)) {
        status.textContent = box.dataset.unsupported;
        return;
      }
      status.textContent = box.dataset.locating;
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          var url = new URL(window.location.href);
          url.searchParams.delete("near");
          url.searchParams.set("lat", position.coords.latitude.toFixed(5));
          url.searchParams.set("lon", position.coords.longitude.toFixed(5));
          if (box.dataset.anchor) url.hash = box.dataset.anchor;
          window.location.assign(url.toString());
        },
        function () {
          status.textContent = box.dataset.denied;
          button.disabled = false;
        },
        { timeout: 15000, maximumAge: 300000 }
      );
    });
  });
})();
