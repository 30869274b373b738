"""The client's privacy rights, answered by the care provider.

- `overview`: "Wie heeft mijn dossier ingezien?" -- every access-log row that concerns one
  client (its own rows and those about its proposals, placements, agreements, evaluations
  and signals, refused attempts included) over a chosen period, as a page and a Dutch PDF.

Who may produce them is `cases.permissions.ClientRightsPolicy`: any care coordinator of the
client's provider, and the provider's privacy officer. Producing one is itself logged.
"""
