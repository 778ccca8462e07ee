"""The back office's catalogue writes: a product, its variants, its pictures, its prices.

Every write goes through the catalogue's services (their events and model signals fire, so
the storefront's caches forget what changed); a refusal is shown on the field it names.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django import forms
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.catalog.domain import gtin_check_digit, gtin_problem
from comptoir.catalog.pictures import pictures_of
from comptoir.catalog.selectors import category_list, price_rules_of_product, product_by_slug
from comptoir.catalog.services.editing import add_variant, edit_product, edit_variant
from comptoir.catalog.services.images import MAX_BYTES, add_product_image
from comptoir.catalog.services.prices import set_price
from comptoir.catalog.services.products import NewVariant, create_product
from comptoir.core.channels import CHANNELS
from comptoir.core.errors import DomainError
from comptoir.core.idempotency import idempotent
from comptoir.locations.selectors import location_list

from ..access import staff_actor
from ..plain_words import plain_words
from ..templatetags.web_extras import CHANNEL_NAMES

WRITE = "catalog.write"
MESSAGES = {
    "sku-taken": gettext_lazy("Another product already has this SKU."),
    "gtin-taken": gettext_lazy("Another product already has this barcode (GTIN)."),
    "product-slug-taken": gettext_lazy("Another product already has this web address."),
    "invalid-picture": gettext_lazy(
        "This file is not a picture we can read (JPEG, PNG, WebP…), or it is too large."
    ),
    "invalid-price": gettext_lazy("A price is zero or more, with at most two decimals."),
}


class RefusalForm(forms.Form):
    """A form that shows a service's refusal on the field the service named."""

    def show_refusal(self, error: DomainError) -> None:
        message = MESSAGES.get(error.code) or plain_words(error)[0]
        names = {e.get("field", "").rsplit(".", 1)[-1] for e in error.errors}
        named = [name for name in names if name in self.fields]
        for field in named or [None]:
            self.add_error(field, message)


def _gtin_message(code: str) -> str | None:
    problem = gtin_problem(code)
    if problem is None:
        return None
    if code.isascii() and code.isdigit() and "check digit" in problem:
        return _("This barcode's last digit should be %(digit)s: check the number.") % {
            "digit": gtin_check_digit(code[:-1])
        }
    return _("A barcode (GTIN) has 8, 12, 13 or 14 digits.")


