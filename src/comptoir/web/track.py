"""The public tracking page, reached by the unguessable link in the customer's messages.
Thin: one selector call, one template (the API serves the same data at /api/v1/tracking/)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from comptoir.shipping.errors import ShipmentNotFound
from comptoir.shipping.selectors import tracking_page

STATUS_LABELS = {
    "info_received": "Colis annoncé au transporteur",
    "in_transit": "En route",
    "out_for_delivery": "En cours de livraison",
    "failed_attempt": "Livraison tentée, sans succès",
    "available_for_pickup": "Disponible au retrait",
    "delivered": "Livré",
    "exception": "Incident de transport",
    "returned_to_sender": "Retourné à l'expéditeur",
    "expired": "Non retiré à temps",
}


def track_parcel(request: HttpRequest, token: str) -> HttpResponse:
    try:
        page = tracking_page(token=token)
    except ShipmentNotFound:
        raise Http404("No such parcel.") from None
    page["status_label"] = STATUS_LABELS.get(page["status"], page["status"])
    for event in page["events"]:
        event["label"] = STATUS_LABELS.get(event["status"], event["status"])
    response = render(request, "web/track.html", page)
    response["X-Robots-Tag"] = "noindex"  # a private link must not end up in a search engine
    response["Referrer-Policy"] = "no-referrer"
    return response
