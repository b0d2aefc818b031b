"""The public complaint disclosure (投诉公示; no login, figures only: see `qcity.complaints.disclosure`): one
enterprise's page, and the city's most complained-of categories of a year."""

from django.shortcuts import render
from django.utils import timezone

from qcity.core.permissions import public_page
from qcity.enterprises.models import Enterprise

from ..disclosure import complaint_disclosure, complaint_statistics, disclosure_enterprise_get
from ..filters import ComplaintDisclosureFilter

YEARS_OFFERED = 3  # the current year and the two before: the picker's links


@public_page
def complaint_disclosure_page(request, uscc):
    enterprise = disclosure_enterprise_get(uscc)
    today = timezone.localdate()
    year = ComplaintDisclosureFilter.for_page(request.GET, queryset=Enterprise.objects.none()).form.cleaned_data.get("year")
    disclosure = complaint_disclosure(enterprise=enterprise, today=today, year=year)
    years = [today.year - n for n in range(YEARS_OFFERED)]
    return render(request, "complaints/public/disclosure.html",
                  {"enterprise": enterprise, "disclosure": disclosure, "years": years})


@public_page
def complaint_statistics_page(request):
    today = timezone.localdate()
    year = ComplaintDisclosureFilter.for_page(request.GET, queryset=Enterprise.objects.none()).form.cleaned_data.get("year")
    statistics = complaint_statistics(year=year or today.year)
    years = [today.year - n for n in range(YEARS_OFFERED)]
    return render(request, "complaints/public/disclosure_statistics.html", {"statistics": statistics, "years": years})
