from django.dispatch import Signal

# An account's state changed (arguments: verb, actor). The audit trail lives above accounts: contest connects a
# receiver in its AppConfig.ready() that writes the AuditEvent, in the same transaction.
account_event = Signal()
