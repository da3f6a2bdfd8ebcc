from django import forms
from django.contrib import admin, messages
from django.utils import timezone

from .enums import Scope
from .models import ApiClient, Decision, DeliveryAttempt, Webhook, WebhookDelivery, parse_rate
from .services import api_client_issue, api_client_revoke, api_client_rotate, webhook_register


class ApiClientForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        choices=Scope.choices, widget=forms.CheckboxSelectMultiple, initial=[Scope.ELIGIBILITY]
    )

    class Meta:
        model = ApiClient
        fields = ("name", "scopes", "throttle_rate")

    def clean_throttle_rate(self):
        rate = self.cleaned_data["throttle_rate"].strip()
        if rate:
            try:
                parse_rate(rate)
            except (ValueError, KeyError):
                raise forms.ValidationError(
                    "Write it as COUNT/UNIT, e.g. 600/min, 20/s, 10000/day."
                ) from None
        return rate


def _show_key_once(request, client, token):
    messages.warning(
        request,
        f"The key of {client.name} is {token} — copy it now: it is stored hashed and will not be shown again.",
    )


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    form = ApiClientForm
    list_display = ("name", "token_prefix", "scope_list", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "token_prefix")
    readonly_fields = ("token_prefix", "created_at", "rotated_at", "last_used_at", "revoked_at")
    actions = ["revoke", "rotate"]

    @admin.display(description="scopes")
    def scope_list(self, obj):
        return ", ".join(obj.scopes)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        client, token = api_client_issue(name=obj.name, scopes=form.cleaned_data["scopes"])
        if obj.throttle_rate:
            client.throttle_rate = obj.throttle_rate
            client.save(update_fields=["throttle_rate"])
        obj.pk = client.pk
        _show_key_once(request, client, token)

    @admin.action(description="Revoke the selected clients' keys (they stop working at once)")
    def revoke(self, request, queryset):
        for client in queryset:
            api_client_revoke(client=client)
        self.message_user(request, f"Revoked {queryset.count()} key(s).")

    @admin.action(description="Issue a new key to the selected clients (the old key stops working)")
    def rotate(self, request, queryset):
        for client in queryset:
            _show_key_once(request, client, api_client_rotate(client=client))
            if client.revoked_at:
                ApiClient.objects.filter(pk=client.pk).update(revoked_at=None)


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    """The decision log is evidence: read-only here, pruned only by the retention task."""

    list_display = (
        "answered_at",
        "client",
        "employee_number",
        "case_type",
        "as_of",
        "eligible",
        "reason_codes",
    )
    list_filter = ("client", "case_type", "eligible")
    search_fields = ("employee_number",)
    date_hierarchy = "answered_at"
    list_select_related = ("client",)

    @admin.display(description="reasons")
    def reason_codes(self, obj):
        return ", ".join(f"{r['code']} {r.get('requirement') or ''}".strip() for r in obj.reasons)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DeliveryInline(admin.TabularInline):
    model = WebhookDelivery
    fields = ("created_at", "event", "status", "attempts", "delivered_at", "last_error")
    readonly_fields = fields
    extra = 0
    max_num = 0
    show_change_link = True
    ordering = ("-created_at",)


class WebhookForm(forms.ModelForm):
    url = forms.URLField(max_length=500, assume_scheme="https")

    class Meta:
        model = Webhook
        fields = ("client", "url", "case_type", "active")


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    form = WebhookForm
    list_display = ("client", "case_type", "url", "active", "created_at")
    list_filter = ("active", "client", "case_type")
    inlines = [DeliveryInline]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        hook = webhook_register(client=obj.client, url=obj.url, case_type=obj.case_type)
        if not obj.active:
            Webhook.objects.filter(pk=hook.pk).update(active=False)
        obj.pk = hook.pk
        messages.warning(
            request, f"The signing secret of this webhook is {hook.secret} — give it to the client now."
        )


class AttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    fields = ("number", "attempted_at", "response_status", "duration_ms", "error")
    readonly_fields = fields
    extra = 0
    max_num = 0


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "webhook", "event", "status", "attempts", "delivered_at")
    list_filter = ("status", "event", "webhook__client")
    readonly_fields = (
        "webhook",
        "event",
        "idempotency_key",
        "payload",
        "status",
        "attempts",
        "created_at",
        "delivered_at",
        "last_error",
    )
    inlines = [AttemptInline]
    actions = ["send_again"]
    list_select_related = ("webhook",)

    def has_add_permission(self, request):
        return False

    @admin.action(description="Send the selected deliveries again")
    def send_again(self, request, queryset):
        from .tasks import webhook_deliver

        ids = list(queryset.values_list("pk", flat=True))
        queryset.update(status="pending")
        for pk in ids:
            webhook_deliver.delay(pk)
        self.message_user(request, f"Queued {len(ids)} deliveries again at {timezone.now():%H:%M:%S}.")
