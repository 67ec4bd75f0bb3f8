from django.contrib import admin

from motcua.outreach.models import Campaign, OutreachConsent


@admin.register(OutreachConsent)
class OutreachConsentAdmin(admin.ModelAdmin):
    """Consents are given and withdrawn by the people themselves: the admin reads them."""

    list_display = ["phone", "email", "agency", "source", "given_at", "withdrawn_at"]
    list_filter = ["source", "agency", "withdrawn_via"]
    search_fields = ["phone", "email", "dossier_code"]
    readonly_fields = [f.name for f in OutreachConsent._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    """Campaigns are built and sent on their pages (/mot-cua/truyen-thong/chien-dich/); the admin reads them."""

    list_display = ["name", "agency", "channel", "status", "started_at"]
    list_filter = ["status", "channel", "agency"]
    readonly_fields = [f.name for f in Campaign._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False
