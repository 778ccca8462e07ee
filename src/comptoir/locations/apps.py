from django.apps import AppConfig


class LocationsConfig(AppConfig):
    name = "comptoir.locations"
    label = "locations"
