"""Channel adapters: Twilio SMS webhooks, the SMTP intake and the outbound senders."""
