// Passkeys page: after the browser registered a passkey (django-otp-webauthn's script fires
// the event), reload so the list shows it with its name and date.
document.addEventListener("otp_webauthn.register_complete", () => window.location.reload());
