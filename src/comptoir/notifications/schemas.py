from datetime import datetime

from ninja import Schema


class ChannelPreferenceIn(Schema):
    email: bool
    sms: bool


class ChannelPreferenceOut(Schema):
    email: bool
    sms: bool


class MessageOut(Schema):
    id: int
    kind: str
    channel: str
    language: str
    status: str
    reason: str
    subject: str
    created_at: datetime
