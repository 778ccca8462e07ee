from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "comptoir.integrations"
    label = "integrations"
