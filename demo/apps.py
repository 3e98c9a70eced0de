from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo and national-scale seeding (`load_demo`, `seed_scale`): the Jambi demo of the
    program's real figures and a synthetic nation for benchmarks. No page depends on it."""

    name = "demo"
    verbose_name = "KDKMP demo data"
