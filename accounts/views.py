from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import CreateView, ListView, UpdateView

from core.views import FormPageMixin, PageMixin, ScopedObjectMixin

from . import services
from .forms import UserCreateForm, UserUpdateForm
from .models import User


def users_for(admin):
    """The logins the admin may manage (User.objects.manageable_by)."""
    return User.objects.manageable_by(admin).select_related("scope_region").prefetch_related("groups")


class UserListView(PageMixin, ListView):
    permission_required = "accounts.view_user"
    template_name = "accounts/user_list.html"
    paginate_by = 50

    def get_queryset(self):
        return users_for(self.request.user).order_by("scope_region_id", "username")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["locked"] = services.locked_usernames(u.username for u in context["object_list"])
        return context


class UserFormMixin(PageMixin, FormPageMixin):
    model = User
    template_name = "cooperatives/form.html"
    success_url = reverse_lazy("accounts:list")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"admin": self.request.user}

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Login “%(username)s” saved.") % {"username": self.object.username})
        return response


class UserCreateView(UserFormMixin, CreateView):
    permission_required = "accounts.add_user"
    form_class = UserCreateForm


class UserUpdateView(ScopedObjectMixin, UserFormMixin, UpdateView):
    permission_required = "accounts.change_user"
    form_class = UserUpdateForm

    def get_queryset(self):
        # The logins this admin manages: any other is a 404.
        return users_for(self.request.user)


class UnlockView(ScopedObjectMixin, View):
    """Lift a login's lockout after repeated wrong passwords (POST from the user list)."""

    permission_required = "accounts.change_user"
    http_method_names = ["post"]

    def get_queryset(self):
        return users_for(self.request.user)

    def post(self, request, *args, **kwargs):
        user = self.get_object()
        services.unlock(user)
        messages.success(
            request, _("Login “%(username)s” unlocked: it can sign in again.") % {"username": user.username}
        )
        return redirect("accounts:list")
