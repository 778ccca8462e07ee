"""What the service inbox refuses."""

from comptoir.core.errors import DomainError, NotFound, ValidationFailed


class ConversationNotFound(NotFound):
    code = "conversation-not-found"


class UnreadableMessage(ValidationFailed):
    """An inbound message without a sender or a Message-ID cannot be stored or threaded."""

    code = "unreadable-message"


class InboundSecretRefused(DomainError):
    code = "inbound-secret-refused"
    status = 401


class EmptyReply(ValidationFailed):
    code = "empty-reply"
