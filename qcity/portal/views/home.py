from django.shortcuts import render

from qcity.core.permissions import public_page


@public_page
def home(request):
    return render(request, "portal/home.html")
