from django import template

from titles.audit import audit_action_label, audit_events_for, audit_reason_text

register = template.Library()


@register.inclusion_tag("titles/includes/timeline.html")
def timeline(obj, state_labels=None):
    """The object's audit events in order, labelled in the reader's language.

    ``state_labels`` maps a state value to its label (e.g. a TextChoices' ``dict(choices)``).
    """
    labels = dict(state_labels or {})
    events = [
        {
            "event": event,
            "action": audit_action_label(event.action),
            "from_state": labels.get(event.from_state, event.from_state),
            "to_state": labels.get(event.to_state, event.to_state),
            "reason": audit_reason_text(event),
        }
        for event in audit_events_for(obj)
    ]
    return {"events": events}
