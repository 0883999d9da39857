"""The public progress site: what the promise's parties promised and how far they have come,
for the people it was made to. Read-only and open to everyone; it keeps the last figures it
read from the metrics service, so it answers, saying how old they are, when that is down.
"""

SERVICE = "public"
