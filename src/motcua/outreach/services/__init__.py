"""Writes of the outreach app: consent (services.consent), campaigns (services.campaigns), links (services.links)."""
