"""Client ids the test provider treats specially (no Django imports: the tests use these)."""

EXPIRED_CLIENT = "woonbrug-expired"
WRONG_AUDIENCE_CLIENT = "woonbrug-wrong-audience"
