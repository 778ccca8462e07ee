from ninja import Field, Schema


class InboundEmailIn(Schema):
    """The shape mail providers post inbound mail in (Postmark, Mailgun, SendGrid… once
    mapped): the sender, the subject, the plain text and the threading headers."""

    from_: str = Field(..., alias="from", max_length=400)
    to: str = Field("", max_length=2000)
    subject: str = Field("", max_length=2000)
    text: str = Field("", max_length=200_000)
    message_id: str = Field(..., min_length=3, max_length=300)
    in_reply_to: str = Field("", max_length=300)
    references: str = Field("", max_length=20_000)


class InboundEmailOut(Schema):
    conversation_id: int
    message_id: int
    stored: bool
