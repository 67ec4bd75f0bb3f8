from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Agency, Organisation, OrganisationMember, ReceivingPoint, RoleAssignment, Unit, User


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0
    fields = ["code", "name", "kind", "parent", "is_active"]


class ReceivingPointInline(admin.TabularInline):
    model = ReceivingPoint
    extra = 0


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "parent", "calendar", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code", "short_name"]
    inlines = [UnitInline, ReceivingPointInline]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "agency", "is_active"]
    list_filter = ["kind", "agency"]
    search_fields = ["name", "code"]


@admin.register(ReceivingPoint)
class ReceivingPointAdmin(admin.ModelAdmin):
    list_display = ["name", "agency", "address", "is_active"]
    search_fields = ["name", "address"]


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    fk_name = "user"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "kind", "email", "phone", "is_active", "is_staff"]
    list_filter = ["kind", "is_active", "is_staff", "role_assignments__role"]
    search_fields = ["username", "full_name", "email", "phone", "id_number", "tax_code"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("MotCua profile"), {"fields": ("full_name", "kind", "phone", "id_number", "organisation_name", "tax_code")}),
    )
    inlines = [RoleAssignmentInline]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "agency", "unit"]
    list_filter = ["role", "agency"]
    search_fields = ["user__username", "user__full_name"]


class OrganisationMemberInline(admin.TabularInline):
    model = OrganisationMember
    extra = 0
    fields = ["user", "kind", "added_by", "added_at"]
    raw_id_fields = ["user", "added_by"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    """Businesses and their representatives; here an administrator changes a legal representative."""

    list_display = ["name", "tax_code", "created_at"]
    search_fields = ["name", "tax_code"]
    inlines = [OrganisationMemberInline]
