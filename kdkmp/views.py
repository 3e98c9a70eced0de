from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from cooperatives.selectors import counts_by_regency


@login_required
def home(request):
    rows = counts_by_regency(request.user)
    return render(
        request,
        "home.html",
        {"regency_counts": rows, "total": sum(n for _regency, n in rows)},
    )
