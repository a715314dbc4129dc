"""Extensions loaded by the Rasa server (.venv-rasa, Python 3.10): standard library and Rasa only."""
