"""The product's URLs and the benchmark's reference admin (bench/reference_admin.py)."""
from django.urls import path

from config.urls import urlpatterns as product

from reference_admin import site

urlpatterns = [path("bench-admin/", site.urls), *product]
