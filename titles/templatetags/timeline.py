from django import template

from titles.audit import audit_action_label, audit_events_for, audit_reason_text

register = template.Library()


@register.inclusion_tag("titles/includes/timeline.html")
def timeline(obj, state_labels=None, withheld=(), events=None):
    """The object's audit events in order, labelled in the reader's language.

    ``state_labels`` maps a state value to its label (e.g. a TextChoices' ``dict(choices)``).
    ``withheld`` names actions whose actor and reason the reader may not see (the event itself
    shows): e.g. who the panel experts are, for anyone but staff (rule 10). ``events``: the
    object's events, when the page has read them already.
    """
    labels = dict(state_labels or {})
    withheld = frozenset(withheld or ())
    events = [
        {
            "event": event,
            "action": audit_action_label(event.action),
            "actor": "" if event.action in withheld else event.actor_label,
            # in the reader's language (issue #22); withheld as the actor is (issue #20)
            "reason": "" if event.action in withheld else audit_reason_text(event),
            "from_state": labels.get(event.from_state, event.from_state),
            "to_state": labels.get(event.to_state, event.to_state),
        }
        for event in (audit_events_for(obj) if events is None else events)
    ]
    return {"events": events}
