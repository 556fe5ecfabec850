from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from platform_.accounts.models import Invitation, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_council_officer", "is_assessor", "is_staff"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password", "full_name"]}),
        (
            "Roles",
            {
                "fields": [
                    "is_council_officer",
                    "is_assessor",
                    "has_lived_experience",
                    "is_organisation_member",
                ]
            },
        ),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"fields": ["email", "password1", "password2"]})]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "role", "created_at", "status", "accepted_at", "revoked_at"]
    readonly_fields = ["nonce"]
