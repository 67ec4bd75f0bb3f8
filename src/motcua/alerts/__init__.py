"""Alerts to officials: the daily digest of their work, escalation of overdue dossiers to the division
head and the agency leader, and the weekly administrative-reform report for the leaders' meeting.

Every alert is a `StaffAlert` row keyed by what it is about (the day or week, the official, the
dossier), written in the transaction that queues its e-mail in the outbox: a second run the same day
finds the row and sends nothing again.
"""
