"""Reading an email, spotting "where is my order?", and when an answer is due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from comptoir.service.domain import (
    ServiceHours,
    answer_due,
    is_wismo,
    order_references_in,
    read_email,
)
from comptoir.service.tests.factories import an_email

FOUR_HOURS = timedelta(hours=4)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Bonjour, où est ma commande CO-JEAN2345 ?", id="fr_ou_est_case"),
        pytest.param("OU EN EST MA COMMANDE svp", id="fr_capitals_no_accent_case"),
        pytest.param("Je n'ai toujours pas reçu mon colis", id="fr_pas_recu_case"),
        pytest.param("Je voudrais le suivi de ma commande", id="fr_suivi_case"),
        pytest.param("Where is my order? It's been a week", id="en_where_case"),
        pytest.param("My parcel has not arrived yet", id="en_not_arrived_case"),
        pytest.param("When will my package arrive?", id="en_when_will_case"),
    ],
)
def test_where_is_my_order_questions_are_recognised(text):
    assert is_wismo("", text)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Je voudrais retourner ma veste, elle est trop grande", id="fr_return_case"),
        pytest.param("Avez-vous cette veste en taille M à Lyon ?", id="fr_stock_case"),
        pytest.param("I would like to change my delivery address", id="en_address_case"),
    ],
)
def test_other_questions_are_not_where_is_my_order(text):
    assert not is_wismo("Question", text)


def test_order_references_are_found_in_any_case_once_each():
    assert order_references_in("où est co-jean2345 ?", "Re: CO-JEAN2345, CO-ABCD2345") == [
        "CO-JEAN2345",
        "CO-ABCD2345",
    ]
    assert order_references_in("CO-JEAN0345 has a zero, CO-JEAN23456 is too long") == []


def test_an_email_is_read_with_its_threading_headers():
    mail = an_email(
        "où est ma commande ?",
        message_id="<second@example.fr>",
        in_reply_to="<reply-1@comptoir.local>",
    )
    read = read_email(mail.as_bytes())
    assert (read.sender, read.sender_name, read.subject) == (
        "jean.martin@example.fr",
        "Jean Martin",
        "Ma commande",
    )
    assert read.text == "où est ma commande ?"
    assert read.message_id == "second@example.fr"
    assert read.in_reply_to == ("reply-1@comptoir.local",)


def test_an_answer_is_due_four_working_hours_later_the_same_day():
    monday_1030_paris = datetime(2026, 3, 9, 9, 30, tzinfo=UTC)
    due = answer_due(monday_1030_paris, within=FOUR_HOURS, hours=ServiceHours())
    assert due == datetime(2026, 3, 9, 13, 30, tzinfo=UTC)


def test_friday_evening_mail_is_due_on_monday_and_a_public_holiday_is_skipped():
    friday_1700_paris = datetime(2026, 3, 13, 16, 0, tzinfo=UTC)
    due = answer_due(friday_1700_paris, within=FOUR_HOURS, hours=ServiceHours())
    assert due == datetime(2026, 3, 16, 11, 0, tzinfo=UTC)  # one hour Friday, three Monday
    # Around Easter 2026: Friday 3 April works in Paris; Monday 6 April is a public holiday.
    thursday_2000_paris = datetime(2026, 4, 2, 18, 0, tzinfo=UTC)
    friday = answer_due(thursday_2000_paris, within=FOUR_HOURS, hours=ServiceHours())
    assert friday == datetime(2026, 4, 3, 11, 0, tzinfo=UTC)  # Good Friday is no holiday in Paris
    saturday = datetime(2026, 4, 4, 10, 0, tzinfo=UTC)
    assert answer_due(saturday, within=FOUR_HOURS, hours=ServiceHours()) == datetime(
        2026, 4, 7, 11, 0, tzinfo=UTC
    )
