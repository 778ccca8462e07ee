"""The catalogue's store list is written out in Python, and says exactly what Django's would."""

import pytest
from django import forms

from comptoir.web.shop.forms import CatalogueFilters, LongSelect

CHOICES = [("", "Any store"), ("lyon", "Élan Lyon"), ("a&b", 'Tom & "Jerry" <shop>'), ("7", "7")]


@pytest.mark.parametrize("value", [None, "", "lyon", "a&b", "7", 7, "unknown"])
@pytest.mark.parametrize(
    "attrs", [None, {"id": "id_store"}, {"id": "x", "required": True, "disabled": False}]
)
def test_the_long_select_writes_what_djangos_select_writes(value, attrs):
    ours = LongSelect(choices=CHOICES).render("store", value, attrs)
    django_s = forms.Select(choices=CHOICES).render("store", value, attrs)

    assert ours == django_s


def test_the_catalogue_form_renders_its_stores_with_the_chosen_one_selected():
    form = CatalogueFilters({"store": "lyon"}, stores=CHOICES[1:])

    html = str(form["store"])

    assert '<option value="lyon" selected>Élan Lyon</option>' in html
    assert html == forms.Select(choices=form.fields["store"].choices).render(
        "store", "lyon", {"id": "id_store"}
    )


@pytest.mark.parametrize(("value", "valid"), [("lyon", True), ("", True), ("unknown", False)])
def test_the_catalogue_form_accepts_a_listed_store_and_refuses_another_as_django_would(
    value, valid
):
    ours = CatalogueFilters({"store": value}, stores=CHOICES[1:])
    django_s = forms.ChoiceField(choices=CHOICES, required=False)

    assert ours.is_valid() is valid
    if not valid:
        with pytest.raises(forms.ValidationError) as refused:
            django_s.clean(value)
        assert ours.errors["store"] == refused.value.messages


def test_the_store_list_is_written_in_the_reader_s_language():
    from django.utils import translation

    with translation.override("fr"):
        french = str(CatalogueFilters({}, stores=CHOICES[1:])["store"])
    with translation.override("en"):
        english = str(CatalogueFilters({}, stores=CHOICES[1:])["store"])

    assert '<option value="" selected>Tous les magasins</option>' in french
    assert '<option value="" selected>Any store</option>' in english
