"""qcity: the platform a city runs its quality-strong-city programme (质量强市) on."""

from .celery import app as celery_app

__all__ = ["celery_app"]
