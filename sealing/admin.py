from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Charge


@admin.register(Charge)
class ChargeAdmin(SimpleHistoryAdmin):
    list_display = ("name", "article_zh", "chapter", "statutory_max", "statutory_max_months", "negligent",
                    "high_incidence", "national_security", "terrorism", "organized_crime", "drug")
    list_filter = ("chapter", "statutory_max", "negligent", "high_incidence", "national_security", "terrorism",
                   "organized_crime", "drug")
    search_fields = ("name", "article", "article_zh")
