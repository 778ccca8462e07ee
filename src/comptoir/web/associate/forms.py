"""The associate app's forms: a scan or a typed code, a till line, a customer search."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ScanForm(forms.Form):
    code = forms.CharField(
        label=_("SKU or barcode"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "text", "data-scan": True}
        ),
    )


class TillScanForm(forms.Form):
    """A line for the basket: typed, from a keyboard-wedge scanner (it types, then Enter), or
    from the camera (`data-scan`)."""

    code = forms.CharField(
        label=_("SKU or barcode"),
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autofocus": True,
                "enterkeyhint": "done",
                "data-scan": "",
            }
        ),
    )
    quantity = forms.IntegerField(
        label=_("Quantity"), min_value=1, max_value=99, initial=1, required=False
    )


class TillQuantityForm(forms.Form):
    quantity = forms.IntegerField(label=_("Quantity"), min_value=0, max_value=99)


class TillCustomerForm(forms.Form):
    q = forms.CharField(
        label=_("Loyalty card, phone or cart code"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-scan": ""}),
    )


# What the customer does at the demo's card terminal (the fake PSP reads it from the token).
TERMINAL_CHOICES = [
    ("tok_terminal", _("The customer pays (approved)")),
    ("tok_declined_terminal", _("The card is declined")),
    ("tok_terminal_cancelled", _("The customer cancels")),
    ("tok_terminal_timeout", _("The terminal does not answer")),
]


class TillPaymentForm(forms.Form):
    card = forms.DecimalField(
        label=_("On the card"),
        min_value=0,
        max_digits=10,
        decimal_places=2,
        required=False,
        localize=True,  # "58,00" in French
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    cash_given = forms.DecimalField(
        label=_("Cash given"),
        min_value=0,
        max_digits=10,
        decimal_places=2,
        required=False,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    terminal = forms.ChoiceField(label=_("Card terminal (demo)"), choices=TERMINAL_CHOICES)
    take_out_of_online_cart = forms.BooleanField(
        label=_("Remove the items bought from the customer's online cart"), required=False
    )
    ticket = forms.CharField(widget=forms.HiddenInput, max_length=20)


class CustomerSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Loyalty card, email, phone or name"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-scan": True}),
    )


class HandoffForm(forms.Form):
    handoff = forms.CharField(
        label=_("Cart code (on the customer's screen)"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-scan": True}),
    )


class AisleSearchForm(forms.Form):
    q = forms.CharField(
        label=_("SKU, barcode or words"),
        max_length=80,
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-scan": True}),
    )


class AislePlaceForm(forms.Form):
    """Where the order goes, for the options it is shown (a GET: nothing is written)."""

    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=20, initial=1)
    postcode = forms.RegexField(
        label=_("Postcode of the delivery address"),
        regex=r"^\d{5}$",
        required=False,
        error_messages={"invalid": _("Five digits, such as 69002.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    other_store = forms.ChoiceField(label=_("Or collected in another store"), required=False)

    def __init__(self, *args: object, stores: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["other_store"].choices = [("", _("— none —")), *stores]


PAY_CHOICES = [
    ("link", _("Send a payment link to the customer")),
    ("counter", _("Pay at this counter (the till takes it with the order's reference)")),
]


class AisleOrderForm(forms.Form):
    """The order itself: the option chosen, the customer, the address, how it is paid."""

    option = forms.CharField(
        widget=forms.HiddenInput,
        required=True,
        error_messages={"required": _("Choose one of the possible deliveries.")},
    )
    quantity = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=20)
    other_store = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)
    ticket = forms.CharField(widget=forms.HiddenInput, max_length=40)
    customer = forms.CharField(
        label=_("Loyalty card, email or phone of a known customer"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    first_name = forms.CharField(label=_("First name"), max_length=60, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=60, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    name = forms.CharField(label=_("Deliver to (name)"), max_length=120, required=False)
    line1 = forms.CharField(label=_("Street and number"), max_length=200, required=False)
    postcode = forms.RegexField(
        label=_("Postcode"),
        regex=r"^\d{5}$",
        required=False,
        error_messages={"invalid": _("Five digits, such as 69002.")},
    )
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    pay = forms.ChoiceField(
        label=_("Payment"), choices=PAY_CHOICES, widget=forms.RadioSelect, initial="link"
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("auto_id", "order_%s")  # beside the place form on one page
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self) -> dict[str, object]:
        data = super().clean()
        where = str(data.get("option") or "").partition(":")[0]
        if not data.get("customer"):
            if not data.get("first_name"):
                self.add_error(
                    "first_name", _("Find the customer above, or give a new customer's name.")
                )
            if not (data.get("email") or data.get("phone")):
                self.add_error("email", _("Give an email or a phone to reach the customer."))
        if data.get("pay") == "link" and not data.get("customer") and not data.get("email"):
            self.add_error(
                "email",
                _("The payment link goes by email: give one, or take the payment at this counter."),
            )
        if where == "home":
            for name in ("name", "line1", "postcode", "city"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("Needed for a home delivery."))
        return data
