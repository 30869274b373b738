"""After the move (nazorg): signals between corporation and care about a placed tenant, with
a response deadline and a shared plan, before a tenancy fails (`docs/aftercare.md`)."""
