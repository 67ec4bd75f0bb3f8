"""Ports to the outside world (SMS gateways, later payment providers and the national portal).

Each capability has `base.py` (the port: a Protocol, its data and errors), `fake.py` (records what
it was given and fails on demand, for development and tests) and real adapters; settings choose one.
"""
