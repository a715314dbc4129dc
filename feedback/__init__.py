"""Citizen feedback on conversations: 好差评 ratings and hand-off requests to a person (转人工)."""
