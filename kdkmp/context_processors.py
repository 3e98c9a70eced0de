from core.scoping import caseload_assistant_id


def roles(request):
    """`caseload_only`: the page is seen by a BA's own login, which reaches only its caseload
    (templates then show names without links that would lead to a 404)."""
    return {"caseload_only": bool(caseload_assistant_id(getattr(request, "user", None)))}