class ProductForm(RefusalForm):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    brand = forms.CharField(label=gettext_lazy("Brand"), max_length=80, required=False)
    category = forms.ChoiceField(label=gettext_lazy("Category"))
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 30}),
    )
    attributes = forms.CharField(
        label=gettext_lazy("Attributes, one a line: name: value"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 30, "placeholder": "matière: polyester"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [
            (category.slug, str(category)) for category in category_list().order_by("name")
        ]

    def clean_attributes(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for line in self.cleaned_data["attributes"].splitlines():
            if not line.strip():
                continue
            name, colon, value = line.partition(":")
            if not colon or not name.strip():
                raise forms.ValidationError(_("Write each attribute as name: value."))
            found[name.strip()] = value.strip()
        return found


def _attributes_text(attributes: dict[str, Any]) -> str:
    return "\n".join(f"{name}: {value}" for name, value in attributes.items())


class VariantForm(RefusalForm):
    sku = forms.CharField(label=gettext_lazy("SKU"), max_length=40)
    size = forms.CharField(label=gettext_lazy("Size"), max_length=20, required=False)
    colour = forms.CharField(label=gettext_lazy("Colour"), max_length=40, required=False)
    gtin = forms.CharField(
        label=gettext_lazy("Barcode (GTIN-13)"),
        max_length=14,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    price = forms.DecimalField(
        label=gettext_lazy("Base price (EUR)"), min_value=Decimal(0), decimal_places=2
    )

    def clean_gtin(self) -> str:
        code = self.cleaned_data["gtin"].strip()
        if code and (message := _gtin_message(code)):
            raise forms.ValidationError(message)
        return code


class VariantEditForm(VariantForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["sku"], self.fields["price"]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(one, initial) for one in files]


class PictureForm(RefusalForm):
    file = MultipleFileField(
        label=gettext_lazy("Pictures (JPEG, PNG or WebP, 10 MB at most each)"),
        widget=MultipleFileInput(attrs={"accept": "image/*", "multiple": True}),
    )
    alt_text = forms.CharField(
        label=gettext_lazy("What the picture shows (for screen readers)"), max_length=200
    )


class PriceForm(RefusalForm):
    sku = forms.ChoiceField(label=gettext_lazy("SKU"))
    channel = forms.ChoiceField(label=gettext_lazy("Channel"), required=False)
    store = forms.ChoiceField(label=gettext_lazy("Store"), required=False)
    amount = forms.DecimalField(label=gettext_lazy("Price (EUR)"), decimal_places=2)
    reason = forms.CharField(
        label=gettext_lazy("Why (needed for a channel or store price)"),
        max_length=200,
        required=False,
    )

    def __init__(self, *args: Any, skus: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sku"].choices = [(sku, sku) for sku in skus]
        named = [(code, CHANNEL_NAMES.get(code, code)) for code, _english in CHANNELS]
        self.fields["channel"].choices = [("", _("Every channel")), *named]
        stores = location_list(kind="store").order_by("city").values_list("code", "name")
        self.fields["store"].choices = [("", _("Every store")), *stores]

    def clean_amount(self) -> Decimal:
        amount = self.cleaned_data["amount"]
        if amount < 0:
            raise forms.ValidationError(_("A price is zero or more."))
        return amount


# --- a new product ------------------------------------------------------------------------


def new_product(request: HttpRequest) -> HttpResponse:
    """GET: the form. POST (with its key as Idempotency-Key): a product and its first variant."""
    staff_actor(request, WRITE)
    if request.method == "POST":
        return _create(request)
    return _new_page(request, ProductForm(), VariantForm(prefix="variant"))


def _new_page(request: HttpRequest, form: ProductForm, variant: VariantForm) -> HttpResponse:
    # A fresh key each time the form is shown: a corrected resubmit is a new request.
    context = {"form": form, "variant": variant, "key": uuid.uuid4().hex}
    return render(request, "web/backoffice/product_new.html", context)


@idempotent  # the form sends its key as Idempotency-Key: a double submit creates one product
def _create(request: HttpRequest) -> HttpResponse:
    form = ProductForm(request.POST)
    variant = VariantForm(request.POST, prefix="variant")
    if not (form.is_valid() & variant.is_valid()):
        return _new_page(request, form, variant)
    data, first = form.cleaned_data, variant.cleaned_data
    try:
        product = create_product(
            slug=slugify(data["name"])[:120] or "product",
            name=data["name"],
            brand=data["brand"],
            category=data["category"],
            description=data["description"],
            attributes=data["attributes"],
            variants=[
                NewVariant(
                    sku=first["sku"],
                    price=first["price"],
                    gtin=first["gtin"],
                    size=first["size"],
                    colour=first["colour"],
                )
            ],
        )
    except DomainError as error:
        if error.code == "product-slug-taken":
            form.add_error("name", _("Change the name a little: its web address is taken."))
        elif error.code == "unknown-category":
            form.show_refusal(error)
        else:
            variant.show_refusal(error)
        return _new_page(request, form, variant)
    answer = _product_page(request, product, created=True)
    answer["HX-Push-Url"] = reverse("backoffice:catalogue-product", args=[product.slug])
    return answer


# --- one product ---------------------------------------------------------------------------


def _product_page(request: HttpRequest, product: Any, **forms_and_notes: Any) -> HttpResponse:
    variants = list(product.variants.order_by("pk"))
    skus = [variant.sku for variant in variants]
    bound = forms_and_notes.pop("variant_form", None)
    context: dict[str, Any] = {
        "product": product,
        "form": ProductForm(
            initial={
                "name": product.name,
                "brand": product.brand,
                "category": product.category.slug,
                "description": product.description,
                "attributes": _attributes_text(product.attributes),
            }
        ),
        "variants": [
            (
                variant,
                bound
                if bound is not None and bound.prefix == variant.sku
                else VariantEditForm(
                    prefix=variant.sku,
                    initial={
                        "size": variant.size,
                        "colour": variant.colour,
                        "gtin": (variant.gtin or "").removeprefix("0"),
                    },
                ),
            )
            for variant in variants
        ],
        "new_variant": VariantForm(prefix="variant"),
        "pictures": pictures_of([product.pk]).get(product.pk, []),
        "picture_form": PictureForm(),
        "prices": price_rules_of_product(product.pk),
        "price_form": PriceForm(skus=skus),
        "done": request.GET.get("done", ""),
        **forms_and_notes,
    }
    return render(request, "web/backoffice/product.html", context)


def product(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the product's forms. POST: its name, brand, category, description, attributes."""
    staff_actor(request, WRITE)
    found = product_by_slug(slug)
    if request.method != "POST":
        return _product_page(request, found)
    form = ProductForm(request.POST)
    if form.is_valid():
        try:
            edit_product(slug=slug, **form.cleaned_data)
            return _done(slug, "product")
        except DomainError as error:
            form.show_refusal(error)
    return _product_page(request, found, form=form)


def _done(slug: str, what: str) -> HttpResponse:
    response = redirect("backoffice:catalogue-product", slug=slug)
    response["Location"] += f"?done={what}"
    return response


def new_variant(request: HttpRequest, slug: str) -> HttpResponse:
    staff_actor(request, WRITE)
    found = product_by_slug(slug)
    if request.method != "POST":
        return redirect("backoffice:catalogue-product", slug=slug)
    form = VariantForm(request.POST, prefix="variant")
    if form.is_valid():
        try:
            add_variant(slug=slug, variant=NewVariant(**form.cleaned_data))
            return _done(slug, "variant")
        except DomainError as error:
            form.show_refusal(error)
    return _product_page(request, found, new_variant=form)


def variant(request: HttpRequest, slug: str, sku: str) -> HttpResponse:
    staff_actor(request, WRITE)
    found = product_by_slug(slug)
    if request.method != "POST" or not found.variants.filter(sku=sku).exists():
        return redirect("backoffice:catalogue-product", slug=slug)
    form = VariantEditForm(request.POST, prefix=sku)
    if form.is_valid():
        try:
            edit_variant(sku=sku, **form.cleaned_data)
            return _done(slug, "variant")
        except DomainError as error:
            form.show_refusal(error)
    return _product_page(request, found, variant_form=form)


def pictures(request: HttpRequest, slug: str) -> HttpResponse:
    """Each file sent becomes the product's next picture; one refused file refuses them all."""
    staff_actor(request, WRITE)
    found = product_by_slug(slug)
    if request.method != "POST":
        return redirect("backoffice:catalogue-product", slug=slug)
    form = PictureForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            with transaction.atomic():  # all the files or none
                for upload in form.cleaned_data["file"]:
                    add_product_image(
                        product_slug=slug,
                        content=upload.read(MAX_BYTES + 1),
                        filename=upload.name or "",
                        alt_text=form.cleaned_data["alt_text"],
                    )
            return _done(slug, "pictures")
        except DomainError as error:
            form.show_refusal(error)
    return _product_page(request, found, picture_form=form)


def prices(request: HttpRequest, slug: str) -> HttpResponse:
    staff_actor(request, WRITE)
    found = product_by_slug(slug)
    if request.method != "POST":
        return redirect("backoffice:catalogue-product", slug=slug)
    skus = list(found.variants.order_by("pk").values_list("sku", flat=True))
    form = PriceForm(request.POST, skus=skus)
    if form.is_valid():
        try:
            set_price(**form.cleaned_data)
            return _done(slug, "price")
        except DomainError as error:
            form.show_refusal(error)
    return _product_page(request, found, price_form=form)
