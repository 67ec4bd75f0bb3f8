"""What MotCua pushed to the national portal (DVCQG) and what the portal acknowledged, per dossier.

The dossiers app knows nothing of it: the state to push is computed from the dossier, its payments
and its rating (`records.py`), and kept here, keyed by the dossier.
"""
