from django.apps import AppConfig


class KdkmpConfig(AppConfig):
    name = "kdkmp"
    verbose_name = "KDKMP Admin"
