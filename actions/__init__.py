"""Rasa custom actions (rasa-sdk, .venv): thin wrappers over guides.answers."""
