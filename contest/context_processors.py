from .models import Contest, ContestRole, Team


def navigation(request):
    """The contests the signed-in person has a role in, for the menu."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_roles": []}
    roles = []
    for role in ContestRole.objects.filter(user=user).select_related("contest").order_by("contest__slug", "role"):
        roles.append({"contest": role.contest, "role": role.role})
    for team in Team.objects.filter(memberships__user=user).select_related("contest").order_by("contest__slug"):
        roles.append({"contest": team.contest, "role": "team"})
    if user.is_superuser and not any(item["role"] == "organiser" for item in roles):
        roles.extend({"contest": contest, "role": "organiser"} for contest in Contest.objects.all())
    return {"nav_roles": roles}
