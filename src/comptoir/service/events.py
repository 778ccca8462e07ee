"""Events the service app records (payloads carry conversation_id and customer_id)."""

MESSAGE_RECEIVED = "service.message_received"  # + message_id, order_reference, wismo
REPLY_WRITTEN = (
    "service.reply_written"  # + message_id: the handler sends it, outside any transaction
)
SLA_BREACHED = "service.sla_breached"  # + team, sla_due_at: no answer by the time promised
