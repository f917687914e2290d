"""Everything that fits the shipped triage models: data splits, fit functions, ``python -m assistant.training``.

Nothing at run time imports this package; the app only reads the plain-array model files it writes
(assistant/replies/models/*.npz + *.json) and the labelled sentences in labelled/.
"""
